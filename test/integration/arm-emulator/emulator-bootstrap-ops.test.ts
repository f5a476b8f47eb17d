// What bootstrap and pause/resume need beyond resources and stacks: the Microsoft.PolicyInsights
// namespace, a storage account's blob service and lifecycle policy, and PostgreSQL flexible server
// stop/start as the long-running POSTs ARM answers them with.
import { expect } from 'chai';
import { call, fast, pollLocation, useTestEmulator, withTestEmulator, type RawResponse, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

describe('ARM emulator: Microsoft.PolicyInsights provider', () => {
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));

  it('is known: GET and POST register at 2021-04-01 (bootstrap) and through the resources SDK', async () => {
    const path = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.PolicyInsights`;
    const before = await call(emu, 'GET', `${path}?api-version=2021-04-01`);
    expect([before.status, before.body.namespace, before.body.registrationState]).to.deep.equal([200, 'Microsoft.PolicyInsights', 'NotRegistered']);
    expect(before.body.resourceTypes.map((t: { resourceType: string }) => t.resourceType)).to.include.members(['policyStates', 'remediations']);
    const registered = await call(emu, 'POST', `${path}/register?api-version=2021-04-01`);
    expect([registered.status, registered.body.registrationState]).to.deep.equal([200, 'Registered']);
    expect((await emu.clients.resources.providers.get('Microsoft.PolicyInsights')).registrationState).to.equal('Registered');
    expect((await emu.clients.resources.providers.unregister('Microsoft.PolicyInsights')).registrationState).to.equal('NotRegistered');
    expect((await emu.clients.resources.providers.register('Microsoft.PolicyInsights')).registrationState).to.equal('Registered');
  });
});

describe('ARM emulator: blob service and lifecycle management policy of a storage account', () => {
  let emu: TestEmulator;
  let account: string;
  const rules = [
    {
      enabled: true,
      name: 'delete-old-versions',
      type: 'Lifecycle',
      definition: { filters: { blobTypes: ['blockBlob'] }, actions: { version: { delete: { daysAfterCreationGreaterThan: 30 } } } },
    },
  ];
  useTestEmulator((e) => (emu = e));
  before(async () => {
    await emu.clients.resources.resourceGroups.createOrUpdate('rg-st', { location: 'westeurope' });
    await emu.clients.storage.storageAccounts.create('rg-st', 'stlifecycle1', { location: 'westeurope', sku: { name: 'Standard_ZRS' }, kind: 'StorageV2' }, fast);
    account = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-st/providers/Microsoft.Storage/storageAccounts/stlifecycle1`;
  });

  it('GET/PUT blobServices/default at 2023-05-01', async () => {
    const put = await call(emu, 'PUT', `${account}/blobServices/default?api-version=2023-05-01`, { properties: { isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 7 } } });
    expect(put.status).to.be.oneOf([200, 201]);
    const got = await call(emu, 'GET', `${account}/blobServices/default?api-version=2023-05-01`);
    expect(got.status).to.equal(200);
    expect(got.body).to.deep.include({ id: `${account}/blobServices/default`, name: 'default', type: 'Microsoft.Storage/storageAccounts/blobServices' });
    expect(got.body.properties).to.deep.include({ isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 7 } });
  });

  it('PUT/GET managementPolicies/default at 2023-05-01 and through the storage SDK', async () => {
    const url = `${account}/managementPolicies/default?api-version=2023-05-01`;
    expect((await call(emu, 'GET', url)).body.error.code).to.equal('ResourceNotFound');
    const put = await call(emu, 'PUT', url, { properties: { policy: { rules } } });
    expect(put.status).to.equal(201);
    const got = await call(emu, 'GET', url);
    expect(got.body).to.deep.include({ id: `${account}/managementPolicies/default`, name: 'default', type: 'Microsoft.Storage/storageAccounts/managementPolicies' });
    expect(got.body.properties.policy).to.deep.equal({ rules });
    expect(Date.parse(got.body.properties.lastModifiedTime)).to.not.be.NaN;

    const sdk = await emu.clients.storage.managementPolicies.get('rg-st', 'stlifecycle1', 'default');
    expect(sdk.policy?.rules?.[0]?.definition.actions.version?.delete?.daysAfterCreationGreaterThan).to.equal(30);
    const updated = await emu.clients.storage.managementPolicies.createOrUpdate('rg-st', 'stlifecycle1', 'default', { policy: { rules: [{ ...rules[0]!, enabled: false }] } });
    expect(updated.policy?.rules?.[0]?.enabled).to.equal(false);
  });

  it('a lifecycle policy of an account that does not exist is ParentResourceNotFound', async () => {
    const missing = await call(emu, 'PUT', `${account}x/managementPolicies/default?api-version=2023-05-01`, { properties: { policy: { rules } } });
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'ParentResourceNotFound']);
  });
});

describe('ARM emulator: PostgreSQL flexible server stop and start', () => {
  let emu: TestEmulator;
  let server: string;
  const stateOf = async (apiVersion = '2024-08-01'): Promise<string> => (await call(emu, 'GET', `${server}?api-version=${apiVersion}`)).body.properties.state;

  /** The 202 of a stop/start: Location, Azure-AsyncOperation and Retry-After, then followed to the end. */
  async function longRunning(response: RawResponse): Promise<RawResponse> {
    expect(response.status, JSON.stringify(response.body)).to.equal(202);
    expect(response.headers['azure-asyncoperation']).to.be.a('string');
    expect(response.headers['retry-after']).to.match(/^\d+$/);
    expect(response.headers.location).to.be.a('string');
    return pollLocation(emu, String(response.headers.location));
  }

  useTestEmulator((e) => (emu = e));
  before(async () => {
    await emu.clients.resources.providers.register('Microsoft.DBforPostgreSQL');
    await emu.clients.resources.resourceGroups.createOrUpdate('rg-pg', { location: 'westeurope' });
    server = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-pg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-power`;
    const put = await call(emu, 'PUT', `${server}?api-version=2024-08-01`, { location: 'westeurope', sku: { name: 'Standard_B1ms', tier: 'Burstable' }, properties: { version: '16' } });
    expect(put.status).to.equal(201);
  });

  it('stop at 2024-08-01: 202 long-running, the server ends Stopped; start at 2025-08-01 (the Bicep module version) ends Ready', async () => {
    expect(await stateOf()).to.equal('Ready');
    const stopped = await longRunning(await call(emu, 'POST', `${server}/stop?api-version=2024-08-01`));
    expect(stopped.status).to.equal(200);
    expect(await stateOf()).to.equal('Stopped');

    const start = await call(emu, 'POST', `${server}/start?api-version=2025-08-01`);
    const status = await call(emu, 'GET', String(start.headers['azure-asyncoperation']));
    expect(status.body.status).to.be.oneOf(['Running', 'Succeeded']);
    expect((await longRunning(start)).status).to.equal(200);
    expect(await stateOf('2025-08-01')).to.equal('Ready');
    expect((await call(emu, 'GET', String(start.headers['azure-asyncoperation']))).body.status).to.equal('Succeeded');
  });

  it('shows Stopping while the stop runs', async () => {
    await withTestEmulator({ latency: { defaultMs: 800 } }, async (slow) => {
      await slow.clients.resources.providers.register('Microsoft.DBforPostgreSQL');
      await slow.clients.resources.resourceGroups.createOrUpdate('rg-pg', { location: 'westeurope' });
      const id = `/subscriptions/${slow.subscriptionId}/resourceGroups/rg-pg/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-slow`;
      await call(slow, 'PUT', `${id}?api-version=2024-08-01`, { location: 'westeurope', sku: { name: 'Standard_B1ms', tier: 'Burstable' }, properties: { version: '16' } });
      const stop = await call(slow, 'POST', `${id}/stop?api-version=2024-08-01`);
      expect(stop.status).to.equal(202);
      expect((await call(slow, 'GET', `${id}?api-version=2024-08-01`)).body.properties.state).to.equal('Stopping');
      expect((await call(slow, 'GET', String(stop.headers['azure-asyncoperation']))).body.status).to.equal('Running');
      expect((await pollLocation(slow, String(stop.headers.location))).status).to.equal(200);
      expect((await call(slow, 'GET', `${id}?api-version=2024-08-01`)).body.properties.state).to.equal('Stopped');
    });
  });

  it('stopping a stopped server is a 409 ServerIsNotReady naming its state; starting a ready one is a 409 too', async () => {
    await longRunning(await call(emu, 'POST', `${server}/stop?api-version=2024-08-01`));
    const again = await call(emu, 'POST', `${server}/stop?api-version=2024-08-01`);
    expect([again.status, again.body.error.code]).to.deep.equal([409, 'ServerIsNotReady']);
    expect(again.body.error.message).to.include('Current Server State = Stopped');
    await longRunning(await call(emu, 'POST', `${server}/start?api-version=2024-08-01`));
    const started = await call(emu, 'POST', `${server}/start?api-version=2024-08-01`);
    expect([started.status, started.body.error.code]).to.deep.equal([409, 'ServerIsNotStopped']);
    expect(await stateOf()).to.equal('Ready');
  });

  it('an unknown server is 404 ResourceNotFound, a missing resource group ResourceGroupNotFound, no api-version 400', async () => {
    const unknown = await call(emu, 'POST', `${server}-nope/stop?api-version=2024-08-01`);
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'ResourceNotFound']);
    const noGroup = await call(emu, 'POST', `${server.replace('rg-pg', 'rg-none')}/start?api-version=2024-08-01`);
    expect([noGroup.status, noGroup.body.error.code]).to.deep.equal([404, 'ResourceGroupNotFound']);
    const noVersion = await call(emu, 'POST', `${server}/stop`);
    expect([noVersion.status, noVersion.body.error.code]).to.deep.equal([400, 'MissingApiVersionParameter']);
    // Other POST actions on a server stay unsupported, as before.
    const restart = await call(emu, 'POST', `${server}/restart?api-version=2024-08-01`);
    expect([restart.status, restart.body.error.code]).to.deep.equal([404, 'InvalidResourceOperation']);
  });
});

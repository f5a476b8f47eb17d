// The emulator as a server: TLS trust, bearer tokens, ARM's generic answers (api-version,
// unknown routes, not found), subscriptions, providers, resource groups, generic resources with the
// real SDK clients, transient faults, and state that survives restart and kill -9.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { call, expectArmError, fast, startTestEmulator, tempStateDir, useTestEmulator, withTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

const mainScript = path.resolve(import.meta.dirname, '../../../packages/arm-emulator/src/main.ts');

/** `npm run emulator` as a child process with `env` added; `out` and `err` hold what it printed so far. */
function spawnMain(env: Record<string, string>): { child: ChildProcess; out: string; err: string } {
  const child = spawn(process.execPath, [mainScript], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, out: '', err: '' };
  child.stdout!.on('data', (d: Buffer) => (run.out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.err += d.toString()));
  return run;
}

/** Waits (up to 10 s) until a spawned emulator says it is listening. */
async function untilListening(run: { out: string }): Promise<void> {
  for (let i = 0; i < 200 && !run.out.includes('Ctrl-C'); i++) await sleep(50);
}

describe('ARM emulator: server, auth and generic ARM behaviour', () => {
  let emu: TestEmulator;
  const sub = (): string => `/subscriptions/${emu.subscriptionId}`;
  useTestEmulator((e) => (emu = e));

  it('serves HTTPS that verifies only with its own CA', async () => {
    const err = await call(emu, 'GET', `${sub()}?api-version=2022-12-01`, undefined, { ca: null }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).to.match(/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY/);
    const ok = await call(emu, 'GET', `${sub()}?api-version=2022-12-01`);
    expect(ok.status).to.equal(200);
    expect(https.globalAgent.options.rejectUnauthorized).to.not.equal(false);
  });

  it('answers 401 with ARM error shape without a token, with a foreign token and with an expired one', async () => {
    const none = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`, undefined, { token: null });
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('AuthenticationFailed');
    expect(none.headers['www-authenticate']).to.match(/^Bearer /);
    const foreign = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`, undefined, { token: 'eyJhbGciOi.not.ours' });
    expect(foreign.status).to.equal(401);
    expect(foreign.body.error.code).to.equal('InvalidAuthenticationToken');
    const expired = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`, undefined, { token: makeEmulatorToken({ exp: 1000 }).token });
    expect(expired.body.error).to.deep.include({ code: 'InvalidAuthenticationToken' });
  });

  it('requires and checks api-version like ARM', async () => {
    const missing = await call(emu, 'GET', `${sub()}/resourcegroups`);
    expect([missing.status, missing.body.error.code]).to.deep.equal([400, 'MissingApiVersionParameter']);
    const invalid = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2001-01-01`);
    expect([invalid.status, invalid.body.error.code]).to.deep.equal([400, 'InvalidApiVersionParameter']);
    expect(invalid.body.error.message).to.include('2025-04-01');
    const provider = await call(emu, 'GET', `${sub()}/providers/Microsoft.Consumption/budgets/b1?api-version=2001-01-01`);
    expect([provider.status, provider.body.error.code]).to.deep.equal([400, 'NoRegisteredProviderFound']);
    expect(provider.body.error.message).to.include('2021-10-01');
  });

  it('answers unknown types, namespaces, resources and groups as ARM does', async () => {
    const type = await call(emu, 'GET', `${sub()}/resourceGroups/rg/providers/Microsoft.Storage/bogusThings/x?api-version=2023-05-01`);
    expect([type.status, type.body.error.code]).to.deep.equal([404, 'InvalidResourceType']);
    const ns = await call(emu, 'GET', `${sub()}/resourceGroups/rg/providers/Contoso.Nope/things/x?api-version=2023-05-01`);
    expect([ns.status, ns.body.error.code]).to.deep.equal([404, 'InvalidResourceNamespace']);
    await expectArmError(emu.clients.resources.resourceGroups.get('nope'), 404, 'ResourceGroupNotFound');
    await emu.clients.resources.resourceGroups.createOrUpdate('rg-empty', { location: 'westeurope' });
    await expectArmError(emu.clients.storage.storageAccounts.getProperties('rg-empty', 'stnothere'), 404, 'ResourceNotFound');
    const otherSub = await call(emu, 'GET', `/subscriptions/00000000-0000-0000-0000-0000000000ff/resourcegroups?api-version=2025-04-01`);
    expect(otherSub.body.error.code).to.equal('SubscriptionNotFound');
  });

  it('gets and lists the subscription', async () => {
    const one = await call(emu, 'GET', `${sub()}?api-version=2022-12-01`);
    expect(one.body).to.include({ subscriptionId: emu.subscriptionId, state: 'Enabled', tenantId: emu.tenantId });
    const all = await call(emu, 'GET', '/subscriptions?api-version=2022-12-01');
    expect(all.body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).to.deep.equal([emu.subscriptionId]);
  });

  it('gets, lists and registers resource providers', async () => {
    const before = await emu.clients.resources.providers.get('Microsoft.KeyVault');
    expect(before.registrationState).to.equal('NotRegistered');
    const registered = await emu.clients.resources.providers.register('Microsoft.KeyVault');
    expect(registered.registrationState).to.equal('Registered');
    expect((await emu.clients.resources.providers.get('microsoft.keyvault')).registrationState).to.equal('Registered');
    const names: string[] = [];
    for await (const p of emu.clients.resources.providers.list()) names.push(p.namespace!);
    expect(names).to.include.members(['Microsoft.Resources', 'Microsoft.Storage', 'Microsoft.Consumption']);
    const storage = await emu.clients.resources.providers.get('Microsoft.Storage');
    expect(storage.resourceTypes?.find((t) => t.resourceType === 'storageAccounts')?.apiVersions).to.include('2023-05-01');
  });

  it('creates, updates, lists (paged with an absolute nextLink) and deletes resource groups, cascading', async () => {
    const rgs = emu.clients.resources.resourceGroups;
    const created = await rgs.createOrUpdate('rg-crud', { location: 'westeurope', tags: { a: '1' } });
    expect(created).to.include({ name: 'rg-crud', location: 'westeurope', type: 'Microsoft.Resources/resourceGroups' });
    expect(created.properties?.provisioningState).to.equal('Succeeded');
    await expectArmError(rgs.createOrUpdate('rg-crud', { location: 'northeurope' }), 409, 'InvalidResourceGroupLocation');
    const updated = await rgs.update('rg-crud', { tags: { a: '2' } });
    expect(updated.tags).to.deep.equal({ a: '2' });
    await rgs.createOrUpdate('rg-crud-2', { location: 'westeurope' });
    const page1 = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01&$top=1`);
    expect(page1.body.value).to.have.length(1);
    expect(page1.body.nextLink).to.match(new RegExp(`^${emu.endpoint.replace(/[.]/g, '\\.')}/`));
    const names: string[] = [];
    for await (const g of rgs.list({ top: 1 })) names.push(g.name!);
    expect(names).to.include.members(['rg-crud', 'rg-crud-2']);

    await emu.clients.storage.storageAccounts.create('rg-crud', 'stcascade1', { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, fast);
    const raw = await call(emu, 'DELETE', `${sub()}/resourcegroups/rg-crud?api-version=2025-04-01`);
    expect(raw.status).to.equal(202);
    expect(raw.headers.location).to.match(new RegExp(`^${emu.endpoint.replace(/[.]/g, '\\.')}/subscriptions/.+/operationResults/`));
    expect(raw.headers['retry-after']).to.match(/^\d+$/);
    let poll = await call(emu, 'GET', raw.headers.location as string);
    while (poll.status === 202) poll = await call(emu, 'GET', raw.headers.location as string);
    expect(poll.status).to.be.oneOf([200, 204]);
    await expectArmError(rgs.get('rg-crud'), 404, 'ResourceGroupNotFound');
    const leftover = await call(emu, 'GET', `${sub()}/resources?api-version=2025-04-01`);
    expect(leftover.body.value.map((r: { name: string }) => r.name)).to.not.include('stcascade1');
    // and through the SDK poller
    await rgs.delete('rg-crud-2', fast);
    expect(await rgs.checkExistence('rg-crud-2').then((r) => r.body)).to.equal(false);
  });

  it('puts and gets the resources bootstrap creates, by id and with their SDKs', async () => {
    const { resources, consumption, storage } = emu.clients;
    const defId = `${sub()}/providers/Microsoft.Authorization/policyDefinitions/deny-premium`;
    const def = await resources.resources.createOrUpdateById(defId, '2023-04-01', { properties: { policyType: 'Custom', mode: 'All', policyRule: { if: { field: 'type', equals: 'Microsoft.Nope/things' }, then: { effect: 'deny' } } } } as never, fast);
    expect(def.id).to.equal(defId);
    expect((await resources.resources.getById(defId, '2023-04-01')).properties).to.have.property('policyType', 'Custom');
    for (const [id, version, body] of [
      [`${sub()}/providers/Microsoft.Authorization/policySetDefinitions/cf-baseline`, '2023-04-01', { properties: { policyDefinitions: [{ policyDefinitionId: defId }] } }],
      [`${sub()}/providers/Microsoft.Authorization/roleDefinitions/8a3c2f7e-0000-4000-a000-000000000001`, '2022-04-01', { properties: { roleName: 'cf-deployer', permissions: [{ actions: ['*/read'] }], assignableScopes: [sub()] } }],
      [`${sub()}/providers/Microsoft.Authorization/roleAssignments/8a3c2f7e-0000-4000-a000-000000000002`, '2022-04-01', { properties: { roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/8a3c2f7e-0000-4000-a000-000000000001`, principalId: '11111111-1111-1111-1111-111111111111' } }],
      [`${sub()}/providers/Microsoft.CostManagement/scheduledActions/cf-daily`, '2023-11-01', { kind: 'Email', properties: { displayName: 'daily', status: 'Enabled' } }],
    ] as const) {
      const put = await call(emu, 'PUT', `${id}?api-version=${version}`, body);
      expect(put.status, id).to.equal(201);
      expect((await call(emu, 'GET', `${id}?api-version=${version}`)).body.id).to.equal(id);
    }
    const budget = await consumption.budgets.createOrUpdate(sub().slice(1), 'cf-budget', { category: 'Cost', amount: 100, timeGrain: 'Monthly', timePeriod: { startDate: new Date('2026-11-01T00:00:00Z') } });
    expect(budget.amount).to.equal(100);
    expect((await consumption.budgets.get(sub().slice(1), 'cf-budget')).timeGrain).to.equal('Monthly');

    await resources.resourceGroups.createOrUpdate('rg-boot', { location: 'westeurope' });
    const created = await storage.storageAccounts.create('rg-boot', 'stbootflow1', { location: 'westeurope', sku: { name: 'Standard_ZRS' }, kind: 'StorageV2', minimumTlsVersion: 'TLS1_2' }, fast);
    expect(created.provisioningState).to.equal('Succeeded');
    expect(created.primaryEndpoints?.blob).to.equal('https://stbootflow1.blob.core.windows.net/');
    const got = await storage.storageAccounts.getProperties('rg-boot', 'stbootflow1');
    expect(got.sku?.name).to.equal('Standard_ZRS');
    expect(got.minimumTlsVersion).to.equal('TLS1_2');

    const nw = await call(emu, 'PUT', `${sub()}/resourceGroups/rg-boot/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope?api-version=2024-05-01`, { location: 'westeurope' });
    expect(nw.status).to.equal(201);
    expect(nw.body.properties.provisioningState).to.equal('Succeeded');
  });

  it('refuses writes to an unregistered namespace and to a missing resource group', async () => {
    const r = await call(emu, 'PUT', `${sub()}/resourceGroups/rg-boot/providers/Microsoft.App/managedEnvironments/cae?api-version=2024-03-01`, { location: 'westeurope' });
    expect([r.status, r.body.error.code]).to.deep.equal([409, 'MissingSubscriptionRegistration']);
    const g = await call(emu, 'PUT', `${sub()}/resourceGroups/rg-none/providers/Microsoft.Storage/storageAccounts/stx?api-version=2023-05-01`, { location: 'westeurope' });
    expect([g.status, g.body.error.code]).to.deep.equal([404, 'ResourceGroupNotFound']);
  });

  it('answers malformed JSON with 400 InvalidRequestContent and changes nothing', async () => {
    const before = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`);
    const r = await call(emu, 'PUT', `${sub()}/resourcegroups/rg-bad?api-version=2025-04-01`, undefined, { rawBody: '{"location": "westeurope",' });
    expect([r.status, r.body.error.code]).to.deep.equal([400, 'InvalidRequestContent']);
    const noLocation = await call(emu, 'PUT', `${sub()}/resourcegroups/rg-bad?api-version=2025-04-01`, { tags: {} });
    expect(noLocation.body.error.code).to.equal('LocationRequired');
    expect((await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`)).body).to.deep.equal(before.body);
  });
});

describe('ARM emulator: transient faults', () => {
  it('answers 429/500/503 with Retry-After at the configured rate', async () => {
    await withTestEmulator({ faults: { transientRate: 1, retryAfterSeconds: 7 } }, async (emu) => {
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups?api-version=2025-04-01`);
        seen.push(r.status);
        expect(r.headers['retry-after']).to.equal('7');
        expect(r.body.error.code).to.be.oneOf(['TooManyRequests', 'InternalServerError', 'ServiceUnavailable']);
      }
      expect(seen).to.deep.equal([429, 500, 503]);
    });
  });

  it('lets the SDK retry to success when every other request fails', async () => {
    await withTestEmulator({ faults: { transientRate: 0.5, retryAfterSeconds: 0 } }, async (emu) => {
      const rg = await emu.clients.resources.resourceGroups.createOrUpdate('rg-retry', { location: 'westeurope' });
      expect(rg.name).to.equal('rg-retry');
      expect((await emu.clients.resources.resourceGroups.get('rg-retry')).location).to.equal('westeurope');
    });
  });

  it('fails a configured resource type with the configured ARM code', async () => {
    await withTestEmulator({ faults: { failingTypes: { 'Microsoft.Storage/storageAccounts': 'SkuNotAvailable' } } }, async (emu) => {
      await emu.clients.resources.resourceGroups.createOrUpdate('rg-f', { location: 'westeurope' });
      await expectArmError(emu.clients.storage.storageAccounts.create('rg-f', 'stfail1', { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, fast), 400, 'SkuNotAvailable');
    });
  });
});

describe('ARM emulator: state on disk', () => {
  it('keeps state and CA across a restart', async () => {
    const stateDir = tempStateDir();
    const first = await startTestEmulator({ stateDir });
    await first.clients.resources.resourceGroups.createOrUpdate('rg-persist', { location: 'westeurope', tags: { kept: 'yes' } });
    await first.close();
    await withTestEmulator({ stateDir }, async (second) => {
      expect(second.caPem).to.equal(first.caPem);
      expect((await second.clients.resources.resourceGroups.get('rg-persist')).tags).to.deep.equal({ kept: 'yes' });
    });
  });

  it('stops cleanly on SIGTERM, and emulator:reset is what clears the state', async () => {
    const stateDir = tempStateDir();
    const run = spawnMain({ ARM_EMULATOR_PORT: '0', ARM_EMULATOR_STATE_DIR: stateDir });
    await untilListening(run);
    const exited = new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(run.out).to.include('ARM emulator stopped.');
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(stateDir, 'ca.pem'))).to.equal(true);
    const reset = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../../packages/arm-emulator/src/reset.ts')], { env: { ...process.env, ARM_EMULATOR_STATE_DIR: stateDir }, stdio: 'ignore' });
    expect(await new Promise((resolve) => reset.once('exit', resolve))).to.equal(0);
    expect(existsSync(stateDir)).to.equal(false);
  });

  it('refuses a bad setting naming the variable (exit 2)', async () => {
    const run = spawnMain({ ARM_EMULATOR_TRANSIENT_RATE: 'lots' });
    expect(await new Promise((resolve) => run.child.once('exit', resolve))).to.equal(2);
    expect(run.err).to.include('ARM_EMULATOR_TRANSIENT_RATE').and.not.include('    at ');
  });

  it('keeps state after kill -9 of `npm run emulator`', async () => {
    const stateDir = tempStateDir();
    const run = spawnMain({ ARM_EMULATOR_PORT: '0', ARM_EMULATOR_STATE_DIR: stateDir });
    await untilListening(run);
    const endpoint = /listening on (\S+)/.exec(run.out)?.[1];
    expect(endpoint, run.out).to.be.a('string');
    expect(run.out).to.include(path.join(stateDir, 'ca.pem'));
    const { readFileSync } = await import('node:fs');
    const caPem = readFileSync(path.join(stateDir, 'ca.pem'), 'utf8');
    const clients = createArmClients({ kind: 'emulator', subscriptionId: '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63', endpoint: endpoint!, caPem });
    await clients.resources.resourceGroups.createOrUpdate('rg-killed', { location: 'westeurope' });
    run.child.kill('SIGKILL');
    await new Promise((resolve) => run.child.once('exit', resolve));
    await withTestEmulator({ stateDir }, async (again) => {
      expect((await again.clients.resources.resourceGroups.get('rg-killed')).name).to.equal('rg-killed');
    });
  });
});

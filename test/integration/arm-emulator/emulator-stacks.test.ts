// Deployment stacks, deployments, what-if, deny settings and the policy hook, with the real SDK
// clients over HTTPS and templates expanded by the real Bicep engine (one shared process).
import { expect } from 'chai';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { assignRole, call, expectArmError, fast, pollLocation, roles, testClients, tinyStack, tinyTemplate, useTestEmulator, withTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';
import { compareWithExample, loadExample } from '../../support/arm-emulator/spec-compare.ts';

const stackPath = (emu: TestEmulator, name: string): string => `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/${name}`;
const storageId = (emu: TestEmulator, rg: string, name: string): string => `/subscriptions/${emu.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
const rgId = (emu: TestEmulator, rg: string): string => `/subscriptions/${emu.subscriptionId}/resourceGroups/${rg}`;

async function snapshotOfState(emu: TestEmulator): Promise<unknown> {
  const stacks = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks?api-version=2024-03-01`);
  const resources = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resources?api-version=2025-04-01`);
  const groups = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups?api-version=2025-04-01`);
  return [stacks.body, resources.body, groups.body];
}

describe('ARM emulator: deployment stacks', () => {
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));

  it('creates a stack through the SDK poller: expanded resources, ARM-only values and resolved outputs', async () => {
    const stack = await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-one', tinyStack('rg-one', { storageNames: ['stone1'] }), fast);
    expect(stack.properties?.provisioningState).to.equal('succeeded');
    expect(stack.properties?.resources?.map((r) => r.id)).to.deep.equal([rgId(emu, 'rg-one'), storageId(emu, 'rg-one', 'stone1')]);
    expect(stack.properties?.resources?.[0]).to.include({ status: 'managed', denyStatus: 'none' });
    expect(stack.properties?.outputs).to.deep.equal({ rg: { type: 'String', value: 'rg-one' }, blob: { type: 'String', value: 'https://stone1.blob.core.windows.net/' } });
    const account = await emu.clients.storage.storageAccounts.getProperties('rg-one', 'stone1');
    expect(account.provisioningState).to.equal('Succeeded');
    expect(account.minimumTlsVersion).to.equal('TLS1_2');
    const names: string[] = [];
    for await (const s of emu.clients.stacks.deploymentStacks.listAtSubscription()) names.push(s.name!);
    expect(names).to.include('cf-one');
    const exported = await emu.clients.stacks.deploymentStacks.exportTemplateAtSubscription('cf-one');
    expect(exported.template).to.deep.equal(tinyTemplate({ storageNames: ['stone1'] }));
  });

  it('answers the PUT with Azure-AsyncOperation and Retry-After, same-origin, and moves deploying → succeeded', async () => {
    await withTestEmulator({ latency: { defaultMs: 0, perType: { 'Microsoft.Storage/storageAccounts': 1200 } } }, async (slow) => {
      const put = await call(slow, 'PUT', `${stackPath(slow, 'cf-slow')}?api-version=2024-03-01`, tinyStack('rg-slow'));
      expect(put.status).to.equal(201);
      expect(put.body.properties.provisioningState).to.equal('deploying');
      expect(put.headers['azure-asyncoperation']).to.match(new RegExp(`^${slow.endpoint.replace(/[.]/g, '\\.')}/subscriptions/${slow.subscriptionId}/providers/Microsoft.Resources/operationStatuses/`));
      expect(Number(put.headers['retry-after'])).to.be.greaterThan(0);
      const status = await call(slow, 'GET', put.headers['azure-asyncoperation'] as string);
      expect(status.body.status).to.equal('Running');
      // A stack still deploying refuses another PUT and a DELETE.
      const again = await call(slow, 'PUT', `${stackPath(slow, 'cf-slow')}?api-version=2024-03-01`, tinyStack('rg-slow'));
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'DeploymentStackInNonTerminalState']);
      await expectArmError(slow.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-slow', tinyStack('rg-slow'), fast), 409, 'DeploymentStackInNonTerminalState');
      const del = await call(slow, 'DELETE', `${stackPath(slow, 'cf-slow')}?api-version=2024-03-01`);
      expect(del.body.error.code).to.equal('DeploymentStackInNonTerminalState');
      // Another stack is not affected.
      const other = await call(slow, 'PUT', `${stackPath(slow, 'cf-other')}?api-version=2024-03-01`, tinyStack('rg-other', { storageNames: [] }));
      expect(other.status).to.equal(201);
      let done = status;
      while (done.body.status === 'Running') {
        await new Promise((r) => setTimeout(r, 50));
        done = await call(slow, 'GET', put.headers['azure-asyncoperation'] as string);
      }
      expect(done.body.status).to.equal('Succeeded');
      expect((await slow.clients.stacks.deploymentStacks.getAtSubscription('cf-slow')).properties?.provisioningState).to.equal('succeeded');

      // With deny settings, the state passes through updatingDenyAssignments before succeeded.
      await call(slow, 'PUT', `${stackPath(slow, 'cf-slow')}?api-version=2024-03-01`, tinyStack('rg-slow', { denySettings: { mode: 'denyDelete' } }));
      const seen: string[] = [];
      for (;;) {
        const state = (await call(slow, 'GET', `${stackPath(slow, 'cf-slow')}?api-version=2024-03-01`)).body.properties.provisioningState as string;
        if (seen.at(-1) !== state) seen.push(state);
        if (state === 'succeeded' || state === 'failed') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).to.deep.equal(['deploying', 'updatingDenyAssignments', 'succeeded']);
    });
  });

  it('deletes or detaches what a new version no longer contains, as actionOnUnmanage says', async () => {
    const stacks = emu.clients.stacks.deploymentStacks;
    await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-unmanage', tinyStack('rg-un', { storageNames: ['stun1', 'stun2', 'stun3'] }), fast);
    const v2 = await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-unmanage', tinyStack('rg-un', { storageNames: ['stun1', 'stun2'], actionOnUnmanage: { resources: 'delete' } }), fast);
    expect(v2.properties?.deletedResources?.map((r) => r.id)).to.deep.equal([storageId(emu, 'rg-un', 'stun3')]);
    expect(v2.properties?.detachedResources).to.deep.equal([]);
    await expectArmError(emu.clients.storage.storageAccounts.getProperties('rg-un', 'stun3'), 404, 'ResourceNotFound');
    const v3 = await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-unmanage', tinyStack('rg-un', { storageNames: ['stun1'], actionOnUnmanage: { resources: 'detach' } }), fast);
    expect(v3.properties?.detachedResources?.map((r) => r.id)).to.deep.equal([storageId(emu, 'rg-un', 'stun2')]);
    expect(v3.properties?.deletedResources).to.deep.equal([]);
    expect((await emu.clients.storage.storageAccounts.getProperties('rg-un', 'stun2')).name).to.equal('stun2');
    expect(v3.properties?.resources?.map((r) => r.id)).to.not.include(storageId(emu, 'rg-un', 'stun2'));
  });

  it('deletes a stack with the unmanage query parameters: detach keeps, delete removes (LRO via Location)', async () => {
    const stacks = emu.clients.stacks.deploymentStacks;
    await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-keep', tinyStack('rg-keep', { storageNames: ['stkeep1'] }), fast);
    await stacks.beginDeleteAtSubscriptionAndWait('cf-keep', { ...fast });
    await expectArmError(stacks.getAtSubscription('cf-keep'), 404, 'DeploymentStackNotFound');
    expect((await emu.clients.storage.storageAccounts.getProperties('rg-keep', 'stkeep1')).name).to.equal('stkeep1');

    await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-drop', tinyStack('rg-drop', { storageNames: ['stdrop1'] }), fast);
    const raw = await call(emu, 'DELETE', `${stackPath(emu, 'cf-drop')}?api-version=2024-03-01&unmanageAction.Resources=delete&unmanageAction.ResourceGroups=delete&unmanageAction.ManagementGroups=detach`);
    expect(raw.status).to.equal(202);
    expect(raw.headers.location).to.match(new RegExp(`^${emu.endpoint.replace(/[.]/g, '\\.')}/`));
    expect((await pollLocation(emu, raw.headers.location as string)).status).to.equal(200);
    await expectArmError(emu.clients.resources.resourceGroups.get('rg-drop'), 404, 'ResourceGroupNotFound');
    const bad = await call(emu, 'DELETE', `${stackPath(emu, 'cf-one')}?api-version=2024-03-01&unmanageAction.Resources=purge`);
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'InvalidQueryParameterValue']);
  });

  it('validates a stack (POST, LRO via Location) without changing anything', async () => {
    const before = await snapshotOfState(emu);
    const result = await emu.clients.stacks.deploymentStacks.beginValidateStackAtSubscriptionAndWait('cf-validate', tinyStack('rg-val', { storageNames: ['stval1'] }), fast);
    expect(result.properties?.validatedResources?.map((r) => r.id)).to.deep.equal([rgId(emu, 'rg-val'), storageId(emu, 'rg-val', 'stval1')]);
    expect(await snapshotOfState(emu)).to.deep.equal(before);
  });

  it('refuses bad input with ARM codes and changes no state', async () => {
    const before = await snapshotOfState(emu);
    const put = (body: unknown, raw?: string): ReturnType<typeof call> => call(emu, 'PUT', `${stackPath(emu, 'cf-bad')}?api-version=2024-03-01`, body, raw === undefined ? {} : { rawBody: raw });
    const good = tinyStack('rg-bad');
    const without = (field: string): any => ({ ...good, properties: Object.fromEntries(Object.entries(good.properties).filter(([k]) => k !== field)) });
    const cases: [string, Promise<Awaited<ReturnType<typeof call>>>, number, string, RegExp][] = [
      ['malformed JSON', put(undefined, '{"location": "westeurope", "properties": {'), 400, 'InvalidRequestContent', /could not be deserialized/],
      ['no actionOnUnmanage', put(without('actionOnUnmanage')), 400, 'DeploymentStackInvalidDeploymentStackDefinition', /actionOnUnmanage/],
      ['no denySettings', put(without('denySettings')), 400, 'DeploymentStackInvalidDeploymentStackDefinition', /denySettings/],
      ['bad deny mode', put({ ...good, properties: { ...good.properties, denySettings: { mode: 'denyAll' } } }), 400, 'DeploymentStackInvalidDeploymentStackDefinition', /denyDelete, denyWriteAndDelete, none/],
      ['no location', put({ properties: good.properties }), 400, 'LocationRequired', /location/],
      ['template does not compile', put({ ...good, properties: { ...good.properties, template: { ...tinyTemplate(), outputs: { x: { type: 'string', value: "[parameters('nope')]" } } } } }), 400, 'InvalidTemplate', /nope/],
      ['unknown parameter', put({ ...good, properties: { ...good.properties, parameters: { ...good.properties.parameters, extra: { value: 1 } } } }), 400, 'InvalidTemplate', /extra/],
      ['wrong api-version', call(emu, 'PUT', `${stackPath(emu, 'cf-bad')}?api-version=2021-01-01`, good), 400, 'InvalidApiVersionParameter', /2024-03-01/],
    ];
    for (const [what, p, status, code, message] of cases) {
      const r = await p;
      expect([r.status, r.body?.error?.code], what).to.deep.equal([status, code]);
      expect(r.body.error.message, what).to.match(message);
    }
    expect(await snapshotOfState(emu)).to.deep.equal(before);
  });

  it('enforces deny settings on direct writes and deletes, honouring excluded principals and actions', async () => {
    const stacks = emu.clients.stacks.deploymentStacks;
    const excluded = '5d0c9a3e-0000-4000-a000-00000000abcd';
    await stacks.beginCreateOrUpdateAtSubscriptionAndWait(
      'cf-deny',
      tinyStack('rg-deny', { storageNames: ['stdeny1'], denySettings: { mode: 'denyWriteAndDelete', excludedPrincipals: [excluded], excludedActions: ['Microsoft.Resources/resourceGroups/write'] } }),
      fast,
    );
    const got = await stacks.getAtSubscription('cf-deny');
    expect(got.properties?.resources?.[1]?.denyStatus).to.equal('denyWriteAndDelete');
    const err = await expectArmError(emu.clients.storage.storageAccounts.delete('rg-deny', 'stdeny1'), 403, 'DenyAssignmentAuthorizationFailed');
    expect(err.message).to.include('Microsoft.Storage/storageAccounts/delete');
    await expectArmError(emu.clients.storage.storageAccounts.create('rg-deny', 'stdeny1', { location: 'westeurope', sku: { name: 'Premium_LRS' }, kind: 'StorageV2' }, fast), 403, 'DenyAssignmentAuthorizationFailed');
    await expectArmError(emu.clients.resources.resourceGroups.delete('rg-deny', fast), 403, 'DenyAssignmentAuthorizationFailed');
    // excluded action: the group may be written
    expect((await emu.clients.resources.resourceGroups.createOrUpdate('rg-deny', { location: 'westeurope', tags: { extra: '1' } })).tags).to.deep.equal({ extra: '1' });
    // a deployment by the same caller is refused too (and another stack would be)
    const dep = await call(emu, 'PUT', `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deployments/cf-over?api-version=2025-04-01`, {
      location: 'westeurope',
      properties: { mode: 'Incremental', template: tinyTemplate({ storageNames: ['stdeny1'] }), parameters: { rgName: { value: 'rg-deny' }, location: { value: 'westeurope' } } },
    });
    expect([dep.status, dep.body.error.code]).to.deep.equal([403, 'DenyAssignmentAuthorizationFailed']);
    // excluded principal: may delete (it needs the right to, like any caller: Contributor on the group)
    expect((await assignRole(emu, `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-deny`, excluded, roles.contributor)).status).to.equal(201);
    const admin = testClients(emu, new EmulatorCredential({ principalId: excluded }));
    await admin.storage.storageAccounts.delete('rg-deny', 'stdeny1');
    await expectArmError(emu.clients.storage.storageAccounts.getProperties('rg-deny', 'stdeny1'), 404, 'ResourceNotFound');
    // the stack itself may still change its resources
    const again = await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-deny', tinyStack('rg-deny', { storageNames: ['stdeny1'], denySettings: { mode: 'none' } }), fast);
    expect(again.properties?.provisioningState).to.equal('succeeded');
    await emu.clients.storage.storageAccounts.delete('rg-deny', 'stdeny1');
  });

  it('fails a stack whose resource type is configured to fail, reporting failedResources', async () => {
    await withTestEmulator({ faults: { failingTypes: { 'Microsoft.Storage/storageAccounts': 'QuotaExceeded' } } }, async (failing) => {
      // The SDK poller fails the operation with the error ARM reported in the operation status.
      const err = await failing.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-fail', tinyStack('rg-fail', { storageNames: ['stfail1'] }), fast).then(
        () => expect.fail('the stack PUT should fail'),
        (e: Error) => e,
      );
      expect(err.message).to.include('DeploymentStackDeploymentFailed').and.match(/could not be deployed/);
      const stack = await failing.clients.stacks.deploymentStacks.getAtSubscription('cf-fail');
      expect(stack.properties?.provisioningState).to.equal('failed');
      expect(stack.properties?.failedResources?.map((f) => [f.id, f.error?.code])).to.deep.equal([[storageId(failing, 'rg-fail', 'stfail1'), 'QuotaExceeded']]);
      expect(stack.properties?.resources?.map((r) => r.id)).to.deep.equal([rgId(failing, 'rg-fail')]);
    });
  });

  it('answers stack what-if (api 2025-07-01) with camelCase change types, deltas and unmanage actions', async () => {
    const stacks = emu.clients.stacks.deploymentStacks;
    await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-wi', tinyStack('rg-wi', { storageNames: ['stwi1', 'stwi2'] }), fast);
    const next = tinyStack('rg-wi', { storageNames: ['stwi1', 'stwi3'], actionOnUnmanage: { resources: 'detach' } });
    next.properties.template.resources[1].properties.template.resources[0].properties.minimumTlsVersion = 'TLS1_3';
    const path = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/cf-wi-plan`;
    const body = { location: 'westeurope', properties: { ...next.properties, deploymentStackResourceId: stackPath(emu, 'cf-wi'), retentionInterval: 'P1D' } };
    expect((await call(emu, 'PUT', `${path}?api-version=2024-03-01`, body)).body.error.code).to.equal('InvalidApiVersionParameter');
    const put = await call(emu, 'PUT', `${path}?api-version=2025-07-01`, body);
    expect(put.status).to.equal(201);
    expect(put.headers['azure-asyncoperation']).to.be.a('string');
    const run = await call(emu, 'POST', `${path}/whatIf?api-version=2025-07-01`);
    expect(run.status).to.equal(202);
    const result = await pollLocation(emu, run.headers.location as string);
    expect(result.body.properties.provisioningState).to.equal('succeeded');
    const changes = Object.fromEntries(result.body.properties.changes.resourceChanges.map((c: { id: string; changeType: string }) => [c.id.split('/').pop(), c]));
    expect(changes['rg-wi'].changeType).to.equal('noChange');
    expect(changes.stwi1.changeType).to.equal('modify');
    expect(changes.stwi1.resourceConfigurationChanges.delta).to.deep.equal([{ path: 'properties.minimumTlsVersion', changeType: 'modify', before: 'TLS1_2', after: 'TLS1_3' }]);
    expect(changes.stwi3).to.deep.include({ changeType: 'create', managementStatusChange: { before: 'notManaged', after: 'managed' } });
    expect(changes.stwi2).to.deep.include({ changeType: 'detach', managementStatusChange: { before: 'managed', after: 'notManaged' } });
    expect((await call(emu, 'GET', `${path}?api-version=2025-07-01`)).body.properties.changes.resourceChanges).to.have.length(4);
    const list = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacksWhatIfResults?api-version=2025-07-01`);
    expect(list.body.value.map((v: { name: string }) => v.name)).to.include('cf-wi-plan');
    expect((await call(emu, 'DELETE', `${path}?api-version=2025-07-01`)).status).to.equal(200);
    // nothing was applied
    expect((await stacks.getAtSubscription('cf-wi')).properties?.resources).to.have.length(3);
  });
});

describe('ARM emulator: deployments at subscription scope', () => {
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));
  const deployment = (names: string[], tag = 'test'): any => {
    const template = tinyTemplate({ storageNames: names });
    (template.resources as any[])[0].tags = { env: tag };
    return { location: 'westeurope', properties: { mode: 'Incremental', template, parameters: { rgName: { value: 'rg-dep' }, location: { value: 'westeurope' } } } };
  };

  it('what-if, create (LRO), get, list and operations list through the SDK', async () => {
    const d = emu.clients.deployments.deployments;
    const first = await d.whatIfAtSubscriptionScope('cf-dep', deployment(['stdep1']), fast);
    expect(first.status).to.equal('Succeeded');
    expect(first.changes?.map((c) => c.changeType)).to.deep.equal(['Create', 'Create']);
    const validated = await d.validateAtSubscriptionScope('cf-dep', deployment(['stdep1']), fast);
    expect(validated.properties?.validatedResources?.map((r) => r.id)).to.have.length(2);
    const done = await d.createOrUpdateAtSubscriptionScope('cf-dep', deployment(['stdep1']), fast);
    expect(done.properties?.provisioningState).to.equal('Succeeded');
    expect(done.properties?.outputs).to.deep.include({ blob: { type: 'String', value: 'https://stdep1.blob.core.windows.net/' } });
    expect(done.properties?.outputResources?.map((r) => r.id)).to.deep.equal([rgId(emu, 'rg-dep'), storageId(emu, 'rg-dep', 'stdep1')]);
    expect((await d.getAtSubscriptionScope('cf-dep')).properties?.provisioningState).to.equal('Succeeded');
    const ops: string[] = [];
    for await (const o of emu.clients.deployments.deploymentOperations.listAtSubscriptionScope('cf-dep')) ops.push(`${o.properties?.provisioningOperation} ${o.properties?.targetResource?.resourceName} ${o.properties?.provisioningState}`);
    expect(ops).to.deep.equal(['Create rg-dep Succeeded', 'Create stdep1 Succeeded']);
    const listed: string[] = [];
    for await (const x of d.listAtSubscriptionScope()) listed.push(x.name!);
    expect(listed).to.include('cf-dep');

    await emu.clients.storage.storageAccounts.create('rg-dep', 'stother1', { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }, fast);
    const second = await d.whatIfAtSubscriptionScope('cf-dep', deployment(['stdep1'], 'changed'), fast);
    const byName = Object.fromEntries((second.changes ?? []).map((c) => [c.resourceId!.split('/').pop(), c]));
    expect(byName['rg-dep']?.changeType).to.equal('Modify');
    expect(JSON.parse(JSON.stringify(byName['rg-dep']?.delta))).to.deep.equal([{ path: 'tags.env', propertyChangeType: 'Modify', before: 'test', after: 'changed' }]);
    expect(byName.stdep1?.changeType).to.equal('NoChange');
    expect(byName.stother1?.changeType).to.equal('Ignore');
  });

  it('reports Accepted on the PUT, then Running while it runs', async () => {
    await withTestEmulator({ latency: { defaultMs: 800 } }, async (slow) => {
      const put = await call(slow, 'PUT', `/subscriptions/${slow.subscriptionId}/providers/Microsoft.Resources/deployments/cf-run?api-version=2025-04-01`, deployment([]));
      expect([put.status, put.body.properties.provisioningState]).to.deep.equal([201, 'Accepted']);
      expect(put.headers['azure-asyncoperation']).to.be.a('string');
      const running = await call(slow, 'GET', `/subscriptions/${slow.subscriptionId}/providers/Microsoft.Resources/deployments/cf-run?api-version=2025-04-01`);
      expect(running.body.properties.provisioningState).to.equal('Running');
      const again = await call(slow, 'PUT', `/subscriptions/${slow.subscriptionId}/providers/Microsoft.Resources/deployments/cf-run?api-version=2025-04-01`, deployment([]));
      expect(again.body.error.code).to.equal('DeploymentActive');
    });
  });
});

describe('ARM emulator: policy hook', () => {
  it('denies a direct PUT and a stack PUT with RequestDisallowedByPolicy naming assignment and definition', async () => {
    await withTestEmulator({}, async (emu) => {
      const sub = `/subscriptions/${emu.subscriptionId}`;
      const defId = `${sub}/providers/Microsoft.Authorization/policyDefinitions/cf-allowed-locations`;
      const assignmentId = `${sub}/providers/Microsoft.Authorization/policyAssignments/cf-locations`;
      await call(emu, 'PUT', `${defId}?api-version=2023-04-01`, {
        properties: {
          displayName: 'Allowed locations',
          mode: 'All',
          parameters: { allowed: { type: 'Array' }, effect: { type: 'String', defaultValue: 'Deny' } },
          policyRule: { if: { allOf: [{ field: 'type', equals: 'Microsoft.Resources/subscriptions/resourceGroups' }, { not: { field: 'location', in: "[parameters('allowed')]" } }] }, then: { effect: "[parameters('effect')]" } },
        },
      });
      await call(emu, 'PUT', `${assignmentId}?api-version=2023-04-01`, { properties: { policyDefinitionId: defId, scope: sub, parameters: { allowed: { value: ['westeurope'] } } } });
      const err = await expectArmError(emu.clients.resources.resourceGroups.createOrUpdate('rg-north', { location: 'northeurope' }), 403, 'RequestDisallowedByPolicy');
      expect(err.message).to.include('cf-locations').and.include('cf-allowed-locations');
      expect((await emu.clients.resources.resourceGroups.createOrUpdate('rg-west', { location: 'westeurope' })).name).to.equal('rg-west');
      const stack = tinyStack('rg-north2', { storageNames: [] });
      stack.location = 'northeurope';
      stack.properties.parameters.location.value = 'northeurope';
      const r = await call(emu, 'PUT', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-north?api-version=2024-03-01`, stack);
      expect([r.status, r.body.error.code, r.body.error.details[0].code]).to.deep.equal([400, 'InvalidTemplateDeployment', 'RequestDisallowedByPolicy']);
      expect(r.body.error.details[0].additionalInfo[0].info).to.include({ policyAssignmentId: assignmentId, policyDefinitionId: defId, policyDefinitionEffect: 'deny' });
      expect((await call(emu, 'GET', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-north?api-version=2024-03-01`)).status).to.equal(404);
      // DoNotEnforce switches the assignment off
      await call(emu, 'PUT', `${assignmentId}?api-version=2023-04-01`, { properties: { policyDefinitionId: defId, scope: sub, enforcementMode: 'DoNotEnforce', parameters: { allowed: { value: ['westeurope'] } } } });
      expect((await emu.clients.resources.resourceGroups.createOrUpdate('rg-north', { location: 'northeurope' })).name).to.equal('rg-north');
    });
  });
});

describe('ARM emulator: answers match the REST spec examples field by field', () => {
  it('PostDeploymentWhatIfOnSubscription (deployments 2025-04-01)', async () => {
    const { example } = loadExample('PostDeploymentWhatIfOnSubscription.json');
    await withTestEmulator({ subscriptionId: example.parameters.subscriptionId }, async (emu) => {
      const sub = `/subscriptions/${emu.subscriptionId}`;
      await emu.clients.resources.providers.register('Microsoft.ManagedIdentity');
      await emu.clients.resources.resourceGroups.createOrUpdate('my-resource-group', { location: 'westus2' });
      await call(emu, 'PUT', `${sub}/resourceGroups/my-resource-group/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myExistingIdentity?api-version=2018-11-30`, { location: 'westus2' });
      const identity = (name: string, location: string, tags: Record<string, string>): unknown => ({ type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2018-11-30', name, location, tags });
      const template = {
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2019-03-01', name: 'my-resource-group2', location: 'westus' },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2024-03-01',
            name: 'identities',
            resourceGroup: 'my-resource-group',
            properties: {
              mode: 'Incremental',
              template: {
                $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
                contentVersion: '1.0.0.0',
                resources: [identity('myExistingIdentity', 'westus2', { myNewTag: 'my tag value' }), identity('myNewIdentity', 'eastus', { myOtherNewTag: 'another new tag value' })],
              },
            },
          },
        ],
      };
      const run = await call(emu, 'POST', `${sub}/providers/Microsoft.Resources/deployments/my-deployment/whatIf?api-version=2025-04-01`, { location: 'westus', properties: { mode: 'Incremental', template, parameters: {} } });
      expect(run.status).to.equal(202);
      const result = await pollLocation(emu, run.headers.location as string);
      const expected = example.responses['200'].body;
      const byId = (a: { resourceId: string }, b: { resourceId: string }): number => a.resourceId.localeCompare(b.resourceId);
      expected.properties.changes.sort(byId);
      result.body.properties.changes.sort(byId);
      // "{location3}" is a placeholder in the example.
      expect(compareWithExample(expected, result.body, { typeOnly: ['properties.changes.*.after.location'] })).to.deep.equal([]);
    });
  });

  it('DeploymentStackSubscriptionGet (deploymentStacks 2025-07-01)', async () => {
    const { example } = loadExample('DeploymentStackSubscriptionGet.json');
    await withTestEmulator({ subscriptionId: example.parameters.subscriptionId }, async (emu) => {
      const expected = example.responses['200'].body;
      const template = tinyTemplate({ storageNames: ['mystorageaccount'] });
      (template.parameters as Record<string, unknown>).parameter1 = { type: 'string' };
      const body = {
        location: 'eastus',
        tags: { tagkey: 'tagVal' },
        properties: {
          template,
          parameters: { parameter1: { value: 'a string' }, rgName: { value: 'deploymentStacksRG' }, location: { value: 'eastus' } },
          description: 'my Description',
          actionOnUnmanage: expected.properties.actionOnUnmanage,
          denySettings: expected.properties.denySettings,
        },
      };
      await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('simpleDeploymentStack', body as never, fast);
      const got = await call(emu, 'GET', `${stackPath(emu, 'simpleDeploymentStack')}?api-version=2025-07-01`);
      const differences = compareWithExample(expected, got.body, {
        typeOnly: ['id', 'systemData.*', 'properties.deploymentId', 'properties.duration', 'properties.resources.*.id'],
        ignore: [
          'properties.parameters', // ours also carries the template's own parameters (compared below)
          'properties.deploymentScope', // optional; only sent back when the request sets it
          'properties.resources.2', // an extension resource (Bicep extensibility), not something our templates create
          'properties.deploymentExtensions', // same
          'properties.outputs.myOut', // ARM answers outputs as { type, value }; the example abbreviates
        ],
      });
      expect(differences).to.deep.equal([]);
      expect(got.body.properties.parameters.parameter1).to.deep.equal(expected.properties.parameters.parameter1);
    });
  });

  it('DeploymentStackWhatIfResultsSubscriptionWhatIf (deploymentStacks 2025-07-01)', async () => {
    const { example } = loadExample('DeploymentStackWhatIfResultsSubscriptionWhatIf.json');
    const expected = example.responses['200'].body;
    await withTestEmulator({ subscriptionId: example.parameters.subscriptionId }, async (emu) => {
      const sub = `/subscriptions/${emu.subscriptionId}`;
      const assignment = (name: string, apiVersion: string, properties: Record<string, unknown>, location?: string): Record<string, unknown> => ({
        type: 'Microsoft.Authorization/policyAssignments',
        apiVersion,
        name,
        ...(location === undefined ? {} : { location }),
        properties,
      });
      const updated = (mode: string): Record<string, unknown> =>
        assignment('updatedPolicyAssignment', '2019-06-01', { policyDefinitionId: `${sub}/providers/Microsoft.Authorization/policyDefinitions/updatedPolicyDefinition`, scope: sub, enforcementMode: mode }, 'westus2');
      const templateWith = (resources: unknown[]): unknown => ({ $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources });
      const settings = { actionOnUnmanage: expected.properties.actionOnUnmanage, denySettings: { mode: 'none' } };
      await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('deploymentStack2', { location: 'eastus', properties: { template: templateWith([updated('Default')]), parameters: {}, ...settings } } as never, fast);
      const next = templateWith([
        assignment('anotherPolicyAssignment', '2021-06-01', { displayName: 'anotherPolicyAssignment', policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/myPolicyDefinition', scope: sub, enforcementMode: 'Default' }),
        updated('DoNotEnforce'),
      ]);
      const path = `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/changedDeploymentStackWhatIfResult`;
      await call(emu, 'PUT', `${path}?api-version=2025-07-01`, { location: 'eastus', properties: { deploymentStackResourceId: `${sub}/providers/Microsoft.Resources/deploymentStacks/deploymentStack2`, retentionInterval: 'P7D', template: next, parameters: {}, ...settings } });
      const run = await call(emu, 'POST', `${path}/whatIf?api-version=2025-07-01`);
      const result = await pollLocation(emu, run.headers.location as string);
      const differences = compareWithExample(expected, result.body, {
        typeOnly: ['systemData.*', 'properties.deploymentStackLastModified', 'properties.correlationId'],
        ignore: [
          'properties.templateLink', // we send the template inline
          'properties.changes.denySettingsChange', // the example's stack had no deny settings before; compared below for a new stack
        ],
      });
      expect(differences).to.deep.equal([]);

      // A stack that does not exist yet: deny settings are created (PascalCase paths, empty lists left out).
      const fresh = `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/fresh`;
      await call(emu, 'PUT', `${fresh}?api-version=2025-07-01`, { location: 'eastus', properties: { deploymentStackResourceId: `${sub}/providers/Microsoft.Resources/deploymentStacks/notYet`, retentionInterval: 'P7D', template: next, parameters: {}, ...settings } });
      const freshResult = await call(emu, 'GET', `${fresh}?api-version=2025-07-01`);
      expect(compareWithExample(expected.properties.changes.denySettingsChange, freshResult.body.properties.changes.denySettingsChange)).to.deep.equal([]);
    });
  });
});

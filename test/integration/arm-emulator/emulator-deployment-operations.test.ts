// A stack's deployment operations while it runs: the stack's properties.deploymentId, its operations
// at subscription scope (the resource group, the nested deployment as a Microsoft.Resources/deployments
// operation) and the nested deployment's own at resource-group scope, through the real SDK
// (@azure/arm-resourcesdeployments deploymentOperations) over HTTPS.
import { expect } from 'chai';
import type { DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { call, tinyStack, withTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

const storageType = 'Microsoft.Storage/storageAccounts';

async function all(iterable: AsyncIterable<DeploymentOperation>): Promise<DeploymentOperation[]> {
  const out: DeploymentOperation[] = [];
  for await (const o of iterable) out.push(o);
  return out;
}

const byType = (ops: DeploymentOperation[], type: string): DeploymentOperation | undefined => ops.find((o) => o.properties?.targetResource?.resourceType === type);

async function putStack(emu: TestEmulator, name: string, rg: string): Promise<string> {
  const put = await call(emu, 'PUT', `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/${name}?api-version=2024-03-01`, tinyStack(rg));
  expect(put.status).to.equal(201);
  const deploymentId = put.body.properties.deploymentId as string;
  expect(deploymentId).to.match(new RegExp(`^/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deployments/${name}-`));
  return deploymentId.split('/').pop()!;
}

/** Reads `read` until `done` says so (at most 400 reads, 20 ms apart). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 400 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 20));
    value = await read();
  }
  expect(done(value), 'condition never met').to.equal(true);
  return value;
}

describe('ARM emulator: deployment operations of a stack', () => {
  it('lists each resource as Running, then Succeeded after its type\'s latency, the nested deployment with its own operations', async () => {
    await withTestEmulator({ latency: { defaultMs: 0, perType: { [storageType]: 1500 } } }, async (emu) => {
      const deployment = await putStack(emu, 'cf-ops', 'rg-ops');
      const ops = emu.clients.deployments.deploymentOperations;
      // The resource group finishes at once; the module runs while its storage account does.
      const early = await until(() => all(ops.listAtSubscriptionScope(deployment)), (list) => byType(list, 'Microsoft.Resources/deployments') !== undefined);
      expect(byType(early, 'Microsoft.Resources/resourceGroups')?.properties?.provisioningState).to.equal('Succeeded');
      const nested = byType(early, 'Microsoft.Resources/deployments')!;
      expect(nested.properties).to.include({ provisioningState: 'Running', provisioningOperation: 'Create' });
      expect(nested.properties?.statusCode).to.equal(undefined);
      expect(nested.properties?.targetResource).to.include({ id: `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-ops/providers/Microsoft.Resources/deployments/storage`, resourceType: 'Microsoft.Resources/deployments', resourceName: 'storage' });
      const inner = await all(ops.list('rg-ops', 'storage'));
      expect(byType(inner, storageType)?.properties).to.include({ provisioningState: 'Running' });
      const stack = await emu.clients.stacks.deploymentStacks.getAtSubscription('cf-ops');
      expect(stack.properties?.provisioningState).to.equal('deploying');
      expect(stack.properties?.deploymentId?.split('/').pop()).to.equal(deployment);

      const finished = await until(() => all(ops.list('rg-ops', 'storage')), (list) => byType(list, storageType)?.properties?.provisioningState !== 'Running');
      const storage = byType(finished, storageType)!;
      expect(storage.properties).to.include({ provisioningState: 'Succeeded', statusCode: 'Created' });
      expect(storage.properties?.targetResource).to.include({ resourceType: storageType, resourceName: 'sttiny1' });
      expect(Number(/^PT([\d.]+)S$/.exec(storage.properties?.duration ?? '')?.[1])).to.be.at.least(1.5);
      expect(storage.properties?.timestamp).to.be.instanceOf(Date);
      const root = await all(ops.listAtSubscriptionScope(deployment));
      expect(byType(root, 'Microsoft.Resources/deployments')?.properties).to.include({ provisioningState: 'Succeeded', statusCode: 'OK' });
      // Also under providers/Microsoft.Resources, as ARM serves it.
      const raw = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-ops/providers/Microsoft.Resources/deployments/storage/operations?api-version=2025-04-01`);
      expect(raw.body.value).to.have.length(1);
    });
  });

  it('carries a failed resource\'s ARM error in statusMessage, and DeploymentFailed on its nested deployment', async () => {
    await withTestEmulator({ latency: { defaultMs: 0 }, faults: { failingTypes: { [storageType]: 'SkuNotAvailable' } } }, async (emu) => {
      const deployment = await putStack(emu, 'cf-fail', 'rg-fail');
      await until(() => emu.clients.stacks.deploymentStacks.getAtSubscription('cf-fail'), (s) => s.properties?.provisioningState === 'failed');
      const ops = emu.clients.deployments.deploymentOperations;
      const storage = byType(await all(ops.list('rg-fail', 'storage')), storageType)!;
      expect(storage.properties).to.include({ provisioningState: 'Failed', statusCode: 'BadRequest' });
      expect(storage.properties?.statusMessage?.status).to.equal('Failed');
      expect(storage.properties?.statusMessage?.error?.code).to.equal('SkuNotAvailable');
      const nested = byType(await all(ops.listAtSubscriptionScope(deployment)), 'Microsoft.Resources/deployments')!;
      expect(nested.properties?.provisioningState).to.equal('Failed');
      expect(nested.properties?.statusMessage?.error?.code).to.equal('DeploymentFailed');
      expect(nested.properties?.statusMessage?.error?.details?.[0]?.code).to.equal('SkuNotAvailable');
    });
  });

  it('answers 404 DeploymentNotFound for a deployment it does not have', async () => {
    await withTestEmulator({}, async (emu) => {
      const raw = await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups/rg-none/deployments/nothing/operations?api-version=2025-04-01`);
      expect([raw.status, raw.body.error.code]).to.deep.equal([404, 'DeploymentNotFound']);
    });
  });
});

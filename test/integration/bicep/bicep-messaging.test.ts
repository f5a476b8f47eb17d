// The messaging module with the real Bicep snapshot (its tests/*.bicepparam): Event Hubs consumer
// groups exist in ARM only for the catalogue's amqp consumers; a Kafka consumer gets none (Event Hubs
// creates Kafka consumer groups on first use, apart from these), and the output says which exist.
import path from 'node:path';
import { expect } from 'chai';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';

const zero = '00000000-0000-0000-0000-000000000000';
const moduleTests = path.resolve(import.meta.dirname, '../../../bicep/modules/messaging/tests');
const groupsType = 'Microsoft.EventHub/namespaces/eventhubs/consumergroups';

describe('messaging module: consumer groups per protocol (Bicep snapshot)', function () {
  this.timeout(120_000);
  let bicep: Bicep;

  before(async () => {
    bicep = await openBicep({ onWarning: (w) => { throw new Error(`unexpected Bicep warning: ${String(w)}`); } });
  });

  after(async () => {
    await bicep?.dispose();
  });

  const snapshotOf = (file: string) => bicep.snapshot(path.join(moduleTests, file), { tenantId: zero, subscriptionId: zero, resourceGroup: 'rg-cf-westeu-test-1', location: 'westeurope', deploymentName: 'messaging' });

  it('every consumer on Kafka: no Event Hubs consumer group at all; the output lists none per hub', async () => {
    const snapshot = await snapshotOf('test.bicepparam');
    expect(snapshot.predictedResources.filter((r) => r.type === groupsType)).to.deep.equal([]);
    expect(snapshot.predictedResources.filter((r) => r.type === 'Microsoft.EventHub/namespaces/eventhubs')).to.have.length(6);
    expect(snapshot.outputs['consumerGroups']).to.deep.equal({ 'user-events': [], 'declaration-events': [], 'review-events': [], 'case-events': [], 'notification-events': [], 'analytics-events': [] });
  });

  it('an amqp consumer (analytics in tests/prod.bicepparam): its group on exactly the hubs it consumes, none for the Kafka consumers', async () => {
    const snapshot = await snapshotOf('prod.bicepparam');
    const groups = snapshot.predictedResources.filter((r) => r.type === groupsType).map((r) => String(r.name).split('/').slice(1).join('/'));
    const hubs = ['user-events', 'declaration-events', 'review-events', 'case-events', 'notification-events', 'analytics-events'];
    expect(groups).to.have.members(hubs.map((h) => `${h}/analytics-consumer`));
    expect(groups).to.have.length(hubs.length);
    expect(snapshot.outputs['consumerGroups']).to.deep.equal(Object.fromEntries(hubs.map((h) => [h, ['analytics-consumer']])));
  });
});

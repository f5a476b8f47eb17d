// The pure part of a stack's deployment operations (deployment-schedule.ts, nested-deployments.ts,
// handlers/deployment-operations.ts): modules read from a template in the symbolic-name form Bicep
// writes, resources placed in their module, start and end times (parent before child, module after
// the modules it depends on), and the DeploymentOperation bodies at a given time.
import { expect } from 'chai';
import { scheduleDeployment, type ScheduleInput } from '@complianceflow/arm-emulator/deployment-schedule.ts';
import { operationsAt } from '@complianceflow/arm-emulator/handlers/deployment-operations.ts';
import { modulesOf, stringValue } from '@complianceflow/arm-emulator/nested-deployments.ts';
import type { Declared } from '@complianceflow/arm-emulator/fill.ts';

const sub = '00000000-0000-0000-0000-000000000001';
const rg = `/subscriptions/${sub}/resourceGroups/rg-x`;
const module = (name: string, dependsOn: string[], types: string[]) => ({
  type: 'Microsoft.Resources/deployments',
  apiVersion: '2025-04-01',
  name: `[format('{0}-${name}', parameters('deploymentName'))]`,
  resourceGroup: "[parameters('names').resourceGroup]",
  dependsOn,
  properties: { template: { resources: Object.fromEntries(types.map((t, i) => [`r${i}`, { type: t, name: 'x' }])) } },
});
const template = {
  languageVersion: '2.0',
  parameters: { deploymentName: { type: 'string' }, names: { type: 'object', defaultValue: { resourceGroup: 'rg-x' } } },
  resources: {
    group: { type: 'Microsoft.Resources/resourceGroups', name: 'rg-x' },
    networkingTier: module('networking', ['group'], ['Microsoft.Network/virtualNetworks', 'Microsoft.Insights/diagnosticSettings']),
    databaseTier: module('database', ['group', 'networkingTier'], ['Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.DBforPostgreSQL/flexibleServers/databases', 'Microsoft.Insights/diagnosticSettings']),
  },
};
const declared = (id: string, type: string): Declared => ({ id, type, name: id.split('/').pop()!, apiVersion: 'x', declared: {} });
const server = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;
const resources = [
  declared(rg, 'Microsoft.Resources/resourceGroups'),
  declared(`${rg}/providers/Microsoft.Network/virtualNetworks/vnet`, 'Microsoft.Network/virtualNetworks'),
  declared(server, 'Microsoft.DBforPostgreSQL/flexibleServers'),
  declared(`${server}/databases/app`, 'Microsoft.DBforPostgreSQL/flexibleServers/databases'),
  declared(`${server}/providers/Microsoft.Insights/diagnosticSettings/diag`, 'Microsoft.Insights/diagnosticSettings'),
];
const latencies: Record<string, number> = { 'Microsoft.Resources/resourceGroups': 100, 'Microsoft.Network/virtualNetworks': 1000, 'Microsoft.DBforPostgreSQL/flexibleServers': 5000 };
const input = (extra: Partial<ScheduleInput> = {}): ScheduleInput => ({
  rootId: `/subscriptions/${sub}/providers/Microsoft.Resources/deployments/cf-x-1`,
  subscriptionId: sub,
  template,
  parameters: { deploymentName: { value: 'westeu-x-1' } },
  resources,
  startedAt: 0,
  latency: (type) => latencies[type] ?? 10,
  failure: () => undefined,
  ...extra,
});

describe('ARM emulator: a stack deployment\'s operations', () => {
  it('evaluates the names of modules: literals, parameters(), format(), concat(), property access; otherwise undefined', () => {
    const p = { a: 'x', o: { rg: 'rg-1' } };
    expect(stringValue('plain', p)).to.equal('plain');
    expect(stringValue("[format('{0}-{1}', parameters('a'), 'b')]", p)).to.equal('x-b');
    expect(stringValue("[concat(parameters('a'), '-c')]", p)).to.equal('x-c');
    expect(stringValue("[parameters('o').rg]", p)).to.equal('rg-1');
    expect(stringValue("[uniqueString(parameters('a'))]", p)).to.equal(undefined);
    expect(modulesOf(template, { deploymentName: { value: 'westeu-x-1' } }).map((m) => [m.symbol, m.name, m.resourceGroup, m.dependsOn])).to.deep.equal([
      ['networkingTier', 'westeu-x-1-networking', 'rg-x', ['group']],
      ['databaseTier', 'westeu-x-1-database', 'rg-x', ['group', 'networkingTier']],
    ]);
  });

  it('orders parent before child and a module after its dependencies, each resource taking its type\'s latency', () => {
    const schedule = scheduleDeployment(input());
    const nested = new Map(schedule.nested.map((d) => [d.id.split('/').pop(), d]));
    const times = (ops: { resourceId: string; startMs: number; endMs: number }[]) => Object.fromEntries(ops.map((o) => [o.resourceId.split('/').pop(), [o.startMs, o.endMs]]));
    expect(times(schedule.root.operations)).to.deep.equal({ 'rg-x': [0, 100], 'westeu-x-1-networking': [100, 1100], 'westeu-x-1-database': [1100, 6110] });
    expect(times(nested.get('westeu-x-1-networking')!.operations)).to.deep.equal({ vnet: [100, 1100] });
    // The diagnostic settings of the server are in the server's module (the first module declaring the type is networking's).
    expect(times(nested.get('westeu-x-1-database')!.operations)).to.deep.equal({ psql: [1100, 6100], app: [6100, 6110], diag: [6100, 6110] });
    expect(schedule.nested.map((d) => d.id)).to.deep.equal([`${rg}/providers/Microsoft.Resources/deployments/westeu-x-1-networking`, `${rg}/providers/Microsoft.Resources/deployments/westeu-x-1-database`]);
    expect(schedule.totalMs).to.equal(6110);
  });

  it('lists started operations, Running then Succeeded or Failed with ARM\'s error; a failed resource fails its nested deployment', () => {
    const error = { code: 'SkuNotAvailable', message: 'no' };
    const schedule = scheduleDeployment(input({ failure: (r) => (r.id === server ? error : undefined) }));
    const database = schedule.nested[1]!;
    expect(operationsAt(database, 1000)).to.deep.equal([]);
    const running = operationsAt(database, 2100).map((o) => o.properties as Record<string, unknown>);
    expect(running).to.have.length(1);
    expect(running[0]).to.include({ provisioningState: 'Running', provisioningOperation: 'Create', duration: 'PT1.000S', timestamp: new Date(2100).toISOString() });
    expect(running[0]).not.to.have.property('statusCode');
    const failed = operationsAt(database, 6100).find((o) => (o.properties as { targetResource: { id: string } }).targetResource.id === server)!.properties as Record<string, unknown>;
    expect(failed).to.deep.include({ provisioningState: 'Failed', statusCode: 'BadRequest', statusMessage: { status: 'Failed', error }, duration: 'PT5.000S' });
    const module = operationsAt(schedule.root, 7000).find((o) => (o.properties as { targetResource: { resourceType: string; resourceName: string } }).targetResource.resourceName === 'westeu-x-1-database')!;
    expect((module.properties as { statusMessage: { error: { code: string; details: unknown[] } } }).statusMessage.error).to.deep.include({ code: 'DeploymentFailed', details: [{ ...error, target: server }] });
    // Latest started first, as ARM lists them.
    const started = operationsAt(schedule.root, 7000).map((o) => (o.properties as { targetResource: { resourceName: string } }).targetResource.resourceName);
    expect(started).to.deep.equal(['westeu-x-1-database', 'westeu-x-1-networking', 'rg-x']);
  });
});

// A small snapshot that makes a fresh Bicep process compile (JIT) its template engine while another
// process compiles main.bicep: the real snapshots sent to it later then run at full speed. The
// template uses what the project's templates do (language version 2.0, a resource-group module with
// inner scope, a copy loop, a condition, references to a module's outputs, the common functions).
import { expandTemplate, type SnapshotTaker } from './expand.ts';

const zero = '00000000-0000-0000-0000-000000000000';
const deploymentTemplate = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

const inner = {
  $schema: deploymentTemplate,
  languageVersion: '2.0',
  contentVersion: '1.0.0.0',
  parameters: { prefix: { type: 'string' }, tags: { type: 'object' } },
  variables: { names: "[map(range(0, 3), lambda('i', format('{0}-{1}', parameters('prefix'), lambdaVariables('i'))))]" },
  resources: {
    nsg: { copy: { name: 'nsg', count: 3 }, type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2024-05-01', name: "[variables('names')[copyIndex()]]", location: '[resourceGroup().location]', tags: "[parameters('tags')]", properties: {} },
    vnet: {
      type: 'Microsoft.Network/virtualNetworks', apiVersion: '2024-05-01', name: "[format('vnet-{0}', uniqueString(resourceGroup().id))]", location: '[resourceGroup().location]',
      properties: { addressSpace: { addressPrefixes: ["[cidrSubnet('10.0.0.0/16', 24, 0)]"] }, subnets: "[map(variables('names'), lambda('n', createObject('name', lambdaVariables('n'), 'properties', createObject('networkSecurityGroup', createObject('id', resourceId('Microsoft.Network/networkSecurityGroups', lambdaVariables('n')))))))]" },
      dependsOn: ['nsg'],
    },
    lock: { condition: "[equals(parameters('tags').env, 'prod')]", type: 'Microsoft.Authorization/locks', apiVersion: '2020-05-01', scope: 'vnet', name: 'lock', properties: { level: 'CanNotDelete' } },
  },
  outputs: { vnetId: { type: 'string', value: "[resourceId('Microsoft.Network/virtualNetworks', format('vnet-{0}', uniqueString(resourceGroup().id)))]" }, names: { type: 'array', value: "[variables('names')]" } },
};

/** Exported for its test (it must expand, or the warm-up warms nothing). */
export const warmUpTemplate = {
  $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  languageVersion: '2.0',
  contentVersion: '1.0.0.0',
  parameters: { name: { type: 'string' }, env: { type: 'string' } },
  variables: { tags: "[createObject('env', parameters('env'), 'deployment', deployment().name)]" },
  resources: {
    rg: { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2025-04-01', name: "[format('rg-{0}', parameters('name'))]", location: '[deployment().location]', tags: "[variables('tags')]" },
    tier: {
      type: 'Microsoft.Resources/deployments', apiVersion: '2025-04-01', name: "[format('{0}-tier', parameters('name'))]", resourceGroup: "[format('rg-{0}', parameters('name'))]", dependsOn: ['rg'],
      properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { prefix: { value: "[parameters('name')]" }, tags: { value: "[variables('tags')]" } }, template: inner },
    },
    second: {
      type: 'Microsoft.Resources/deployments', apiVersion: '2025-04-01', name: "[format('{0}-second', parameters('name'))]", resourceGroup: "[format('rg-{0}', parameters('name'))]", dependsOn: ['tier'],
      properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, parameters: { prefix: { value: "[last(reference('tier').outputs.names.value)]" }, tags: { value: "[union(variables('tags'), createObject('vnet', reference('tier').outputs.vnetId.value))]" } }, template: inner },
    },
  },
};

/** Takes the warm-up snapshot; resolves either way (a real failure shows on the first real request). */
export async function warmUpSnapshots(bicep: SnapshotTaker): Promise<void> {
  await expandTemplate(bicep, { template: warmUpTemplate, parameters: { name: 'cf-warm-up', env: 'prod' }, metadata: { tenantId: zero, subscriptionId: zero, location: 'westeurope', deploymentName: 'cf-warm-up' } }).catch(() => undefined);
}

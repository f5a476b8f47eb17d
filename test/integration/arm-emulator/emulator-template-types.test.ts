// Template resource types are checked against the provider catalogue before anything is written, as
// ARM validates a deployment: an unknown type is refused (NoRegisteredProviderFound) rather than
// "deployed" and then 404 on every read. Private DNS record sets (A '*' and '@', the Container Apps
// environment's zone on the second deploy) are known types, readable by id after the deploy.
import { expect } from 'chai';
import { fast, useTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

function zoneStack(rg: string, recordType: string): any {
  const zone = 'env.westeurope.azurecontainerapps.io';
  const records = ['*', '@'].map((name) => ({
    type: `Microsoft.Network/privateDnsZones/${recordType}`,
    apiVersion: '2024-06-01',
    name: `${zone}/${name}`,
    dependsOn: [`[resourceId('Microsoft.Network/privateDnsZones', '${zone}')]`],
    properties: { ttl: 300, aRecords: [{ ipv4Address: '10.10.5.4' }] },
  }));
  return {
    location: 'westeurope',
    properties: {
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: rg, location: 'westeurope' },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2024-03-01',
            name: 'zone',
            resourceGroup: rg,
            dependsOn: [`[subscriptionResourceId('Microsoft.Resources/resourceGroups', '${rg}')]`],
            properties: {
              mode: 'Incremental',
              template: {
                $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
                contentVersion: '1.0.0.0',
                resources: [{ type: 'Microsoft.Network/privateDnsZones', apiVersion: '2024-06-01', name: zone, location: 'global' }, ...records],
              },
            },
          },
        ],
      },
      actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' },
      denySettings: { mode: 'none' },
    },
  };
}

describe('ARM emulator: template resource types', function () {
  this.timeout(120_000);
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));
  before(async () => {
    await emu.clients.resources.providers.register('Microsoft.Network');
  });

  it('private DNS A record sets * and @ deploy and read back by id', async () => {
    const stack = await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-zone', zoneStack('rg-zone', 'A'), fast);
    expect(stack.properties?.provisioningState).to.equal('succeeded');
    for (const name of ['*', '@']) {
      const id = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-zone/providers/Microsoft.Network/privateDnsZones/env.westeurope.azurecontainerapps.io/A/${name}`;
      expect(stack.properties?.resources?.map((r) => r.id)).to.include(id);
      const record = await emu.clients.resources.resources.getById(id, '2024-06-01');
      expect(record.id).to.equal(id);
    }
  });

  it('a type the provider does not have is refused before anything is written', async () => {
    let error: unknown;
    try {
      await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-bad', zoneStack('rg-bad', 'NOPE'), fast);
    } catch (e) {
      error = e;
    }
    expect(JSON.stringify(error ?? 'no error')).to.include('NoRegisteredProviderFound').and.include('privateDnsZones/NOPE');
    expect((await emu.clients.resources.resourceGroups.checkExistence('rg-bad')).body).to.equal(false);
  });
});

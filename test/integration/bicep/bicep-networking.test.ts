// Story 2 (networking tier) on the offline snapshots of westeu-test-1 and westeu-prod-1: the real
// Bicep CLI expands bicep/main.bicep with the parameters the orchestrator builds from deployments/.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '@complianceflow/core/bicep/index.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import {
  deploymentSnapshot,
  diagnosticSettingsOf,
  ofType,
  parametersOf,
  resourceGroupId,
  single,
  snapshotTemplate,
  subscriptionId,
  type DeploymentSnapshot,
  type Resource,
} from '../../support/deployment-snapshots.ts';

const subnetPlan = JSON.parse(readFileSync(path.join(repoRoot, 'bicep', 'shared', 'subnet-plan.json'), 'utf8')) as {
  subnets: { tier: string; thirdOctet: number; environments: string[] }[];
};

type Rule = { name: string; properties: Record<string, any> };

function rulesOf(snapshot: DeploymentSnapshot, deployment: string, tier: string): Rule[] {
  return single(snapshot, 'Microsoft.Network/networkSecurityGroups', `nsg-cf-${deployment}-${tier}`).properties!.securityRules as Rule[];
}

function allowRules(rules: Rule[]): Rule[] {
  return rules.filter((r) => r.properties.access === 'Allow');
}

function sources(rule: Rule): string[] {
  const many = rule.properties.sourceAddressPrefixes as string[] | undefined;
  return many !== undefined && many.length > 0 ? many : [rule.properties.sourceAddressPrefix as string];
}

function ports(rule: Rule): string[] {
  const many = rule.properties.destinationPortRanges as string[] | undefined;
  return many !== undefined && many.length > 0 ? many : [rule.properties.destinationPortRange as string];
}

const cases = [
  { deployment: 'westeu-test-1', environment: 'test', second: 10, flowLogRetentionDays: 7 },
  { deployment: 'westeu-prod-1', environment: 'prod', second: 30, flowLogRetentionDays: 90 },
] as const;

for (const { deployment, environment, second, flowLogRetentionDays } of cases) {
  describe(`networking tier: ${deployment} (Story 2)`, function () {
    let snapshot: DeploymentSnapshot;
    let vnet: Resource;
    const rg = `rg-cf-${deployment}`;
    const prefix = (octet: number) => `10.${second}.${octet}.0/24`;

    before(async () => {
      snapshot = await deploymentSnapshot(deployment);
      vnet = single(snapshot, 'Microsoft.Network/virtualNetworks', `vnet-cf-${deployment}`);
    });

    it('scenario 1: the VNet has the deployment /16, its name, region and tags', () => {
      expect(vnet.properties!.addressSpace.addressPrefixes).to.deep.equal([`10.${second}.0.0/16`]);
      expect(vnet.location).to.equal('westeurope');
      expect(vnet.id).to.equal(`${resourceGroupId(rg)}/providers/Microsoft.Network/virtualNetworks/vnet-cf-${deployment}`);
      expect(vnet.tags).to.include({ app: 'complianceflow', env: environment, deployment, region: 'westeurope' });
      const group = single(snapshot, 'Microsoft.Resources/resourceGroups', rg);
      expect(group.tags).to.include({ app: 'complianceflow', env: environment, deployment, region: 'westeurope', owner: 'platform-team' });
      expect(group.tags).to.have.property('costCenter').that.is.a('string').and.not.empty;
    });

    it('scenario 2: subnets from the subnet plan, inside the VNet, named snet-cf-{deployment}-{tier}, each with its NSG', () => {
      const expected = subnetPlan.subnets.filter((s) => s.environments.includes(environment));
      const subnets = vnet.properties!.subnets as { name: string; properties: Record<string, any> }[];
      expect(subnets.map((s) => [s.name, s.properties.addressPrefix])).to.deep.equal(
        expected.map((s) => [`snet-cf-${deployment}-${s.tier}`, prefix(s.thirdOctet)]),
      );
      for (const subnet of subnets) {
        const tier = subnet.name.slice(`snet-cf-${deployment}-`.length);
        expect(subnet.properties.networkSecurityGroup.id, subnet.name).to.equal(`${resourceGroupId(rg)}/providers/Microsoft.Network/networkSecurityGroups/nsg-cf-${deployment}-${tier}`);
      }
      // Declared inside the VNet only: a separate subnet resource would be dropped on the next VNet PUT.
      expect(ofType(snapshot, 'Microsoft.Network/virtualNetworks/subnets')).to.have.length(0);
      expect(ofType(snapshot, 'Microsoft.Network/networkSecurityGroups')).to.have.length(expected.length);
      expect(subnets.some((s) => s.name.endsWith('-apim'))).to.equal(environment === 'prod');
    });

    it('scenario 3: database subnet allows only the container apps subnet on 5432 (and 6432 where PgBouncer runs)', () => {
      const rules = rulesOf(snapshot, deployment, 'db');
      const allows = allowRules(rules);
      expect(allows).to.have.length(1);
      expect(sources(allows[0]!)).to.deep.equal([prefix(1)]);
      expect(ports(allows[0]!)).to.deep.equal(environment === 'prod' ? ['5432', '6432'] : ['5432']);
      expect(allows[0]!.properties).to.include({ direction: 'Inbound', protocol: 'Tcp', destinationAddressPrefix: prefix(2) });
    });

    it('scenario 3: redis subnet allows only the container apps subnet on 10000 (Azure Managed Redis TLS), not 6379', () => {
      const allows = allowRules(rulesOf(snapshot, deployment, 'redis'));
      expect(allows).to.have.length(1);
      expect(sources(allows[0]!)).to.deep.equal([prefix(1)]);
      expect(ports(allows[0]!)).to.deep.equal(['10000']);
      expect(JSON.stringify(rulesOf(snapshot, deployment, 'redis'))).not.to.include('6379');
    });

    it('scenario 3: the internal container apps environment takes HTTPS from apim (prod) and mgmt, never from the Internet (and the platform load balancer)', () => {
      const allows = allowRules(rulesOf(snapshot, deployment, 'containerapps'));
      expect(allows.flatMap(sources)).to.not.include('Internet');
      const https = allows.filter((r) => ports(r).includes('443'));
      expect(https).to.have.length(1);
      expect(sources(https[0]!)).to.deep.equal(environment === 'prod' ? [prefix(5), prefix(10)] : [prefix(10)]);
      expect(allows.map((r) => sources(r)[0])).to.include('AzureLoadBalancer');
    });

    it('scenario 3: storage subnet allows the virtual network only', () => {
      const allows = allowRules(rulesOf(snapshot, deployment, 'storage'));
      expect(allows.flatMap(sources)).to.deep.equal(['VirtualNetwork']);
    });

    it('scenario 3: management subnet: the deployment file lists no ranges (managementSourceRanges: []), so SSH and RDP are closed', () => {
      expect(parametersOf(deployment).network.managementSourceRanges).to.deep.equal([]);
      expect(allowRules(rulesOf(snapshot, deployment, 'mgmt'))).to.deep.equal([]);
    });

    it('scenario 3: priorities follow the convention (allows 100-199 inbound, denies 1000+, DenyAllInbound last)', () => {
      for (const nsg of ofType(snapshot, 'Microsoft.Network/networkSecurityGroups')) {
        const rules = nsg.properties!.securityRules as Rule[];
        for (const rule of rules) {
          const { access, priority, direction } = rule.properties;
          if (access === 'Allow') {
            expect(direction, `${nsg.name}/${rule.name}`).to.equal('Inbound');
            expect(priority, `${nsg.name}/${rule.name}`).to.be.within(100, 199);
          } else {
            expect(priority, `${nsg.name}/${rule.name}`).to.be.at.least(1000);
          }
        }
        const last = rules.at(-1)!;
        expect(last.name, nsg.name).to.equal('DenyAllInbound');
        expect(last.properties).to.include({ access: 'Deny', direction: 'Inbound', priority: 4096, sourceAddressPrefix: '*', destinationPortRange: '*' });
        const priorities = rules.map((r) => r.properties.priority as number);
        expect(new Set(priorities).size, `${nsg.name}: duplicate priorities`).to.equal(priorities.length);
      }
    });

    it('scenario 4: service endpoints, the Container Apps delegation, and NSG-enforced private endpoint subnets', () => {
      const subnets = Object.fromEntries((vnet.properties!.subnets as { name: string; properties: Record<string, any> }[]).map((s) => [s.name.slice(`snet-cf-${deployment}-`.length), s.properties]));
      const endpoints = (tier: string) => (subnets[tier]!.serviceEndpoints as { service: string }[]).map((e) => e.service).sort();
      expect(endpoints('containerapps')).to.deep.equal(['Microsoft.KeyVault', 'Microsoft.Storage']);
      expect(endpoints('storage')).to.deep.equal(['Microsoft.Storage']);
      expect(endpoints('db')).to.deep.equal(['Microsoft.Sql']);
      expect(subnets.containerapps!.delegations).to.deep.equal([{ name: 'Microsoft.App/environments', properties: { serviceName: 'Microsoft.App/environments' } }]);
      for (const tier of ['db', 'redis', 'storage']) {
        expect(subnets[tier]!.delegations, tier).to.deep.equal([]);
        expect(subnets[tier]!.privateEndpointNetworkPolicies, tier).to.equal('Enabled');
      }
    });

    it('scenario 4: private DNS zones (postgres, blob, vault, Managed Redis, Event Hubs, registry), each linked to the VNet without registration', () => {
      const zones = ofType(snapshot, 'Microsoft.Network/privateDnsZones').map((z) => z.name).sort();
      expect(zones).to.deep.equal([
        'privatelink.azurecr.io',
        'privatelink.blob.core.windows.net',
        'privatelink.postgres.database.azure.com',
        'privatelink.redis.azure.net',
        'privatelink.servicebus.windows.net',
        'privatelink.vaultcore.azure.net',
      ]);
      for (const zone of zones) {
        expect(single(snapshot, 'Microsoft.Network/privateDnsZones', zone).location).to.equal('global');
        const link = single(snapshot, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks', `${zone}/vnet-cf-${deployment}`);
        expect(link.properties).to.deep.equal({ registrationEnabled: false, virtualNetwork: { id: vnet.id } });
      }
      const output = (snapshot.outputs.networking as { privateDnsZoneResourceIds: Record<string, string> }).privateDnsZoneResourceIds;
      expect(output.postgres).to.equal(`${resourceGroupId(rg)}/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com`);
      expect(Object.keys(output).sort()).to.deep.equal(['blob', 'containerRegistry', 'eventHubs', 'keyVault', 'postgres', 'redis']);
    });

    it('scenario 6: a VNet flow log (not an NSG flow log) on the region\'s existing Network Watcher, with traffic analytics to the workspace', () => {
      const flowLog = single(snapshot, 'Microsoft.Network/networkWatchers/flowLogs', `NetworkWatcher_westeurope/fl-cf-${deployment}-vnet`);
      const workspaceId = `${resourceGroupId(rg)}/providers/Microsoft.OperationalInsights/workspaces/log-cf-${deployment}`;
      expect(flowLog.id.startsWith(`${resourceGroupId('NetworkWatcherRG')}/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope/`)).to.equal(true);
      expect(flowLog.location).to.equal('westeurope');
      expect(flowLog.properties).to.deep.include({ enabled: true, targetResourceId: vnet.id, retentionPolicy: { enabled: true, days: flowLogRetentionDays } });
      expect(flowLog.properties!.flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration).to.include({ enabled: true, workspaceResourceId: workspaceId, workspaceRegion: 'westeurope' });
      // The watcher is Azure's own (bootstrap creates it): referenced, never created by a deployment.
      expect(ofType(snapshot, 'Microsoft.Network/networkWatchers')).to.have.length(0);
      const storage = snapshot.resources.find((r) => r.id === flowLog.properties!.storageId)!;
      expect(storage, 'flow-log storage account').to.not.equal(undefined);
      expect(storage.properties).to.include({ minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, allowBlobPublicAccess: false });
      expect(storage.properties!.networkAcls).to.include({ defaultAction: 'Deny', bypass: 'AzureServices' });
    });

    it('scenario 6: VNet diagnostics (VMProtectionAlerts, AllMetrics), NSG diagnostics (all logs), the unusual-traffic alert', () => {
      const workspaceId = `${resourceGroupId(rg)}/providers/Microsoft.OperationalInsights/workspaces/log-cf-${deployment}`;
      const [vnetDiagnostics] = diagnosticSettingsOf(snapshot, vnet.id);
      expect(vnetDiagnostics!.properties!.workspaceId).to.equal(workspaceId);
      expect(vnetDiagnostics!.properties!.logs.map((l: { category: string }) => l.category)).to.deep.equal(['VMProtectionAlerts']);
      expect(vnetDiagnostics!.properties!.metrics).to.deep.equal([{ category: 'AllMetrics', enabled: true }]);
      for (const nsg of ofType(snapshot, 'Microsoft.Network/networkSecurityGroups')) {
        const settings = diagnosticSettingsOf(snapshot, nsg.id);
        expect(settings, nsg.name).to.have.length(1);
        expect(settings[0]!.properties!.logs).to.deep.equal([{ category: null, categoryGroup: 'allLogs', enabled: true }]);
      }
      const alert = single(snapshot, 'Microsoft.Insights/scheduledQueryRules', `alert-vnet-cf-${deployment}-denied-inbound-flows`);
      expect(alert.properties!.scopes).to.deep.equal([workspaceId]);
      expect(alert.properties!.criteria.allOf[0].query).to.include('NTANetAnalytics');
      expect(alert.properties!.actions.actionGroups).to.deep.equal([`${resourceGroupId(rg)}/providers/Microsoft.Insights/actionGroups/ag-cf-${deployment}`]);
    });

    it('outputs: VNet id, name and address space, one subnet id per tier', () => {
      const networking = snapshot.outputs.networking as Record<string, any>;
      expect(networking.virtualNetworkResourceId).to.equal(vnet.id);
      expect(networking.virtualNetworkName).to.equal(`vnet-cf-${deployment}`);
      expect(networking.virtualNetworkAddressSpace).to.equal(`10.${second}.0.0/16`);
      const tiers = subnetPlan.subnets.filter((s) => s.environments.includes(environment)).map((s) => s.tier);
      expect(Object.keys(networking.subnetResourceIds)).to.deep.equal(tiers);
      expect(networking.subnetResourceIds.db).to.equal(`${vnet.id}/subnets/snet-cf-${deployment}-db`);
    });
  });
}

// The networking module alone (resource-group scope, seconds instead of the whole deployment).
async function snapshotNetworking(overrides: (params: Record<string, JsonValue>) => void): Promise<Snapshot> {
  const main = parametersOf('westeu-prod-1');
  const rg = resourceGroupId(main.names.resourceGroup);
  const params: Record<string, JsonValue> = {
    location: main.location,
    tags: { ...main.tags },
    environment: main.environment,
    addressSpace: main.addressSpace,
    virtualNetworkName: main.names.virtualNetwork,
    subnetNames: { ...main.names.subnets },
    networkSecurityGroupNames: { ...main.names.networkSecurityGroups },
    networkWatcherName: main.names.networkWatcher,
    networkWatcherResourceGroupName: main.names.networkWatcherResourceGroup,
    flowLogsStorageAccountName: main.names.flowLogsStorageAccount,
    vnetFlowLogName: main.names.vnetFlowLog,
    network: structuredClone(main.network) as unknown as JsonValue,
    logAnalyticsWorkspaceResourceId: `${rg}/providers/Microsoft.OperationalInsights/workspaces/${main.names.logAnalyticsWorkspace}`,
    logAnalyticsWorkspaceCustomerId: '11111111-1111-1111-1111-111111111111',
    actionGroupResourceId: `${rg}/providers/Microsoft.Insights/actionGroups/${main.names.actionGroup}`,
  };
  overrides(params);
  const template = path.join(repoRoot, 'bicep', 'modules', 'networking', 'main.bicep');
  return snapshotTemplate(template, params, { subscriptionId, resourceGroup: main.names.resourceGroup, location: main.location });
}

async function failure(pending: Promise<unknown>): Promise<Error> {
  const error = await pending.then(() => undefined, (e: unknown) => e as Error);
  expect(error, 'the snapshot should fail').to.be.instanceOf(Error);
  return error!;
}

describe('networking tier: bad input refused by the template', function () {
  it('the module alone expands (the baseline of the cases below)', async () => {
    const snapshot = await snapshotNetworking(() => {});
    expect(snapshot.predictedResources.filter((r) => r.type === 'Microsoft.Network/virtualNetworks')).to.have.length(1);
  });

  it('an address space that is not a /16 fails with the parameter named', async () => {
    const error = await failure(snapshotNetworking((p) => { p.addressSpace = '10.30.0.0/20'; }));
    expect(error.message).to.include('addressSpace: 10.30.0.0/20 is not a /16');
  });

  it('prod without an apim subnet name fails naming the missing names', async () => {
    const error = await failure(snapshotNetworking((p) => {
      delete (p.subnetNames as Record<string, JsonValue>).apim;
      delete (p.networkSecurityGroupNames as Record<string, JsonValue>).apim;
    }));
    expect(error.message).to.include('names.subnets.apim');
  });

  it('management source ranges: the mgmt subnet allows SSH and RDP from those ranges only', async () => {
    const ranges = ['198.51.100.0/24', '192.0.2.0/24'];
    const snapshot = await snapshotNetworking((p) => { (p.network as { managementSourceRanges: string[] }).managementSourceRanges = ranges; });
    const nsg = snapshot.predictedResources.find((r) => r.name === 'nsg-cf-westeu-prod-1-mgmt') as { properties: { securityRules: Rule[] } };
    const allows = allowRules(nsg.properties.securityRules);
    expect(allows.map((r) => ports(r)).flat().sort()).to.deep.equal(['22', '3389']);
    for (const rule of allows) expect(sources(rule), rule.name).to.deep.equal(ranges);
  });

  it('no management source ranges: the mgmt subnet allows nothing inbound', async () => {
    const snapshot = await snapshotNetworking((p) => { (p.network as { managementSourceRanges: string[] }).managementSourceRanges = []; });
    const nsg = snapshot.predictedResources.find((r) => r.name === 'nsg-cf-westeu-prod-1-mgmt') as { properties: { securityRules: Rule[] } };
    expect(nsg.properties.securityRules.map((r) => r.name)).to.deep.equal(['DenyAllInbound']);
  });

  it('the snapshot subscription is the fake one (nothing real is addressed)', async () => {
    const snapshot = await deploymentSnapshot('westeu-test-1');
    for (const resource of snapshot.resources) expect(resource.id.startsWith(`/subscriptions/${subscriptionId}/`), resource.id).to.equal(true);
  });
});

// Story 2 (networking) on the offline snapshots of westeu-test-1 and westeu-prod-1, built from the current
// Bicep through the plan API. Expected values come from the story (and the module's documented deviations:
// Redis on Azure Managed Redis' TLS port 10000, PgBouncer's 6432 where the pooler is on), not from the code.
import { expect } from 'chai';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { buildSnapshots, diagnosticSettingsOf, ofType, single, type DeploymentSnapshot, type Resource } from '../../support/snapshots.ts';

const cases = [
  { deployment: 'westeu-test-1', environment: 'test', secondOctet: 10 },
  { deployment: 'westeu-prod-1', environment: 'prod', secondOctet: 30 },
] as const;

/** Story 2 scenario 2 (+ the apim subnet of the subnet plan, prod only). */
function expectedSubnets(secondOctet: number, environment: string): Record<string, string> {
  const subnets: Record<string, string> = {
    containerapps: `10.${secondOctet}.1.0/24`,
    db: `10.${secondOctet}.2.0/24`,
    redis: `10.${secondOctet}.3.0/24`,
    storage: `10.${secondOctet}.4.0/24`,
  };
  if (environment === 'prod') subnets['apim'] = `10.${secondOctet}.5.0/24`;
  subnets['mgmt'] = `10.${secondOctet}.10.0/24`;
  return subnets;
}

interface Rule {
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sources: string[];
  destination: string;
  ports: string[];
}

/** A security rule in one shape, whichever of the singular/plural ARM properties carries the value. */
function ruleOf(raw: { name: string; properties: Record<string, any> }): Rule {
  const p = raw.properties;
  const list = (plural: unknown, singular: unknown): string[] =>
    Array.isArray(plural) && plural.length > 0 ? [...(plural as string[])] : typeof singular === 'string' ? [singular] : [];
  return {
    name: raw.name,
    priority: p['priority'],
    direction: p['direction'],
    access: p['access'],
    protocol: p['protocol'],
    sources: list(p['sourceAddressPrefixes'], p['sourceAddressPrefix']),
    destination: p['destinationAddressPrefix'],
    ports: list(p['destinationPortRanges'], p['destinationPortRange']),
  };
}

const allow = (name: string, priority: number, protocol: string, sources: string[], destination: string, ports: string[]): Rule => ({
  name,
  priority,
  direction: 'Inbound',
  access: 'Allow',
  protocol,
  sources,
  destination,
  ports,
});
const denyAllInbound: Rule = { name: 'DenyAllInbound', priority: 4096, direction: 'Inbound', access: 'Deny', protocol: '*', sources: ['*'], destination: '*', ports: ['*'] };

/** Story 2 scenario 3, rule by rule, per tier. */
function expectedRules(tier: string, subnets: Record<string, string>, managementRanges: string[], pgbouncer: boolean): Rule[] {
  const apps = subnets['containerapps']!;
  switch (tier) {
    case 'containerapps':
      return [
        // Internal environment: no Internet rule; HTTPS from the VNet's callers (apim in prod, mgmt), from the subnet plan.
        allow('AllowHttpsFromApimAndManagement', 100, 'Tcp', [...('apim' in subnets ? [subnets['apim']!] : []), subnets['mgmt']!], apps, ['443']),
        allow('AllowAzureLoadBalancer', 110, '*', ['AzureLoadBalancer'], apps, ['*']),
        allow('AllowWithinContainerAppsSubnet', 120, '*', [apps], apps, ['*']),
        denyAllInbound,
      ];
    case 'db':
      return [allow('AllowPostgresFromContainerApps', 100, 'Tcp', [apps], subnets['db']!, pgbouncer ? ['5432', '6432'] : ['5432']), denyAllInbound];
    case 'redis':
      return [allow('AllowRedisTlsFromContainerApps', 100, 'Tcp', [apps], subnets['redis']!, ['10000']), denyAllInbound];
    case 'storage':
      return [allow('AllowPrivateEndpointsFromVirtualNetwork', 100, 'Tcp', ['VirtualNetwork'], subnets['storage']!, ['443', '5671-5672', '9093']), denyAllInbound];
    case 'apim':
      return [
        allow('AllowHttpsFromInternet', 100, 'Tcp', ['Internet'], subnets['apim']!, ['443']),
        allow('AllowApiManagementControlPlane', 110, 'Tcp', ['ApiManagement'], 'VirtualNetwork', ['3443']),
        allow('AllowAzureLoadBalancer', 120, 'Tcp', ['AzureLoadBalancer'], 'VirtualNetwork', ['6390']),
        denyAllInbound,
      ];
    case 'mgmt':
      return [
        ...(managementRanges.length === 0
          ? []
          : [
              allow('AllowSshFromManagementRanges', 100, 'Tcp', managementRanges, subnets['mgmt']!, ['22']),
              allow('AllowRdpFromManagementRanges', 110, 'Tcp', managementRanges, subnets['mgmt']!, ['3389']),
            ]),
        denyAllInbound,
      ];
    default:
      throw new Error(`no expected rules for tier ${tier}`);
  }
}

const expectedServiceEndpoints: Record<string, string[]> = {
  containerapps: ['Microsoft.Storage', 'Microsoft.KeyVault'],
  db: ['Microsoft.Sql'],
  redis: [],
  storage: ['Microsoft.Storage'],
  apim: [],
  mgmt: [],
};

// Story 2's postgres and blob zones, plus the zones of the other private endpoints (GUIDE: Redis, Event Hubs).
const expectedDnsZones = [
  'privatelink.postgres.database.azure.com',
  'privatelink.blob.core.windows.net',
  'privatelink.vaultcore.azure.net',
  'privatelink.redis.azure.net',
  'privatelink.servicebus.windows.net',
  'privatelink.azurecr.io',
];

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function range(cidr: string): [number, number] {
  const [ip, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = ipv4ToInt(ip!) - (ipv4ToInt(ip!) % size);
  return [start, start + size - 1];
}

describe('Story 2 (networking) on the snapshots of westeu-test-1 and westeu-prod-1', function () {
  this.timeout(180_000);
  let snapshots: Map<string, DeploymentSnapshot>;
  before(async () => {
    snapshots = await buildSnapshots(cases.map((c) => c.deployment));
  });

  for (const { deployment, environment, secondOctet } of cases) {
    describe(deployment, () => {
      let s: DeploymentSnapshot;
      let vnet: Resource;
      const names = () => s.parameters['names'] as Record<string, any>;
      const workspaceId = () => single(s, 'Microsoft.OperationalInsights/workspaces').id;
      before(() => {
        s = snapshots.get(deployment)!;
        vnet = single(s, 'Microsoft.Network/virtualNetworks', `vnet-cf-${deployment}`);
      });

      it('scenario 1: the VNet vnet-cf-<d> has its /16 in West Europe and is tagged with deployment, environment and region', () => {
        expect(vnet.properties?.['addressSpace']).to.deep.equal({ addressPrefixes: [`10.${secondOctet}.0.0/16`] });
        expect(vnet.location).to.equal('westeurope');
        expect(vnet.tags).to.include({ deployment, env: environment, region: 'westeurope', app: 'complianceflow' });
        expect(vnet.tags?.['owner'], 'owner tag').to.be.a('string').and.not.equal('');
        expect(vnet.tags?.['costCenter'], 'costCenter tag').to.be.a('string').and.not.equal('');
        expect(ofType(s, 'Microsoft.Network/virtualNetworks')).to.have.length(1);
      });

      it(`scenario 2: subnets snet-cf-<d>-<tier> with the plan's /24s (apim ${environment === 'prod' ? 'present' : 'absent'} in ${environment})`, () => {
        const subnets = vnet.properties?.['subnets'] as { name: string; properties: Record<string, any> }[];
        const actual = Object.fromEntries(subnets.map((sn) => [sn.name, sn.properties['addressPrefix']]));
        const expected = Object.fromEntries(Object.entries(expectedSubnets(secondOctet, environment)).map(([tier, prefix]) => [`snet-cf-${deployment}-${tier}`, prefix]));
        expect(actual).to.deep.equal(expected);
        expect(subnets.map((sn) => sn.name).some((n) => n.endsWith('-apim'))).to.equal(environment === 'prod');
      });

      it('scenario 2: each subnet is associated with its own NSG nsg-cf-<d>-<tier>, and every NSG is used', () => {
        const subnets = vnet.properties?.['subnets'] as { name: string; properties: Record<string, any> }[];
        const nsgs = ofType(s, 'Microsoft.Network/networkSecurityGroups');
        for (const subnet of subnets) {
          const tier = subnet.name.slice(`snet-cf-${deployment}-`.length);
          const nsg = single(s, 'Microsoft.Network/networkSecurityGroups', `nsg-cf-${deployment}-${tier}`);
          expect(subnet.properties['networkSecurityGroup']?.id, subnet.name).to.equal(nsg.id);
        }
        expect(nsgs.map((n) => n.name).sort()).to.deep.equal(subnets.map((sn) => sn.name.replace('snet-', 'nsg-')).sort());
      });

      it('scenario 3: every NSG has exactly the specified rules and priorities (db 5432 + 6432 where PgBouncer is on, redis 10000 from container apps only, mgmt SSH/RDP from the configured ranges)', () => {
        const subnets = expectedSubnets(secondOctet, environment);
        const managementRanges = (s.parameters['network'] as { managementSourceRanges: string[] }).managementSourceRanges;
        expect(managementRanges, 'the deployment file\'s management ranges (none configured: SSH/RDP closed)').to.deep.equal([]);
        const pgbouncer = (s.parameters['database'] as { pgbouncer: boolean }).pgbouncer;
        expect(pgbouncer, 'PgBouncer only where the tier allows (prod: on, test: Burstable, off)').to.equal(environment === 'prod');
        for (const tier of Object.keys(subnets)) {
          const nsg = single(s, 'Microsoft.Network/networkSecurityGroups', `nsg-cf-${deployment}-${tier}`);
          const rules = (nsg.properties?.['securityRules'] as { name: string; properties: Record<string, any> }[]).map(ruleOf);
          expect(rules, `rules of ${nsg.name}`).to.deep.equal(expectedRules(tier, subnets, managementRanges, pgbouncer));
        }
      });

      it('scenario 3: priority convention — inbound allows at 100–199, denies at 1000 or above; the data tiers admit only the container apps subnet', () => {
        const apps = expectedSubnets(secondOctet, environment)['containerapps']!;
        for (const nsg of ofType(s, 'Microsoft.Network/networkSecurityGroups')) {
          for (const rule of (nsg.properties?.['securityRules'] as { name: string; properties: Record<string, any> }[]).map(ruleOf)) {
            const where = `${nsg.name}/${rule.name}`;
            if (rule.access === 'Deny') expect(rule.priority, where).to.be.at.least(1000);
            else if (rule.direction === 'Inbound') expect(rule.priority, where).to.be.within(100, 199);
            if (rule.access === 'Allow' && /-(db|redis)$/.test(nsg.name)) expect(rule.sources, where).to.deep.equal([apps]);
            if (rule.access === 'Allow' && nsg.name.endsWith('-storage')) expect(rule.sources, where).to.deep.equal(['VirtualNetwork']);
            if (rule.access === 'Allow' && rule.sources.includes('Internet')) expect(rule.ports, where).to.deep.equal(['443']);
            // The environment is internal (no public endpoint): nothing from the Internet tag, ever.
            if (rule.access === 'Allow' && nsg.name.endsWith('-containerapps')) expect(rule.sources, where).to.not.include('Internet');
          }
        }
      });

      it('scenario 4: service endpoints per subnet (Storage + KeyVault on container apps, Storage on storage, Sql on db)', () => {
        const subnets = vnet.properties?.['subnets'] as { name: string; properties: Record<string, any> }[];
        for (const subnet of subnets) {
          const tier = subnet.name.slice(`snet-cf-${deployment}-`.length);
          const services = (subnet.properties['serviceEndpoints'] as { service: string }[]).map((e) => e.service);
          expect(services, subnet.name).to.have.members(expectedServiceEndpoints[tier]!);
          expect(services, subnet.name).to.have.length(expectedServiceEndpoints[tier]!.length);
        }
      });

      it('scenario 4: private DNS zones (postgres, blob, vaultcore, redis, servicebus, azurecr), each linked to the VNet without auto-registration', () => {
        const zones = ofType(s, 'Microsoft.Network/privateDnsZones');
        expect(zones.map((z) => z.name)).to.have.members(expectedDnsZones);
        expect(zones).to.have.length(expectedDnsZones.length);
        for (const zone of zones) {
          const links = ofType(s, 'Microsoft.Network/privateDnsZones/virtualNetworkLinks').filter((l) => l.id.toLowerCase().startsWith(`${zone.id}/`.toLowerCase()));
          expect(links, `links of ${zone.name}`).to.have.length(1);
          expect(links[0]!.properties?.['virtualNetwork']).to.deep.equal({ id: vnet.id });
          expect(links[0]!.properties?.['registrationEnabled']).to.equal(false);
          expect(zone.location).to.equal('global');
        }
      });

      it('scenario 6: a VNet flow log (NSG flow logs are retired) on the VNet, to the workspace with traffic analytics', () => {
        const flowLog = single(s, 'Microsoft.Network/networkWatchers/flowLogs');
        expect(flowLog.id).to.include(`/resourceGroups/${names()['networkWatcherResourceGroup']}/providers/Microsoft.Network/networkWatchers/${names()['networkWatcher']}/`);
        expect(flowLog.properties?.['targetResourceId']).to.equal(vnet.id);
        expect(flowLog.properties?.['enabled']).to.equal(true);
        const analytics = flowLog.properties?.['flowAnalyticsConfiguration']?.['networkWatcherFlowAnalyticsConfiguration'];
        expect(analytics?.['enabled']).to.equal(true);
        expect(analytics?.['workspaceResourceId']).to.equal(workspaceId());
        const storage = single(s, 'Microsoft.Storage/storageAccounts', names()['flowLogsStorageAccount']);
        expect(flowLog.properties?.['storageId']).to.equal(storage.id);
        expect(flowLog.properties?.['retentionPolicy']).to.deep.equal({ days: (s.parameters['network'] as { flowLogRetentionDays: number }).flowLogRetentionDays, enabled: true });
      });

      it('scenario 6: an alert on NSG rule hits (denied inbound flows from traffic analytics) to the action group', () => {
        const alert = single(s, 'Microsoft.Insights/scheduledQueryRules', `alert-vnet-cf-${deployment}-denied-inbound-flows`);
        expect(alert.properties?.['scopes']).to.deep.equal([workspaceId()]);
        expect(alert.properties?.['enabled']).to.equal(true);
        expect(alert.properties?.['criteria']['allOf'][0]['query']).to.match(/NTANetAnalytics[\s\S]*FlowStatus == "Denied"/);
        expect(alert.properties?.['actions']['actionGroups']).to.deep.equal([single(s, 'Microsoft.Insights/actionGroups').id]);
      });

      it('scenario 6: diagnostic settings on the VNet (VMProtectionAlerts, AllMetrics) and on every NSG, to the workspace', () => {
        const vnetDiagnostics = diagnosticSettingsOf(s, vnet.id);
        expect(vnetDiagnostics).to.have.length(1);
        const props = vnetDiagnostics[0]!.properties!;
        expect(props['workspaceId']).to.equal(workspaceId());
        expect((props['logs'] as { category: string; enabled: boolean }[]).filter((l) => l.enabled).map((l) => l.category)).to.include('VMProtectionAlerts');
        expect((props['metrics'] as { category: string; enabled: boolean }[]).filter((m) => m.enabled).map((m) => m.category)).to.include('AllMetrics');
        for (const nsg of ofType(s, 'Microsoft.Network/networkSecurityGroups')) {
          const settings = diagnosticSettingsOf(s, nsg.id);
          expect(settings, nsg.name).to.have.length(1);
          expect(settings[0]!.properties?.['workspaceId'], nsg.name).to.equal(workspaceId());
          expect((settings[0]!.properties?.['logs'] as { enabled: boolean }[]).some((l) => l.enabled), `${nsg.name} logs`).to.equal(true);
        }
      });
    });
  }

  describe('scenario 5: CIDR allocation across the registry', () => {
    const registry = loadRegistry();
    const deployments = resolveAll(registry);

    it("uses the story's allocations", () => {
      const byName = Object.fromEntries(deployments.map((d) => [d.name, d.addressSpace]));
      expect(byName).to.include({
        'westeu-test-1': '10.10.0.0/16',
        'westeu-stg-1': '10.20.0.0/16',
        'westeu-prod-1': '10.30.0.0/16',
        'westeu-prod-2': '10.31.0.0/16',
        'eastus-prod-1': '10.40.0.0/16',
      });
      expect(deployments).to.have.length(8);
    });

    it('no two of the eight deployments overlap, and every one is a /16 inside 10.0.0.0/8', () => {
      const [lo8, hi8] = range('10.0.0.0/8');
      for (const d of deployments) {
        expect(d.addressSpace, d.name).to.match(/\/16$/);
        const [lo, hi] = range(d.addressSpace);
        expect(lo >= lo8 && hi <= hi8, `${d.name} ${d.addressSpace} inside 10.0.0.0/8`).to.equal(true);
      }
      for (let i = 0; i < deployments.length; i++) {
        for (let j = i + 1; j < deployments.length; j++) {
          const a = deployments[i]!;
          const b = deployments[j]!;
          const [alo, ahi] = range(a.addressSpace);
          const [blo, bhi] = range(b.addressSpace);
          expect(alo > bhi || blo > ahi, `${a.name} ${a.addressSpace} overlaps ${b.name} ${b.addressSpace}`).to.equal(true);
        }
      }
    });
  });
});

// The network topology diagram of docs/infrastructure/Architecture.md (Mermaid): the prod reference
// deployment's VNet and /16, each subnet with its CIDR (subnet plan + CIDR module, checked against the
// golden snapshot), its NSG and the private endpoints in it, and the NSGs' inbound allow rules as edges.
import type { ResolvedDeployment } from '@complianceflow/cli/config/registry.ts';
import { deriveSubnets } from '@complianceflow/cli/config/subnets.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { inboundAllowRules, vnetOf } from './nsg-rules.ts';
import { lastSegment } from './references.ts';

/** What a private endpoint connects, by the target's resource type. */
const serviceLabels: Record<string, string> = {
  'Microsoft.DBforPostgreSQL/flexibleServers': 'PostgreSQL',
  'Microsoft.Cache/redisEnterprise': 'Managed Redis',
  'Microsoft.KeyVault/vaults': 'Key Vault',
  'Microsoft.EventHub/namespaces': 'Event Hubs',
  'Microsoft.ContainerRegistry/registries': 'Container Registry',
  'Microsoft.Storage/storageAccounts': 'Storage',
};

/** Service tags whose rules are Azure's own plumbing, not traffic between our tiers. */
const infrastructureSources = new Set(['AzureLoadBalancer', 'ApiManagement']);

const label = (text: string) => `"${text.replaceAll('"', "'")}"`;

/** The golden snapshot's VNet must be what the subnet plan gives the deployment (else ConfigError). */
function checkAgainstPlan(registry: Registry, reference: ResolvedDeployment, vnet: ReturnType<typeof vnetOf>, tierOf: (subnetName: string) => string): void {
  const planned = deriveSubnets(registry.subnetPlan, reference.addressSpace, reference.environment);
  const where = `deployments/snapshots/${reference.name}.json`;
  const problems: string[] = [];
  if (vnet.addressSpace.join(',') !== reference.addressSpace) problems.push(`${where}: the VNet's address space ${vnet.addressSpace.join(', ')} is not the deployment's ${reference.addressSpace}`);
  for (const subnet of planned) {
    const actual = vnet.subnets.find((s) => tierOf(s.name) === subnet.tier);
    if (actual?.prefix !== subnet.prefix) problems.push(`${where}: subnet ${subnet.tier} is ${actual?.prefix ?? 'missing'}, the subnet plan gives ${subnet.prefix}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function privateEndpoints(resources: ArmResource[]): { name: string; subnet: string; service: string }[] {
  return resources.filter((r) => r.type === 'Microsoft.Network/privateEndpoints').map((endpoint) => {
    const properties = endpoint.properties as { subnet: { id: string }; privateLinkServiceConnections: Array<{ properties: { privateLinkServiceId: string } }> };
    const target = properties.privateLinkServiceConnections[0]?.properties.privateLinkServiceId.split('/providers/')[1]?.split('/') ?? [];
    const type = `${target[0]}/${target[1]}`;
    return { name: endpoint.name, subnet: lastSegment(properties.subnet.id), service: serviceLabels[type] ?? type };
  });
}

export function networkDiagram(registry: Registry, reference: ResolvedDeployment, resources: ArmResource[]): string {
  const vnet = vnetOf(resources);
  const tiers = new Map(Object.entries(reference.names.subnets).map(([tier, name]) => [name, tier]));
  const tierOf = (subnetName: string) => tiers.get(subnetName) ?? subnetName;
  checkAgainstPlan(registry, reference, vnet, tierOf);
  const endpoints = privateEndpoints(resources);
  const appsEnvironment = resources.find((r) => r.type === 'Microsoft.App/managedEnvironments');
  const appsSubnet = (appsEnvironment?.properties as { vnetConfiguration?: { infrastructureSubnetId?: string } } | undefined)?.vnetConfiguration?.infrastructureSubnetId;

  const lines = ['```mermaid', 'flowchart TB'];
  const byPrefix = new Map(vnet.subnets.map((s) => [s.prefix, tierOf(s.name)]));
  const rules = inboundAllowRules(resources);
  /** Sources outside the VNet's subnets: source → [node id, node line]. */
  const outside = new Map<string, [string, string]>();
  const sourceNode = (source: string): string | undefined => {
    if (byPrefix.has(source)) return byPrefix.get(source);
    if (infrastructureSources.has(source)) return undefined;
    if (!outside.has(source)) {
      const ranges = [...outside.keys()].filter((s) => s !== 'Internet' && s !== 'VirtualNetwork').length;
      const id = source === 'Internet' ? 'internet' : source === 'VirtualNetwork' ? 'anyvnet' : `range${ranges + 1}`;
      const text = source === 'Internet' ? 'Internet' : source === 'VirtualNetwork' ? 'any address in the VNet' : `management range ${source}`;
      outside.set(source, [id, `  ${id}([${label(text)}])`]);
    }
    return outside.get(source)![0];
  };
  const edges: string[] = [];
  for (const rule of rules) {
    const destination = vnet.subnets.find((s) => s.nsg === rule.nsg);
    if (destination === undefined) continue;
    for (const source of rule.sources) {
      const from = sourceNode(source);
      const to = tierOf(destination.name);
      if (from === undefined || from === to) continue;
      edges.push(`  ${from} -- ${label(`${rule.protocol === '*' ? 'any' : rule.protocol} ${rule.ports.join(', ')}`)} --> ${to}`);
    }
  }
  lines.push(...[...outside.values()].map(([, line]) => line));
  lines.push(`  subgraph vnet[${label(`${vnet.name} · ${vnet.addressSpace.join(', ')}`)}]`);
  for (const subnet of vnet.subnets) {
    const tier = tierOf(subnet.name);
    lines.push(`    subgraph ${tier}[${label(`${subnet.name} · ${subnet.prefix}`)}]`);
    if (subnet.nsg !== undefined) lines.push(`      ${tier}_nsg[/${label(`NSG ${subnet.nsg}`)}/]`);
    if (appsSubnet !== undefined && lastSegment(appsSubnet) === subnet.name) lines.push(`      ${tier}_cae[${label(`Container Apps environment ${appsEnvironment!.name}`)}]`);
    endpoints.filter((e) => e.subnet === subnet.name).forEach((e, i) => lines.push(`      ${tier}_pe${i}[${label(`${e.name} → ${e.service}`)}]`));
    lines.push('    end');
  }
  lines.push('  end', ...edges, '```');

  const partial = registry.subnetPlan.subnets.filter((s) => s.environments.length < Object.keys(registry.profiles).length);
  const note = [
    `The ${reference.environment} reference deployment \`${reference.name}\` (every deployment has the same layout in its own /16: `,
    'see the CIDR table of [the multi-deployment reference](../Infrastructure_Architecture.md#cidr-allocation)). ',
    'Edges are the NSGs\' inbound allow rules (protocol and ports); every NSG ends with a deny-all, and Azure\'s own ',
    `plumbing rules (${[...infrastructureSources].join(', ')}) are left out. `,
    partial.map((s) => `The \`${s.tier}\` subnet exists only in ${s.environments.join(', ')}.`).join(' '),
    ' From `bicep/shared/subnet-plan.json`, the deployment\'s address space and its golden snapshot.',
  ].join('');
  return `${lines.join('\n')}\n\n${note}`;
}

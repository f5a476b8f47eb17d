// The private-endpoint placement table, from the reference deployments' golden snapshots.
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { code, lastSegment, snapshotOf, yesNo, type Reference } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

/** key: the endpoint name with the deployment as {d} (the same in every deployment). */
interface EndpointRow { key: string; service: string; subnet: string; groupIds: string; zones: string }

function endpointsOf(resources: ArmResource[], deployment: string): EndpointRow[] {
  return resources.filter((r) => r.type === 'Microsoft.Network/privateEndpoints').map((endpoint) => {
    const properties = (endpoint as { properties?: { subnet?: { id: string }; privateLinkServiceConnections?: Array<{ properties: { groupIds: string[]; privateLinkServiceId: string } }> } }).properties ?? {};
    const connections = properties.privateLinkServiceConnections ?? [];
    const group = resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups' && r.name.startsWith(`${endpoint.name}/`)) as { properties?: { privateDnsZoneConfigs?: Array<{ properties: { privateDnsZoneId: string } }> } } | undefined;
    const target = connections[0]?.properties.privateLinkServiceId.split('/providers/')[1]?.split('/') ?? [];
    return {
      key: endpoint.name.replace(deployment, '{d}'),
      service: target.length >= 2 ? `${target[0]}/${target[1]}` : '?',
      subnet: code(lastSegment(properties.subnet?.id ?? '?').replace(deployment, '{d}')),
      groupIds: connections.flatMap((c) => c.properties.groupIds).map(code).join(', '),
      zones: (group?.properties?.privateDnsZoneConfigs ?? []).map((c) => code(lastSegment(c.properties.privateDnsZoneId))).join(', ') || 'none',
    };
  });
}

export function privateEndpointTable(references: Reference[], root: string): string {
  const rows = new Map<string, { row: EndpointRow; in: Set<string> }>();
  for (const { environment, deployment } of references) {
    for (const row of endpointsOf(snapshotOf(root, deployment.name), deployment.name)) {
      const entry = rows.get(row.key) ?? { row, in: new Set<string>() };
      entry.in.add(environment);
      rows.set(row.key, entry);
    }
  }
  const table = markdownTable(
    ['Endpoint', 'Service', 'Subnet', 'Group id', 'Private DNS zone', ...references.map((r) => `${r.environment} (${r.deployment.name})`)],
    [...rows.values()].sort((a, b) => a.row.key.localeCompare(b.row.key)).map(({ row, in: environments }) => [
      code(row.key), row.service, row.subnet, row.groupIds, row.zones, ...references.map((r) => yesNo(environments.has(r.environment))),
    ]),
  );
  return `${table}\n\nFrom the golden snapshots (\`deployments/snapshots/\`). Each endpoint has a DNS zone group \`default\` that registers its A record in the zone; the zones are linked to the deployment's VNet.`;
}

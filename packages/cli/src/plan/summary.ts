// The plan summary: resources by type (count and names) and the address ranges (VNets and subnets).
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import type { Styles } from '@complianceflow/core/text/style.ts';
import type { Resource } from './resources.ts';

export interface SubnetRange {
  name: string;
  addressPrefixes: string[];
}

export interface VirtualNetworkRange {
  name: string;
  addressPrefixes: string[];
  subnets: SubnetRange[];
}

export interface PlanSummary {
  resourceCount: number;
  /** type → the names of its resources (types and names sorted). */
  resourcesByType: Record<string, { count: number; names: string[] }>;
  addressRanges: { virtualNetworks: VirtualNetworkRange[] };
}

function field(value: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function subnetPrefixes(subnet: JsonValue): string[] {
  const single = field(subnet, 'properties', 'addressPrefix');
  return typeof single === 'string' ? [single] : strings(field(subnet, 'properties', 'addressPrefixes'));
}

const lower = (s: string) => s.toLowerCase();

/**
 * The name to show: an extension resource (a diagnostic setting, a lock) is shown with the resource
 * it applies to, e.g. "to-log-analytics on nsg-cf-westeu-test-1-db", because its own name repeats.
 */
export function displayName(resource: Resource): string {
  const name = String(resource['name'] ?? '');
  const id = typeof resource['id'] === 'string' ? resource['id'] : '';
  const last = id.lastIndexOf('/providers/');
  if (last < 0 || id.indexOf('/providers/') === last) return name;
  const scope = id.slice(0, last);
  // …/providers/<Namespace>/<type>/<name>[/<childType>/<childName>]
  const segments = scope.slice(scope.lastIndexOf('/providers/') + '/providers/'.length).split('/');
  const scopeName = segments.filter((_, i) => i >= 2 && i % 2 === 0).join('/');
  return scopeName === '' ? name : `${name} on ${scopeName}`;
}

export function summarize(resources: readonly Resource[]): PlanSummary {
  const byType = new Map<string, string[]>();
  for (const resource of resources) {
    const type = String(resource['type'] ?? '(no type)');
    byType.set(type, [...(byType.get(type) ?? []), displayName(resource)]);
  }
  const resourcesByType: PlanSummary['resourcesByType'] = {};
  for (const type of [...byType.keys()].sort((a, b) => lower(a).localeCompare(lower(b)))) {
    const names = byType.get(type)!.sort();
    resourcesByType[type] = { count: names.length, names };
  }

  const virtualNetworks: VirtualNetworkRange[] = [];
  for (const vnet of resources.filter((r) => lower(String(r['type'])) === 'microsoft.network/virtualnetworks')) {
    const name = String(vnet['name']);
    const inline = field(vnet, 'properties', 'subnets');
    const subnets: SubnetRange[] = (Array.isArray(inline) ? inline : []).map((s) => ({ name: String(field(s, 'name') ?? ''), addressPrefixes: subnetPrefixes(s) }));
    // Subnets declared as child resources are named "<vnet>/<subnet>".
    for (const child of resources.filter((r) => lower(String(r['type'])) === 'microsoft.network/virtualnetworks/subnets')) {
      const [parent, subnet] = String(child['name']).split('/');
      if (parent === name && subnet !== undefined && !subnets.some((s) => s.name === subnet)) subnets.push({ name: subnet, addressPrefixes: subnetPrefixes(child) });
    }
    subnets.sort((a, b) => (a.addressPrefixes[0] ?? '').localeCompare(b.addressPrefixes[0] ?? '', 'en', { numeric: true }));
    virtualNetworks.push({ name, addressPrefixes: strings(field(vnet, 'properties', 'addressSpace', 'addressPrefixes')), subnets });
  }
  return { resourceCount: resources.length, resourcesByType, addressRanges: { virtualNetworks } };
}

/** Joins items with ", " into lines of at most `width` characters (an item longer than that gets its own line). */
export function wrapList(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (line !== '' && next.length + 1 > width) {
      lines.push(`${line},`);
      line = item;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

export function renderSummary(title: string, summary: PlanSummary, c: Styles, lineWidth = 120): string {
  const lines = [c.bold(`${title}: ${summary.resourceCount} resources`), '', '  Resources by type:'];
  const types = Object.entries(summary.resourcesByType);
  // The names wrap within their column: count (3) and type, each followed by two spaces.
  const nameColumn = 4 + 3 + 2 + Math.max(0, ...types.map(([type]) => type.length)) + 2;
  const typeRows = types.flatMap(([type, { count, names }]) => {
    const [first = '', ...more] = wrapList(names, Math.max(40, lineWidth - nameColumn));
    return [[String(count), type, c.dim(first)], ...more.map((line) => ['', '', c.dim(line)])];
  });
  lines.push(...alignColumns(typeRows, { indent: '    ', minWidths: [3], align: ['right'] }));
  lines.push('', '  Address ranges:');
  if (summary.addressRanges.virtualNetworks.length === 0) lines.push('    (no virtual network)');
  for (const vnet of summary.addressRanges.virtualNetworks) {
    const rows = [[vnet.name, c.cyan(vnet.addressPrefixes.join(', '))], ...vnet.subnets.map((subnet) => [`  ${subnet.name}`, c.cyan(subnet.addressPrefixes.join(', '))])];
    lines.push(...alignColumns(rows, { indent: '    ' }));
  }
  return lines.join('\n');
}

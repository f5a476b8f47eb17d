// The generated tables of docs/Infrastructure_Architecture.md, each rendered from the registry
// and the naming rules. Add a table: add a renderer here and its markers in the document.
import { allocationReport } from '@complianceflow/cli/cidr/report.ts';
import { resolveAll, type ResolvedDeployment } from '@complianceflow/cli/config/registry.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { compactName, listNames } from '@complianceflow/cli/naming/derive.ts';
import { namingRules, type NamingRule } from '@complianceflow/cli/naming/rules.ts';
import { uniqueSuffix } from '@complianceflow/cli/naming/suffix.ts';
import { platformRenderers } from './platform-blocks.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';
import type { Renderers } from './markers.ts';

/** The document the blocks live in, relative to the repository root. */
export const architectureDoc = 'docs/Infrastructure_Architecture.md';

function cidrTable(registry: Registry, deployments: ResolvedDeployment[]): string {
  const report = allocationReport(deployments, Object.values(registry.regions));
  const allocation = markdownTable(
    ['Deployment', 'Region code', 'Azure region', 'Environment', 'Address space', 'Stack'],
    deployments.map((d) => [`\`${d.name}\``, d.regionCode, `${d.regionDisplayName} (\`${d.location}\`)`, d.environment, `\`${d.addressSpace}\``, `\`${d.otherNames.deploymentStack}\``]),
  );
  const next = markdownTable(
    ['Region code', 'Next free /16'],
    report.suggestions.map((s) => [s.regionCode, s.nextFree === null ? 'none (10.0.0.0/8 is full)' : `\`${s.nextFree}\``]),
  );
  return `${allocation}\n\n${report.rule}\n\n${next}`;
}

function subnetPlanTable(registry: Registry): string {
  const environments = Object.keys(registry.profiles).sort();
  return markdownTable(
    ['Tier', 'Prefix in 10.X.0.0/16', 'Subnet name', 'NSG name', ...environments, 'Purpose'],
    registry.subnetPlan.subnets.map((subnet) => [
      subnet.tier,
      `\`10.X.${subnet.thirdOctet}.0/${registry.subnetPlan.prefixLength}\``,
      `\`snet-cf-{d}-${subnet.tier}\``,
      `\`nsg-cf-{d}-${subnet.tier}\``,
      ...environments.map((environment) => (subnet.environments.includes(environment) ? 'yes' : 'no')),
      subnet.purpose,
    ]),
  );
}

/** Turns a derived name back into its pattern, so the table shows what the code does. */
function patternOf(name: string, d: ResolvedDeployment): string {
  return name
    .replaceAll(d.name.replaceAll('-', '_'), '{d_}')
    .replaceAll(d.name, '{d}')
    .replaceAll(compactName(d.name), '{compact}')
    .replaceAll(uniqueSuffix(d.name), '{suffix}')
    .replaceAll(d.location, '{location}')
    .replace(`-${d.environment}-${d.instance}`, '-{environment}-{instance}');
}

function namingTable(deployments: ResolvedDeployment[]): string {
  const example = deployments.find((d) => d.name === 'westeu-test-1') ?? deployments[0]!;
  const longestByPath = new Map<string, number>();
  for (const d of deployments) {
    for (const entry of listNames(d.names, d.otherNames)) longestByPath.set(entry.path, Math.max(longestByPath.get(entry.path) ?? 0, entry.name.length));
  }
  const seenPattern = new Set<string>();
  const rows: string[][] = [];
  for (const entry of listNames(example.names, example.otherNames)) {
    const pattern = patternOf(entry.name, example);
    const group = entry.path.includes('.') ? `${entry.path.split('.')[0]}.*` : entry.path;
    const genericPattern = entry.path.includes('.') ? pattern.replace(entry.path.split('.')[1]!.toLowerCase(), '{key}') : pattern;
    if (seenPattern.has(group)) continue;
    seenPattern.add(group);
    const longest = Math.max(...[...longestByPath.entries()].filter(([path]) => (entry.path.includes('.') ? path.startsWith(`${entry.path.split('.')[0]}.`) : path === entry.path)).map(([, length]) => length));
    const rule: NamingRule = namingRules[entry.rule];
    rows.push([
      `\`${group}\``,
      rule.resourceType,
      `\`${entry.path.includes('.') ? genericPattern : pattern}\``,
      `\`${entry.name}\``,
      `${longest} / ${rule.minLength}-${rule.maxLength}`,
      rule.globallyUnique ? 'global' : rule.scope,
      `${rule.quote}${rule.source === undefined ? '' : ` (source: ${rule.source})`}`,
    ]);
  }
  const legend =
    '`{d}` is the deployment name, `{d_}` the same with underscores, `{compact}` the same without hyphens, ' +
    '`{suffix}` the deterministic suffix of globally unique names, `{location}` the Azure region, `{key}` the subnet tier, service or private-endpoint target. ' +
    '"Longest" is the longest name of that kind over all registered deployments, against the allowed length.';
  return `${markdownTable(['Names entry', 'Resource type', 'Pattern', `Example (${example.name})`, 'Longest / allowed', 'Unique per', 'Azure\'s rule'], rows)}\n\n${legend}`;
}

/** Block name → renderer, for one registry. */
export function architectureRenderers(registry: Registry): Renderers {
  const deployments = resolveAll(registry);
  return {
    'cidr-table': () => cidrTable(registry, deployments),
    'subnet-plan': () => subnetPlanTable(registry),
    'naming-table': () => namingTable(deployments),
    ...platformRenderers(registry, deployments),
  };
}

// Generated tables of the platform tiers in docs/Infrastructure_Architecture.md: private endpoints and
// Key Vault secrets from the golden snapshots and the Bicep modules, SKUs from the environment
// profiles, estimates from the cost estimator, connection-string formats from the modules' outputs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config/paths.ts';
import type { ResolvedDeployment } from '../config/registry.ts';
import type { Registry } from '../config/types.ts';
import { checkBudget } from '../cost/estimate.ts';
import { deploymentCostRows } from '../cost/doc-table.ts';
import { ConfigError } from '../errors.ts';
import type { ArmResource } from '../policy/types.ts';
import { postDeploySecretNames, postDeploySecrets } from '../secrets/names.ts';
import { markdownTable } from './tables.ts';

/** Region whose deployments the snapshot tests take as each environment's reference. */
const referenceRegionCode = 'westeu';

export interface Reference {
  environment: string;
  deployment: ResolvedDeployment;
}

/** Per environment (sorted), its reference deployment: the lowest instance in the reference region, else the first by name. */
export function referenceDeployments(registry: Registry, deployments: ResolvedDeployment[]): Reference[] {
  return Object.keys(registry.profiles).sort().flatMap((environment) => {
    const candidates = deployments
      .filter((d) => d.environment === environment)
      .sort((a, b) => Number(a.regionCode !== referenceRegionCode) - Number(b.regionCode !== referenceRegionCode) || a.instance - b.instance || a.name.localeCompare(b.name));
    return candidates[0] === undefined ? [] : [{ environment, deployment: candidates[0] }];
  });
}

function snapshotOf(root: string, deployment: string): ArmResource[] {
  const file = path.join(root, 'deployments', 'snapshots', `${deployment}.json`);
  if (!existsSync(file)) throw new ConfigError([`deployments/snapshots/${deployment}.json: missing; the docs read the reference deployment's golden snapshot (regenerate the snapshots)`]);
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: ArmResource[] }).resources;
}

const lastSegment = (id: string) => id.split('/').at(-1) ?? id;
const code = (text: string) => `\`${text}\``;
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

// ---------------------------------------------------------------------------------------------
// Private endpoints
// ---------------------------------------------------------------------------------------------

interface EndpointRow { key: string; service: string; subnet: string; groupIds: string; zones: string }

function endpointsOf(resources: ArmResource[], deployment: string): EndpointRow[] {
  const prefix = `pe-cf-${deployment}-`;
  return resources.filter((r) => r.type === 'Microsoft.Network/privateEndpoints').map((endpoint) => {
    const properties = (endpoint as { properties?: { subnet?: { id: string }; privateLinkServiceConnections?: Array<{ properties: { groupIds: string[]; privateLinkServiceId: string } }> } }).properties ?? {};
    const connections = properties.privateLinkServiceConnections ?? [];
    const group = resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups' && r.name.startsWith(`${endpoint.name}/`)) as { properties?: { privateDnsZoneConfigs?: Array<{ properties: { privateDnsZoneId: string } }> } } | undefined;
    const target = connections[0]?.properties.privateLinkServiceId.split('/providers/')[1]?.split('/') ?? [];
    return {
      key: endpoint.name.startsWith(prefix) ? endpoint.name.slice(prefix.length) : endpoint.name,
      service: target.length >= 2 ? `${target[0]}/${target[1]}` : '?',
      subnet: code(lastSegment(properties.subnet?.id ?? '?').replace(deployment, '{d}')),
      groupIds: connections.flatMap((c) => c.properties.groupIds).map(code).join(', '),
      zones: (group?.properties?.privateDnsZoneConfigs ?? []).map((c) => code(lastSegment(c.properties.privateDnsZoneId))).join(', ') || 'none',
    };
  });
}

function privateEndpointTable(references: Reference[], root: string): string {
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
      code(`pe-cf-{d}-${row.key}`), row.service, row.subnet, row.groupIds, row.zones, ...references.map((r) => yesNo(environments.has(r.environment))),
    ]),
  );
  return `${table}\n\nFrom the golden snapshots (\`deployments/snapshots/\`). Each endpoint has a DNS zone group \`default\` that registers its A record in the zone; the zones are linked to the deployment's VNet.`;
}

// ---------------------------------------------------------------------------------------------
// Key Vault secrets
// ---------------------------------------------------------------------------------------------

const hubPlaceholder = '<hub>';

interface TemplateSecret { name: string; module: string; condition: string | undefined }

/** The secrets the Bicep modules declare: `Microsoft.KeyVault/vaults/secrets` resources and their names. */
export function templateSecrets(bicepRoot = repoRoot): TemplateSecret[] {
  const modulesDir = path.join(bicepRoot, 'bicep', 'modules');
  const modules = ['monitoring', 'security', 'database', 'redis', 'messaging', 'containerapps', 'networking'];
  const declaration = /resource \w+ 'Microsoft\.KeyVault\/vaults\/secrets@[^']+' = (?:if \(([^)]+)\) )?[\s\S]*?\n\s+name: '([^']+)'/g;
  return modules.flatMap((module) => {
    const file = path.join(modulesDir, module, 'main.bicep');
    if (!existsSync(file)) return [];
    return [...readFileSync(file, 'utf8').matchAll(declaration)].map((match) => ({
      name: match[2]!.replace('${hub.name}', hubPlaceholder),
      module: `bicep/modules/${module}`,
      condition: match[1],
    }));
  });
}

/** What a template-written secret holds; prose, so kept here. A secret without one fails the render. */
const templateSecretHolds: Record<string, string> = {
  'applicationinsights-connection-string': 'Application Insights connection string (read from the component at deploy time)',
  'redis-primary-key': 'Managed Redis primary access key',
  [`eventhub-${hubPlaceholder}-send-connection-string`]: 'connection string of the hub\'s send-only SAS rule',
  [`eventhub-${hubPlaceholder}-listen-connection-string`]: 'connection string of the hub\'s listen-only SAS rule',
};

function patternRegExp(name: string, hubs: readonly string[]): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(hubPlaceholder, `(?:${hubs.join('|')})`)}$`);
}

function secretTable(registry: Registry, references: Reference[], root: string): string {
  const hubs = registry.catalog.eventHubs.map((hub) => hub.name);
  const declared = templateSecrets();
  const present = new Map<string, Set<string>>();
  for (const { environment, deployment } of references) {
    for (const resource of snapshotOf(root, deployment.name).filter((r) => r.type === 'Microsoft.KeyVault/vaults/secrets')) {
      const name = resource.name.split('/').at(-1)!;
      const secret = declared.find((candidate) => patternRegExp(candidate.name, hubs).test(name));
      if (secret === undefined) throw new ConfigError([`deployments/snapshots/${deployment.name}.json: secret ${name} is declared by no Key Vault secret resource of bicep/modules/*/main.bicep`]);
      const environments = present.get(secret.name) ?? new Set<string>();
      environments.add(environment);
      present.set(secret.name, environments);
    }
  }
  const missingHolds = declared.filter((secret) => templateSecretHolds[secret.name] === undefined).map((secret) => `${secret.module}/main.bicep: secret ${secret.name} has no description in orchestrator/src/docs/platform-blocks.ts`);
  if (missingHolds.length > 0) throw new ConfigError(missingHolds);
  const templateRows = declared.map((secret) => [
    code(secret.name),
    templateSecretHolds[secret.name]!,
    `template: [${secret.module}](../${secret.module}/README.md)${secret.condition === undefined ? '' : ` when ${code(secret.condition)}`}`,
    ...references.map((r) => yesNo(present.get(secret.name)?.has(r.environment) ?? false)),
  ]);
  const postDeployRows = postDeploySecrets.map((secret) => [
    code(secret.name),
    secret.holds,
    secret.source === 'generated' ? `post-deploy step (generated once, ${secret.bytes} random bytes)` : 'post-deploy step (operator)',
    ...references.map(() => 'after the step'),
  ]);
  const table = markdownTable(['Secret', 'Holds', 'Written by', ...references.map((r) => `${r.environment} (${r.deployment.name})`)], [...templateRows, ...postDeployRows]);
  const legend =
    `${code(hubPlaceholder)}: each event hub of \`deployments/catalog.yaml\` (${hubs.join(', ')}); ` +
    `\`<service>\`: each service (${registry.catalog.services.join(', ')}) — ${postDeploySecretNames(registry.catalog.services).length} post-deploy secrets in all. ` +
    'Template rows come from the `Microsoft.KeyVault/vaults/secrets` resources of `bicep/modules/*/main.bicep` and show whether the reference snapshot has them; ' +
    'post-deploy rows from `orchestrator/src/secrets/names.ts`.';
  return `${table}\n\n${legend}`;
}

// ---------------------------------------------------------------------------------------------
// SKUs and cost per environment
// ---------------------------------------------------------------------------------------------

function skuTable(registry: Registry, references: Reference[]): string {
  const environments = Object.keys(registry.profiles).sort();
  const profile = (environment: string) => registry.profiles[environment]!;
  const setting = (label: string, value: (p: ReturnType<typeof profile>) => string): string[] => [label, ...environments.map((e) => value(profile(e)))];
  const costs = deploymentCostRows();
  const costOf = (environment: string) => {
    const reference = references.find((r) => r.environment === environment);
    return costs.find((row) => row.name === reference?.deployment.name);
  };
  const money = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(2));
  const rows = [
    setting('PostgreSQL SKU (tier)', (p) => `${code(p.database.sku.name)} (${p.database.sku.tier})`),
    setting('PostgreSQL version', (p) => p.database.version),
    setting('PostgreSQL storage GB / auto-grow', (p) => `${p.database.storageSizeGb} / ${yesNo(p.database.storageAutoGrow)}`),
    setting('PostgreSQL backup days / geo-redundant', (p) => `${p.database.backupRetentionDays} / ${yesNo(p.database.geoRedundantBackup)}`),
    setting('PostgreSQL zone-redundant HA', (p) => yesNo(p.database.highAvailability)),
    setting('PostgreSQL PgBouncer (6432)', (p) => yesNo(p.database.pgbouncer)),
    setting('Managed Redis SKU', (p) => code(p.redis.sku)),
    setting('Managed Redis HA / persistence', (p) => `${yesNo(p.redis.highAvailability)} / ${p.redis.persistence}`),
    setting('Event Hubs SKU / TUs', (p) => `${p.messaging.sku} / ${p.messaging.throughputUnits}`),
    setting('Event Hubs auto-inflate (max TUs)', (p) => (p.messaging.autoInflate ? `yes (${p.messaging.maxThroughputUnits})` : 'no')),
    setting('Event Hubs zone-redundant / retention h', (p) => `${yesNo(p.messaging.zoneRedundant)} / ${p.messaging.messageRetentionHours}`),
    setting('Key Vault SKU / purge protection', (p) => `${p.keyVault.sku} / ${yesNo(p.keyVault.purgeProtection)}`),
    setting('Container registry SKU', (p) => p.registry.sku),
    setting('Log Analytics retention days / daily cap GB', (p) => `${p.monitoring.logAnalytics.retentionDays} / ${p.monitoring.logAnalytics.dailyCapGb}`),
    setting('Budget USD/month', (p) => String(p.budget.monthlyUsd)),
    ['Estimate USD/month (reference deployment)', ...environments.map((e) => { const row = costOf(e); return row === undefined ? 'n/a' : `**${money(row.estimate.monthlyTotal)}** (${row.name})`; })],
    ['Estimate at Log Analytics caps', ...environments.map((e) => money(costOf(e)?.estimate.monthlyTotalAtCaps))],
    ['Within budget', ...environments.map((e) => { const row = costOf(e); return row === undefined ? 'n/a' : checkBudget(row.estimate, row.budget).withinBudget ? 'yes' : 'OVER'; })],
  ];
  const overrides = registry.deployments.filter((d) => d.overrides !== undefined && Object.keys(d.overrides).length > 0).map((d) => `${code(d.name)} (${code(d.file)})`);
  const note = `Settings from \`deployments/profiles/*.yaml\`; deployments overriding them: ${overrides.length === 0 ? 'none' : overrides.join(', ')}. ` +
    'Estimates from `orchestrator/src/cost` on the golden snapshot (every deployment: [Cost_Optimization.md](infrastructure/Cost_Optimization.md)).';
  return `${markdownTable(['Setting', ...environments], rows)}\n\n${note}`;
}

// ---------------------------------------------------------------------------------------------
// Connection-string formats, from the modules' outputs
// ---------------------------------------------------------------------------------------------

/** Splits a Bicep string literal body (after its opening quote) into literal parts and `${...}` expressions; stops at the closing quote. */
export function splitBicepString(text: string): Array<{ literal: string } | { expression: string }> {
  const parts: Array<{ literal: string } | { expression: string }> = [];
  let literal = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '\\') { literal += text[i + 1] ?? ''; i += 1; continue; }
    if (char === "'") break;
    if (char !== '$' || text[i + 1] !== '{') { literal += char; continue; }
    if (literal !== '') parts.push({ literal });
    literal = '';
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j += 1) {
      const inner = text[j]!;
      if (inner === "'") { j = text.indexOf("'", j + 1); continue; }
      if (inner === '{') depth += 1;
      if (inner === '}') { depth -= 1; if (depth === 0) break; }
    }
    parts.push({ expression: text.slice(i + 2, j).trim() });
    i = j;
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

/** The value of `output NAME string = '...'` in a module, its expressions turned into placeholders. */
export function bicepOutputTemplate(module: string, output: string, bicepRoot = repoRoot): string {
  const text = readFileSync(path.join(bicepRoot, 'bicep', 'modules', module, 'main.bicep'), 'utf8');
  const start = new RegExp(`^output ${output} string = '`, 'm').exec(text);
  if (start === null) throw new ConfigError([`bicep/modules/${module}/main.bicep: no string output ${output} with a string literal value`]);
  return splitBicepString(text.slice(start.index + start[0].length)).map((part) => {
    if ('literal' in part) return part.literal;
    const variable = new RegExp(`^var ${part.expression.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} = (\\d+|'[^']*')$`, 'm').exec(text);
    if (variable !== null) return variable[1]!.replaceAll("'", '');
    // The namespace host is the host of serviceBusEndpoint (https://<namespace>.servicebus.windows.net:443/).
    if (part.expression.includes('serviceBusEndpoint')) return '<namespace>.servicebus.windows.net';
    return `<${part.expression.split('.').at(-1)}>`;
  }).join('');
}

function connectionStringTable(): string {
  const postgres = bicepOutputTemplate('database', 'connectionStringTemplate');
  const rows = [
    ['PostgreSQL', code(postgres), '`database` output `connectionStringTemplate`; `{user}`/`{password}` from `postgresql-<service>-password`, `{database}` from the `databaseNames` output; TLS with full certificate verification'],
    ['PostgreSQL via PgBouncer', code(postgres.replace(':5432/', ':6432/')), 'same, port 6432, where `database.pgbouncer` is on (see the SKU table)'],
    ['Managed Redis', code(bicepOutputTemplate('redis', 'connectionStringTemplate')), '`redis` output; TLS only; user = workload identity object id, password = Entra ID token (scope `https://redis.azure.com/.default`), or `redis-primary-key` when access keys are on'],
    ['Event Hubs (Kafka)', code(bicepOutputTemplate('messaging', 'kafkaBootstrapServer')), '`messaging` output `kafkaBootstrapServer`; `SASL_SSL`, mechanism `PLAIN`, user `$ConnectionString`, password = `eventhub-<hub>-send/listen-connection-string` (or OAUTHBEARER with the workload identity)'],
  ];
  return `${markdownTable(['Service', 'Format', 'Notes'], rows)}\n\nHost names resolve to the private endpoints inside the VNet. Formats are read from the modules' outputs in \`bicep/modules/*/main.bicep\`.`;
}

/** The platform blocks of the architecture document. */
export function platformRenderers(registry: Registry, deployments: ResolvedDeployment[]): Record<string, () => string> {
  const references = () => referenceDeployments(registry, deployments);
  return {
    'private-endpoints': () => privateEndpointTable(references(), registry.root),
    'secret-names': () => secretTable(registry, references(), registry.root),
    'connection-strings': () => connectionStringTable(),
    'sku-per-environment': () => skuTable(registry, references()),
  };
}

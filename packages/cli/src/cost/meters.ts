// How each resource type the tiers deploy turns into priced meters. A function returns the cost
// lines of one resource; types that Azure does not charge for are listed in `freeTypes`; any other
// type is "not priced" and reported as such by the estimate.

import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { priceOf, usageFor, type PriceTable } from './prices.ts';

export interface CostLine {
  meter: string;
  description: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthly: number;
}

export interface MeterContext {
  table: PriceTable;
  region: string;
  environment: string | undefined;
}

export interface Priced {
  lines: CostLine[];
  /** An assumption or caveat worth showing next to the figure. */
  notes: string[];
  /** For usage-driven meters with a hard ceiling (Log Analytics daily cap): the monthly cost at the ceiling. */
  maxMonthly?: number;
}

function line(context: MeterContext, meter: string, quantity: number): CostLine {
  const entry = context.table.meters[meter];
  const unitPrice = priceOf(context.table, meter, context.region);
  return { meter, description: entry?.description ?? meter, quantity, unit: entry?.unit ?? '', unitPrice, monthly: round(quantity * unitPrice) };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function get(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    const record = current as Record<string, unknown>;
    const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
    current = found === undefined ? undefined : record[found];
  }
  return current;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

class NotPriced extends Error {}

function meterFor(context: MeterContext, meter: string): string {
  if (context.table.meters[meter] === undefined) throw new NotPriced(`no price for meter ${meter}`);
  return meter;
}

type PriceFn = (resource: ArmResource, context: MeterContext) => Priced;

const hours = (context: MeterContext): number => context.table.hoursPerMonth;

const pricing: Record<string, PriceFn> = {
  'microsoft.dbforpostgresql/flexibleservers': (r, c) => {
    const sku = str(get(r, 'sku.name')) ?? 'Standard_B1ms';
    const storageGb = num(get(r, 'properties.storage.storageSizeGB')) ?? 32;
    const haMode = str(get(r, 'properties.highAvailability.mode')) ?? 'Disabled';
    const copies = haMode.toLowerCase() === 'disabled' ? 1 : 2;
    const lines = [line(c, meterFor(c, `postgres.compute.${sku}`), hours(c) * copies), line(c, 'postgres.storage', storageGb * copies)];
    const notes = copies === 2 ? [`high availability (${haMode}): the standby doubles compute and storage`] : [];
    if (str(get(r, 'properties.backup.geoRedundantBackup'))?.toLowerCase() === 'enabled') {
      lines.push(line(c, 'postgres.backup.geo', storageGb));
      notes.push('geo-redundant backup priced at the provisioned storage size');
    }
    return { lines, notes };
  },
  'microsoft.cache/redisenterprise': (r, c) => {
    const sku = str(get(r, 'sku.name')) ?? 'Balanced_B0';
    // The API's default is Enabled: without an explicit Disabled the cache is billed with its replica.
    const ha = (str(get(r, 'properties.highAvailability')) ?? 'Enabled').toLowerCase() !== 'disabled';
    return { lines: [line(c, meterFor(c, `redis.${sku}`), hours(c) * (ha ? 2 : 1))], notes: ha ? ['high availability: billed for two nodes'] : [] };
  },
  'microsoft.eventhub/namespaces': (r, c) => {
    const tier = (str(get(r, 'sku.name')) ?? 'Standard').toLowerCase();
    const capacity = num(get(r, 'sku.capacity')) ?? 1;
    const meter = tier === 'premium' ? 'eventhubs.premium.pu' : tier === 'basic' ? 'eventhubs.basic.tu' : 'eventhubs.standard.tu';
    const notes = get(r, 'properties.isAutoInflateEnabled') === true
      ? [`auto-inflate up to ${String(get(r, 'properties.maximumThroughputUnits') ?? '?')} throughput units: priced at the base ${capacity}`]
      : [];
    return { lines: [line(c, meter, hours(c) * capacity)], notes };
  },
  'microsoft.eventhub/clusters': (r, c) => ({ lines: [line(c, 'eventhubs.dedicated.cu', hours(c) * (num(get(r, 'sku.capacity')) ?? 1))], notes: [] }),
  'microsoft.keyvault/vaults': (_r, c) => {
    const operations = usageFor(c.table, 'keyVaultOperationsPerMonth', c.environment);
    return { lines: [line(c, 'keyvault.operations', operations / 10_000)], notes: [`assumes ${operations.toLocaleString('en-US')} operations a month`] };
  },
  'microsoft.operationalinsights/workspaces': (r, c) => {
    const cap = num(get(r, 'properties.workspaceCapping.dailyQuotaGb'));
    const expected = usageFor(c.table, 'logAnalyticsGbPerDay', c.environment);
    const capped = cap !== undefined && cap > 0;
    const perDay = capped ? Math.min(expected, cap) : expected;
    const days = c.table.daysPerMonth;
    const retention = num(get(r, 'properties.retentionInDays')) ?? 30;
    const retainedDays = Math.max(0, retention - 31);
    const lines = [line(c, 'loganalytics.ingestion', round(perDay * days))];
    if (retainedDays > 0) lines.push(line(c, 'loganalytics.retention', round(perDay * retainedDays)));
    const notes = [`assumes ${perDay} GB/day ingested${capped ? ` (daily cap ${cap} GB)` : ' (no daily cap: unbounded)'}, ${retention}-day retention`];
    if (!capped) return { lines, notes };
    const atCap = round(cap * days * priceOf(c.table, 'loganalytics.ingestion', c.region) + cap * retainedDays * (retainedDays > 0 ? priceOf(c.table, 'loganalytics.retention', c.region) : 0));
    return { lines, notes, maxMonthly: atCap };
  },
  'microsoft.insights/components': (r) => ({
    lines: [],
    notes: [str(get(r, 'properties.WorkspaceResourceId')) === undefined ? 'classic Application Insights: ingestion not estimated' : 'workspace-based: ingestion is billed (and capped) in the Log Analytics workspace'],
  }),
  'microsoft.containerregistry/registries': (r, c) => {
    const sku = str(get(r, 'sku.name')) ?? 'Basic';
    return { lines: [line(c, meterFor(c, `acr.${sku}`), c.table.daysPerMonth)], notes: [] };
  },
  // Billed by allocation ("Billing is based on pool allocation", tasks-agent-pools): every instance's
  // vCPUs for every hour the pool holds them, builds or not.
  'microsoft.containerregistry/registries/agentpools': (r, c) => {
    const vcpus: Record<string, number> = { S1: 2, S2: 4, S3: 8 };
    const tier = str(get(r, 'properties.tier')) ?? 'S1';
    const count = num(get(r, 'properties.count')) ?? 1;
    const perInstance = vcpus[tier] ?? 2;
    return { lines: [line(c, 'acr.agentPool.vcpu', round(count * perInstance * hours(c)))], notes: [`${count} × ${tier} (${perInstance} vCPU) allocated all month; scaling the pool to 0 between builds would remove most of it`] };
  },
  'microsoft.app/managedenvironments': (r, c) => {
    const profiles = get(r, 'properties.workloadProfiles');
    const dedicated = Array.isArray(profiles) && profiles.some((p) => (str(get(p, 'workloadProfileType')) ?? 'Consumption').toLowerCase() !== 'consumption');
    if (!dedicated) return { lines: [], notes: ['Consumption workload profile only: nothing billed while no app runs'] };
    return { lines: [line(c, 'containerapps.dedicated.management', hours(c))], notes: ['dedicated workload profiles: instance hours not included'] };
  },
  // Consumption jobs bill vCPU-seconds and GiB-seconds of their executions only: the validation job
  // runs a few minutes per deploy, within the monthly free grant of the environment's subscription.
  'microsoft.app/jobs': () => ({ lines: [], notes: ['Consumption: billed per execution second only (a validation run per deploy)'] }),
  'microsoft.storage/storageaccounts': (r, c) => {
    const sku = str(get(r, 'sku.name')) ?? 'Standard_LRS';
    const gb = usageFor(c.table, 'storageGbPerAccount', c.environment);
    return { lines: [line(c, meterFor(c, `storage.${sku}`), gb)], notes: [`assumes ${gb} GB stored`] };
  },
  'microsoft.network/privateendpoints': (_r, c) => ({ lines: [line(c, 'network.privateEndpoint', hours(c))], notes: [] }),
  'microsoft.network/networkwatchers/flowlogs': (_r, c) => {
    const gb = usageFor(c.table, 'vnetFlowLogGbPerMonth', c.environment);
    return { lines: [line(c, 'network.vnetFlowLogs', gb)], notes: [`assumes ${gb} GB of flow logs a month`] };
  },
  'microsoft.network/privatednszones': (_r, c) => ({ lines: [line(c, 'dns.privateZone', 1)], notes: [] }),
  'microsoft.insights/metricalerts': (r, c) => {
    const scopes = get(r, 'properties.scopes');
    const series = Array.isArray(scopes) && scopes.length > 0 ? scopes.length : 1;
    return { lines: [line(c, 'monitor.metricAlert', series)], notes: [] };
  },
  'microsoft.insights/scheduledqueryrules': (r, c) => {
    const frequency = (str(get(r, 'properties.evaluationFrequency')) ?? 'PT5M').toUpperCase();
    const minutes = /^PT(\d+)M$/.exec(frequency)?.[1];
    const hoursMatch = /^PT(\d+)H$/.exec(frequency)?.[1];
    const everyMinutes = minutes !== undefined ? Number(minutes) : hoursMatch !== undefined ? Number(hoursMatch) * 60 : 5;
    const meter = everyMinutes <= 1 ? 'monitor.logAlert.1min' : everyMinutes < 15 ? 'monitor.logAlert.5min' : 'monitor.logAlert.15min';
    return { lines: [line(c, meter, 1)], notes: [] };
  },
};

/** Types Azure does not bill for (or bills only through another resource priced above). */
export const freeTypes = new Set(
  [
    'Microsoft.Resources/resourceGroups', 'Microsoft.Resources/deployments',
    'Microsoft.Network/virtualNetworks', 'Microsoft.Network/virtualNetworks/subnets', 'Microsoft.Network/networkSecurityGroups',
    'Microsoft.Network/networkSecurityGroups/securityRules', 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    'Microsoft.Network/privateDnsZones/A', 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', 'Microsoft.Network/networkWatchers',
    'Microsoft.Storage/storageAccounts/blobServices', 'Microsoft.Storage/storageAccounts/blobServices/containers',
    'Microsoft.Storage/storageAccounts/managementPolicies',
    'Microsoft.Insights/actionGroups', 'Microsoft.Insights/workbooks', 'Microsoft.Insights/diagnosticSettings',
    'Microsoft.KeyVault/vaults/secrets', 'Microsoft.DBforPostgreSQL/flexibleServers/databases',
    'Microsoft.DBforPostgreSQL/flexibleServers/configurations', 'Microsoft.DBforPostgreSQL/flexibleServers/administrators',
    'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules', 'Microsoft.Cache/redisEnterprise/databases',
    'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
    'Microsoft.EventHub/namespaces/eventhubs', 'Microsoft.EventHub/namespaces/eventhubs/consumergroups',
    'Microsoft.EventHub/namespaces/authorizationRules', 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules',
    'Microsoft.EventHub/namespaces/networkRuleSets',
    'Microsoft.ManagedIdentity/userAssignedIdentities', 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    'Microsoft.Authorization/roleAssignments', 'Microsoft.Authorization/locks',
  ].map((t) => t.toLowerCase()),
);

/** The cost of one resource, 'free', or 'not priced' with the reason. */
export function priceResource(resource: ArmResource, context: MeterContext): Priced | 'free' | { notPriced: string } {
  const type = resource.type.toLowerCase();
  if (freeTypes.has(type)) return 'free';
  const fn = pricing[type];
  if (fn === undefined) return { notPriced: `no pricing for resource type ${resource.type}` };
  try {
    return fn(resource, context);
  } catch (error) {
    if (error instanceof NotPriced) return { notPriced: `${error.message} (SKU not in the price table ${context.table.file})` };
    throw error;
  }
}

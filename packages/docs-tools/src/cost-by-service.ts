// The cost-by-service table of docs/infrastructure/Architecture.md: the cost estimator's figures for each
// environment's reference deployment (golden snapshot, current price table), per Azure service. A private
// endpoint counts with the service it connects, as in the estimator's tiers.
import { deploymentCostRows } from '@complianceflow/cli/cost/doc-table.ts';
import type { ResourceCost } from '@complianceflow/cli/cost/estimate.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { snapshotOf, type Reference } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

/** Resource type prefix → the service a reader knows; first match wins. */
const services: Array<[prefix: string, service: string]> = [
  ['Microsoft.DBforPostgreSQL/', 'PostgreSQL Flexible Server'],
  ['Microsoft.Cache/', 'Azure Managed Redis'],
  ['Microsoft.EventHub/', 'Event Hubs'],
  ['Microsoft.OperationalInsights/', 'Log Analytics'],
  ['Microsoft.Insights/', 'Application Insights and alerts'],
  ['Microsoft.KeyVault/', 'Key Vault'],
  ['Microsoft.ContainerRegistry/', 'Container Registry'],
  ['Microsoft.App/', 'Container Apps'],
  ['Microsoft.Network/privateDnsZones', 'Private DNS zones'],
  ['Microsoft.Network/networkWatchers', 'VNet flow logs and their storage'],
  ['Microsoft.Storage/', 'VNet flow logs and their storage'],
  ['Microsoft.Network/', 'VNet and NSGs'],
];

function serviceOfType(type: string): string {
  return services.find(([prefix]) => type.toLowerCase().startsWith(prefix.toLowerCase()))?.[1] ?? type.split('/')[0]!;
}

function serviceOf(cost: ResourceCost, resources: ArmResource[]): string {
  if (cost.type === 'Microsoft.Network/privateEndpoints') {
    const endpoint = resources.find((r) => r.type === cost.type && r.name === cost.name);
    const target = (endpoint?.properties as { privateLinkServiceConnections?: Array<{ properties: { privateLinkServiceId: string } }> } | undefined)?.privateLinkServiceConnections?.[0]?.properties.privateLinkServiceId;
    const type = target === undefined ? undefined : /\/providers\/([^/]+\/[^/]+)/.exec(target)?.[1];
    if (type !== undefined) return serviceOfType(type);
  }
  return serviceOfType(cost.type);
}

export function costByServiceTable(references: Reference[], root: string): string {
  const rows = deploymentCostRows();
  const columns = references.map((reference) => {
    const row = rows.find((r) => r.name === reference.deployment.name);
    if (row === undefined) throw new Error(`no cost row for ${reference.deployment.name}`);
    const resources = snapshotOf(root, reference.deployment.name);
    const byService = new Map<string, number>();
    for (const cost of row.estimate.byResource) {
      const service = serviceOf(cost, resources);
      byService.set(service, (byService.get(service) ?? 0) + cost.monthly);
    }
    return { reference, row, byService };
  });
  const order = [...new Set(services.map(([, service]) => service))];
  const present = order.filter((service) => columns.some((c) => (c.byService.get(service) ?? 0) > 0));
  const money = (n: number) => n.toFixed(2);
  const table = markdownTable(
    ['Service (USD/month)', ...columns.map((c) => `${c.reference.environment} (${c.reference.deployment.name})`)],
    [
      ...present.map((service) => [service, ...columns.map((c) => money(c.byService.get(service) ?? 0))]),
      ['**Total**', ...columns.map((c) => `**${money(c.row.estimate.monthlyTotal)}**`)],
      ['Budget', ...columns.map((c) => String(c.row.budget))],
    ],
  );
  const date = columns[0]?.row.estimate.priceTable.date ?? '';
  return `${table}\n\nThe cost estimator (\`packages/cli/src/cost\`) on each environment's reference deployment's golden snapshot, `
    + `prices of ${date} (USD, pay-as-you-go). Private endpoints ($7.30 each) count with the service they connect. `
    + 'Every deployment, per tier: [Cost_Optimization.md](Cost_Optimization.md#per-deployment).';
}

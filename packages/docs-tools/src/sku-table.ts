// The SKU/cost table per environment: the profiles' settings and the cost estimator's rows of the
// reference deployments.
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { deploymentCostRows } from '@complianceflow/cli/cost/doc-table.ts';
import { checkBudget } from '@complianceflow/cli/cost/estimate.ts';
import { code, yesNo, type Reference } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

export function skuTable(registry: Registry, references: Reference[]): string {
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
    'Estimates from `packages/cli/src/cost` on the golden snapshot (every deployment: [Cost_Optimization.md](infrastructure/Cost_Optimization.md)).';
  return `${markdownTable(['Setting', ...environments], rows)}\n\n${note}`;
}

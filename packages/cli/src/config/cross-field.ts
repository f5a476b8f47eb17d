// Profile rules that involve more than one field (the schema checks each field on its own): checked
// on a profile, and on each deployment's settings after its overrides are merged in.
import { eventHubsTierLimits, postgresTierSeries, postgresTiers, type EventHubsSku } from './azure-limits.ts';
import type { Problem } from './problems.ts';
import type { Profile } from './types.ts';

export type Settings = Omit<Profile, 'environment'>;

/**
 * Rules across fields, checked on settings that already passed the field checks. Each problem's
 * path names the field to change.
 */
export function crossFieldProblems(settings: Settings, eventHubs: readonly { name: string; consumers: readonly string[] }[]): Problem[] {
  const problems: Problem[] = [];
  const { database, messaging, registry } = settings;
  if (registry.buildAgentPool !== null && registry.sku !== 'Premium') {
    problems.push({ path: 'registry.buildAgentPool', message: `an agent pool is not allowed with sku ${registry.sku}; allowed: null, or sku Premium (ACR Tasks agent pools are a Premium feature)` });
  }

  const seriesPattern = postgresTiers[database.sku.tier];
  if (!seriesPattern.test(database.sku.name)) {
    problems.push({ path: 'database.sku.name', message: `${JSON.stringify(database.sku.name)} does not belong to tier ${database.sku.tier}; allowed: ${postgresTierSeries[database.sku.tier]} sizes (Burstable: Standard_B*, GeneralPurpose: Standard_D*, MemoryOptimized: Standard_E*)` });
  }
  if (database.sku.tier === 'Burstable' && database.pgbouncer) {
    problems.push({ path: 'database.pgbouncer', message: 'true is not allowed on the Burstable tier (PgBouncer is not available there); allowed: false, or a GeneralPurpose/MemoryOptimized sku' });
  }
  if (database.sku.tier === 'Burstable' && database.highAvailability) {
    problems.push({ path: 'database.highAvailability', message: 'true is not allowed on the Burstable tier (zone-redundant HA needs GeneralPurpose or MemoryOptimized); allowed: false' });
  }

  const limits = eventHubsTierLimits[messaging.sku as EventHubsSku];
  const units = limits.units;
  const unitsOk = 'min' in units ? messaging.throughputUnits >= units.min && messaging.throughputUnits <= units.max : units.includes(messaging.throughputUnits);
  if (!unitsOk) {
    const allowed = 'min' in units ? `${units.min} to ${units.max}` : `one of ${units.join(', ')}`;
    problems.push({ path: 'messaging.throughputUnits', message: `${messaging.throughputUnits} is out of range for ${messaging.sku}; allowed: ${allowed} ${limits.unitName}` });
  }
  if (messaging.autoInflate) {
    if (!limits.autoInflate) problems.push({ path: 'messaging.autoInflate', message: `true is not allowed on ${messaging.sku}; auto-inflate exists only on Standard` });
    else if (messaging.maxThroughputUnits < messaging.throughputUnits || messaging.maxThroughputUnits > 40) {
      problems.push({ path: 'messaging.maxThroughputUnits', message: `${messaging.maxThroughputUnits} is not allowed with autoInflate: true; allowed: from throughputUnits (${messaging.throughputUnits}) to 40` });
    }
  } else if (messaging.maxThroughputUnits !== 0) {
    problems.push({ path: 'messaging.maxThroughputUnits', message: `${messaging.maxThroughputUnits} is not allowed with autoInflate: false; allowed: 0` });
  }
  const retention = limits.retentionHours;
  if (messaging.messageRetentionHours < retention.min || messaging.messageRetentionHours > retention.max) {
    problems.push({ path: 'messaging.messageRetentionHours', message: `${messaging.messageRetentionHours} is out of range for ${messaging.sku}; allowed: ${retention.min} to ${retention.max} hours` });
  }
  for (const hub of eventHubs) {
    if (hub.consumers.length + 1 > limits.consumerGroups) {
      problems.push({ path: 'messaging.sku', message: `${JSON.stringify(messaging.sku)} allows ${limits.consumerGroups} consumer group(s) per event hub including $Default, but event hub ${hub.name} in deployments/catalog.yaml has ${hub.consumers.length} consumers` });
    }
  }
  return problems;
}

// Names of what bootstrap creates once per subscription (shared by every deployment), derived here
// like every other name. The per-deployment names live in derive.ts.
import { namingRules, namingViolation, describeViolation } from './rules.ts';
import { uniqueSuffix } from './suffix.ts';

/** The shared resource group of an environment: rg-complianceflow-<env> (the requirements' "dev" is our "test"). */
export function sharedResourceGroupName(environment: string): string {
  return `rg-complianceflow-${environment}`;
}

/** Azure's own Network Watcher resource group (the name Azure gives it when it creates it itself). */
export const networkWatcherResourceGroupName = 'NetworkWatcherRG';

/** Azure's own per-region Network Watcher name (same rule as deriveNames().networkWatcher). */
export function networkWatcherName(location: string): string {
  return `NetworkWatcher_${location}`;
}

/**
 * The artifacts storage account (deployment locks, artifacts): globally unique, so it carries a
 * deterministic suffix of the subscription id — the same subscription always gets the same account.
 * 'stcfartifacts' + 8 base-36 characters = 21 lowercase letters and digits.
 */
export function artifactsStorageAccountName(subscriptionId: string): string {
  const name = `stcfartifacts${uniqueSuffix(subscriptionId.toLowerCase(), 8)}`;
  const violation = namingViolation(namingRules.storageAccount, name);
  if (violation !== undefined) throw new Error(describeViolation(namingRules.storageAccount, name, violation));
  return name;
}

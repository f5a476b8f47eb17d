// Every ARM api-version the CLI speaks by hand (each checked against azure-rest-api-specs; the
// emulator accepts the same). The typed SDK clients bring their own; the deployed resources' come
// from the plan (apiVersionsByType).
import type { Resource } from '../plan/resources.ts';

export const apiVersions = {
  subscriptions: '2022-12-01',
  providers: '2021-04-01',
  resourceGroups: '2021-04-01',
  networkWatchers: '2024-05-01',
  storage: '2023-05-01',
  budgets: '2023-11-01',
  scheduledActions: '2023-11-01',
  policy: '2023-04-01',
  roleDefinitions: '2022-04-01',
  roleAssignments: '2022-04-01',
  postgres: '2024-08-01',
  /** The Key Vault api bicep/modules/security uses (deleted vaults: Vaults_GetDeleted, Vaults_PurgeDeleted). */
  keyVault: '2025-05-01',
  /** Stack what-if (Microsoft.Resources/deploymentStacksWhatIfResults): stable only in this version. */
  stackWhatIf: '2025-07-01',
} as const;

/**
 * The api-version of each planned resource type (lower-case type → version). Ids would not do:
 * the offline snapshot uses a placeholder subscription, so guid()-named resources differ.
 */
export function apiVersionsByType(resources: readonly Resource[]): Map<string, string> {
  const map = new Map<string, string>([['microsoft.resources/resourcegroups', '2024-03-01']]);
  for (const r of resources) {
    if (typeof r.type === 'string' && typeof r.apiVersion === 'string') map.set(r.type.toLowerCase(), r.apiVersion);
  }
  return map;
}

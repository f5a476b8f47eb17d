// After a destroy, the deployment's Key Vault sits soft-deleted. As the environment's profile says:
// without purge protection (test, stg) it is purged so a redeploy can reuse the name; with purge
// protection (prod) it stays until its scheduled purge date; recover it before a redeploy of the same name.
// REST: specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json
// (Vaults_GetDeleted, Vaults_PurgeDeleted — long-running).
import { providerId } from '@complianceflow/core/arm/ids.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import type { KeyVaultRetention } from '../report/model.ts';
import { apiVersions } from './api-versions.ts';
import type { ArmClients } from './clients.ts';
import { armResources } from './resources-by-id.ts';

export type VaultRetention = { vault: string; action: 'none' } | KeyVaultRetention;

/** The deployment's vault as its profile declares it. */
export interface VaultSettings {
  name: string;
  location: string;
  purgeProtection: boolean;
}

export function vaultSettingsOf(resolved: ResolvedDeployment): VaultSettings {
  return { name: resolved.names.keyVault, location: resolved.location, purgeProtection: resolved.settings.keyVault.purgeProtection };
}

/** What brings a retained vault back before a redeploy of the same name (the template does not set createMode recover). */
export function recoverCommand(vault: string): string {
  return `az keyvault recover --name ${vault}`;
}

export const deletedVaultId = (subscriptionId: string, location: string, vault: string): string => `${providerId(subscriptionId, 'Microsoft.KeyVault')}/locations/${location}/deletedVaults/${vault}`;

export async function settleDeletedKeyVault(clients: ArmClients, settings: VaultSettings, options: { pollIntervalMs?: number } = {}): Promise<VaultRetention> {
  const vault = settings.name;
  const rest = armResources(clients, options);
  const at = deletedVaultId(clients.subscriptionId, settings.location, vault);
  const deleted = await rest.get(at, apiVersions.keyVault);
  if (deleted === undefined) return { vault, action: 'none' };
  const props = (deleted['properties'] ?? {}) as { purgeProtectionEnabled?: boolean; scheduledPurgeDate?: string };
  if (settings.purgeProtection || props.purgeProtectionEnabled === true) {
    return { vault, action: 'retained', scheduledPurgeDate: props.scheduledPurgeDate ?? 'unknown', recover: recoverCommand(vault) };
  }
  await rest.post(`${at}/purge`, apiVersions.keyVault);
  return { vault, action: 'purged' };
}

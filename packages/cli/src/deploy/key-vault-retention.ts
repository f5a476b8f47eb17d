// After a destroy, the deployment's Key Vault sits soft-deleted. As the environment's profile says:
// without purge protection (test, stg) it is purged so a redeploy can reuse the name; with purge
// protection (prod) it stays until its scheduled purge date; recover it before a redeploy of the same name.
// REST: specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json
// (Vaults_GetDeleted, Vaults_PurgeDeleted — long-running).
import type { ArmClients } from '../arm/clients.ts';
import { armRest } from '../bootstrap/arm-rest.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import type { KeyVaultRetention } from '../report/model.ts';

/** The Key Vault API version bicep/modules/security uses. */
export const keyVaultApiVersion = '2025-05-01';

export type VaultRetention = { vault: string; action: 'none' } | KeyVaultRetention;

/** What brings a retained vault back before a redeploy of the same name (the template does not set createMode recover). */
export function recoverCommand(vault: string): string {
  return `az keyvault recover --name ${vault}`;
}

export async function settleDeletedKeyVault(clients: ArmClients, resolved: ResolvedDeployment, options: { pollIntervalMs?: number } = {}): Promise<VaultRetention> {
  const vault = resolved.names.keyVault;
  const rest = armRest(clients, clients.endpoint ?? 'https://management.azure.com', options);
  const at = `/subscriptions/${clients.subscriptionId}/providers/Microsoft.KeyVault/locations/${resolved.location}/deletedVaults/${vault}`;
  const deleted = await rest.get(at, keyVaultApiVersion);
  if (deleted === undefined) return { vault, action: 'none' };
  const props = (deleted['properties'] ?? {}) as { purgeProtectionEnabled?: boolean; scheduledPurgeDate?: string };
  if (resolved.settings.keyVault.purgeProtection || props.purgeProtectionEnabled === true) {
    return { vault, action: 'retained', scheduledPurgeDate: props.scheduledPurgeDate ?? 'unknown', recover: recoverCommand(vault) };
  }
  await rest.post(`${at}/purge`, keyVaultApiVersion);
  return { vault, action: 'purged' };
}

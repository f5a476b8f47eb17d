// Key Vault RBAC for the emulator's data plane (EmulatorOptions.keyVaultRbac; off by default): on a
// vault with enableRbacAuthorization, a caller needs a role assignment at the vault or above (its
// resource group, the subscription) whose role allows the data action (authorization/engine.ts, the
// built-ins' published dataActions): Key Vault Secrets User reads (getSecret), Key Vault Secrets
// Officer and Key Vault Administrator also set. Owner and Contributor have no dataActions, so they
// cannot read secrets (as in Azure). Anything else is Key Vault's 403 Forbidden / ForbiddenByRbac.
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { allows } from './authorization/engine.ts';
import { asObject } from './http.ts';
import type { StoredResource } from './state.ts';

export type SecretAction = 'read' | 'write';

/** Built-in role definition ids (the same in every tenant). */
export const keyVaultRoles = {
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  administrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
} as const;

const dataAction: Record<SecretAction, string> = {
  read: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  write: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
};

/** Whether the principal holds the data action at the vault's scope or above (the same RBAC engine as ARM's actions). */
export function allowed(ctx: Context, vault: StoredResource, principalId: string, action: SecretAction): boolean {
  return allows(ctx, principalId, dataAction[action], vault.id, { data: true });
}

export function authorize(ctx: Context, vault: StoredResource, principalId: string, action: SecretAction): void {
  if (ctx.options.keyVaultRbac !== true || asObject(vault.body.properties)?.enableRbacAuthorization !== true) return;
  if (allowed(ctx, vault, principalId, action)) return;
  throw new ArmError(
    403,
    'Forbidden',
    `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: oid=${principalId}\r\nAction: '${dataAction[action]}'\r\nResource: '${vault.id.toLowerCase()}'\r\nAssignment: (not found)\r\nVault: ${vault.name}`,
    { innererror: { code: 'ForbiddenByRbac' } } as Record<string, unknown>,
  );
}

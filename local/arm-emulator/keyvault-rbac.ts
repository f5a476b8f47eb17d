// Key Vault RBAC for the emulator's data plane (EmulatorOptions.keyVaultRbac; off by default): on a
// vault with enableRbacAuthorization, a caller needs a role assignment at the vault or above (its
// resource group, the subscription) with a role that allows the action — Key Vault Secrets User
// reads (get, list), Key Vault Secrets Officer and Key Vault Administrator also write, delete,
// recover and purge. Anything else is Key Vault's 403 Forbidden / ForbiddenByRbac.
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { asObject } from './http.ts';
import { isWithin, key } from './ids.ts';
import { resolveExpression } from './outputs.ts';
import type { StoredResource } from './state.ts';

export type SecretAction = 'read' | 'write';

/** Built-in role definition ids (the same in every tenant). */
export const keyVaultRoles = {
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  administrator: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
} as const;

const allowedRoles: Record<SecretAction, readonly string[]> = {
  read: [keyVaultRoles.secretsUser, keyVaultRoles.secretsOfficer, keyVaultRoles.administrator],
  write: [keyVaultRoles.secretsOfficer, keyVaultRoles.administrator],
};

const dataAction: Record<SecretAction, string> = {
  read: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
  write: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
};

function valueOf(ctx: Context, v: unknown): unknown {
  return typeof v === 'string' ? resolveExpression(v, (id) => ctx.store.data.resources[key(id)]).value : v;
}

/** Whether the principal holds a role allowing the action at the vault's scope or above. */
export function allowed(ctx: Context, vault: StoredResource, principalId: string, action: SecretAction): boolean {
  const marker = '/providers/microsoft.authorization/roleassignments/';
  return Object.values(ctx.store.data.resources).some((r) => {
    if (r.type.toLowerCase() !== 'microsoft.authorization/roleassignments') return false;
    const at = r.id.toLowerCase().lastIndexOf(marker);
    const scope = at < 0 ? '' : r.id.slice(0, at);
    if (scope === '' || !isWithin(vault.id, scope)) return false;
    const p = asObject(r.body.properties) ?? {};
    const principal = valueOf(ctx, p.principalId);
    const role = String(valueOf(ctx, p.roleDefinitionId) ?? '').toLowerCase();
    return typeof principal === 'string' && principal.toLowerCase() === principalId.toLowerCase() && allowedRoles[action].some((id) => role.endsWith(`/${id}`));
  });
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

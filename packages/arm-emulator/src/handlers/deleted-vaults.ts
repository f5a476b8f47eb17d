// Soft-deleted Key Vaults (specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json:
// Vaults_GetDeleted, Vaults_ListDeleted, Vaults_PurgeDeleted). Deleting a vault keeps a deleted-vault record
// for softDeleteRetentionInDays (default 90); purge is long-running (202 + Location/Azure-AsyncOperation) and
// refused while purge protection is on (ARM: 409 InvalidOperation "Operation 'DeletedVaultPurge' is not allowed.").
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, reply, type Reply, type Request } from '../http.ts';
import { requireApiVersion } from '../api-version.ts';
import { asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import type { StoredResource } from '../state.ts';
import { checkSubscription } from './subscriptions.ts';

const vaultType = 'microsoft.keyvault/vaults';
const dayMs = 24 * 60 * 60 * 1000;
const recordKey = (sub: string, name: string): string => `${sub}/${name}`.toLowerCase();

/** Called for every deleted resource: a vault leaves a deleted-vault record behind. */
export function recordDeletedVault(ctx: Context, r: StoredResource): void {
  if (r.type.toLowerCase() !== vaultType) return;
  const sub = r.id.split('/')[2] ?? '';
  const properties = asObject(r.body.properties) ?? {};
  const location = String(r.body.location ?? '');
  const retentionDays = typeof properties.softDeleteRetentionInDays === 'number' ? properties.softDeleteRetentionInDays : 90;
  const deleted = new Date();
  ctx.store.data.deletedVaults[recordKey(sub, r.name)] = {
    id: `/subscriptions/${sub}/providers/Microsoft.KeyVault/locations/${location}/deletedVaults/${r.name}`,
    name: r.name,
    type: 'Microsoft.KeyVault/deletedVaults',
    properties: {
      vaultId: r.id,
      location,
      deletionDate: deleted.toISOString(),
      scheduledPurgeDate: new Date(deleted.getTime() + retentionDays * dayMs).toISOString(),
      purgeProtectionEnabled: properties.enablePurgeProtection === true,
      tags: asObject(r.body.tags) ?? {},
    },
  };
}

/** The deleted-vault record of a name, if any (a PUT of the same name must recover or fail). */
export const deletedVaultOf = (ctx: Context, sub: string, name: string): Record<string, unknown> | undefined => ctx.store.data.deletedVaults[recordKey(sub, name)];

function findInLocation(ctx: Context, sub: string, location: string, name: string): Record<string, unknown> {
  const record = deletedVaultOf(ctx, sub, name);
  const at = String(asObject(record?.properties)?.location ?? '').toLowerCase();
  if (record === undefined || at !== location.toLowerCase()) {
    throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.KeyVault/deletedVaults/${name}' under resource group '<null>' was not found.`);
  }
  return record;
}

export function getDeletedVault(ctx: Context, req: Request, sub: string, location: string, name: string): Reply {
  requireApiVersion(req);
  checkSubscription(ctx, sub);
  return reply(200, findInLocation(ctx, sub, location, name));
}

export function listDeletedVaults(ctx: Context, req: Request, sub: string): Reply {
  requireApiVersion(req);
  checkSubscription(ctx, sub);
  const prefix = `${sub}/`.toLowerCase();
  const value = Object.entries(ctx.store.data.deletedVaults).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  return reply(200, { value });
}

export function purgeDeletedVault(ctx: Context, req: Request, sub: string, location: string, name: string): Reply {
  const apiVersion = requireApiVersion(req);
  checkSubscription(ctx, sub);
  const record = findInLocation(ctx, sub, location, name);
  if (asObject(record.properties)?.purgeProtectionEnabled === true) {
    throw new ArmError(409, 'InvalidOperation', "Operation 'DeletedVaultPurge' is not allowed.");
  }
  const op = startOperation(ctx, 'vaultPurge', String(record.id), { sub, name }, 0);
  ctx.store.save();
  return reply(202, undefined, { ...locationHeaders(req.origin, sub, op, apiVersion), ...asyncOperationHeaders(req.origin, sub, op, apiVersion) });
}

registerFinisher('vaultPurge', (ctx, op) => {
  const { sub, name } = op.payload as { sub: string; name: string };
  delete ctx.store.data.deletedVaults[recordKey(sub, name)];
});

/** A new vault whose name is soft-deleted: ARM refuses it (409 ConflictError) unless createMode is 'recover'. */
export function claimDeletedVault(ctx: Context, sub: string, type: string, name: string, declared: Record<string, unknown>): void {
  if (type.toLowerCase() !== vaultType || deletedVaultOf(ctx, sub, name) === undefined) return;
  if (asObject(declared.properties)?.createMode === 'recover') {
    delete ctx.store.data.deletedVaults[recordKey(sub, name)];
    return;
  }
  throw new ArmError(409, 'ConflictError', 'A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault.');
}

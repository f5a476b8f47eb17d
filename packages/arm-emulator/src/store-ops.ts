// Writing and deleting resources in the state (shared by direct PUTs, stacks and deployments).
import type { Context } from './context.ts';
import { materialise, type Declared } from './fill.ts';
import { isWithin, key, parseResourceId, resourceGroupId } from './ids.ts';
import type { StoredResource } from './state.ts';
import { recordDeletedVault } from './handlers/deleted-vaults.ts';
import { onKeyVaultResourceDeleted, onKeyVaultResourcePut } from './keyvault-store.ts';
import { withoutWriteOnly } from './write-only.ts';
import { managedGroupsOf } from './managed-groups.ts';

export const getResource = (ctx: Context, id: string): StoredResource | undefined => ctx.store.data.resources[key(id)];

export function putResource(ctx: Context, d: Declared): { stored: StoredResource; created: boolean } {
  const existing = getResource(ctx, d.id);
  const created = existing === undefined;
  const stored = materialise(d, ctx.tenantId);
  keepPrivateEndpointConnections(existing, stored);
  onKeyVaultResourcePut(ctx, stored);
  stored.body = withoutWriteOnly(stored.type, stored.body);
  ctx.store.data.resources[key(d.id)] = stored;
  return { stored, created };
}

/** Deletes a resource and everything below it (a resource group's resources, a parent's children). */
export function deleteResourceTree(ctx: Context, id: string): string[] {
  const deleted: StoredResource[] = [];
  for (const [k, r] of Object.entries(ctx.store.data.resources)) {
    if (isWithin(r.id, id)) {
      delete ctx.store.data.resources[k];
      recordDeletedVault(ctx, r);
      onKeyVaultResourceDeleted(ctx, r);
      deleted.push(r);
    }
  }
  // Azure deletes the groups it created for a deleted resource (a Container Apps environment's infrastructure group).
  const owned = managedGroupsOf(ctx, deleted).flatMap((group) => deleteResourceTree(ctx, group));
  return [...deleted.map((r) => r.id), ...owned];
}

/** The resource group a resource id lives in, when that group does not exist (ARM: ResourceGroupNotFound). */
export function missingResourceGroup(ctx: Context, id: string): string | undefined {
  const parsed = parseResourceId(id);
  if (parsed?.resourceGroup === undefined) return undefined;
  return getResource(ctx, resourceGroupId(parsed.subscriptionId, parsed.resourceGroup)) === undefined ? parsed.resourceGroup : undefined;
}

/** A resource group is stored like any other resource. */
export const isResourceGroupType = (type: string): boolean => type.toLowerCase() === 'microsoft.resources/resourcegroups';

/** A private link target keeps its endpoints' connections across its own updates (they belong to the endpoints). */
function keepPrivateEndpointConnections(before: StoredResource | undefined, after: StoredResource): void {
  const kept = (before?.body.properties as Record<string, unknown> | undefined)?.privateEndpointConnections;
  const props = after.body.properties as Record<string, unknown> | undefined;
  if (kept === undefined || props === undefined || props.privateEndpointConnections !== undefined) return;
  props.privateEndpointConnections = kept;
}

// A stack deletes the resources it unmanages with actionOnUnmanage 'delete' on the caller's behalf
// (a stack PUT that drops them, a stack DELETE with unmanageAction 'delete'): the caller needs their
// delete actions. Azure's docs do not say at which point a missing one is refused; the emulator is
// strict and refuses the request itself (403 AuthorizationFailed naming the action and resource)
// before anything is deleted.
import { actionsForDelete } from '@complianceflow/core/arm/required-actions.ts';
import type { Context } from '../context.ts';
import { isResourceGroupType } from '../store-ops.ts';
import { authorize } from './engine.ts';

export function authorizeUnmanagedDeletes(ctx: Context, principalId: string, ids: readonly string[], action: { resources?: unknown; resourceGroups?: unknown }): void {
  for (const id of ids) {
    const stored = ctx.store.data.resources[id.toLowerCase()];
    if (stored === undefined) continue;
    if ((isResourceGroupType(stored.type) ? action.resourceGroups : action.resources) !== 'delete') continue;
    for (const a of actionsForDelete(stored.id, stored.type)) authorize(ctx, principalId, a.action, a.scope);
  }
}

// Where no stack what-if is available, the deployment what-if does not know about the stack: a
// resource the stack manages but the plan no longer contains is absent from the result (or shows
// as Ignore). This adds those as delete or detach, as the stack's actionOnUnmanage says.
import { splitResourceId, sortChanges } from './normalise.ts';
import { summarise, type ResourceChange, type WhatIfModel } from './model.ts';

export interface UnmanageAction {
  /** actionOnUnmanage.resources */
  resources: 'delete' | 'detach';
  /** actionOnUnmanage.resourceGroups (default: as resources) */
  resourceGroups?: 'delete' | 'detach';
}

const resourceGroupId = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;

/**
 * The model plus a delete/detach change for every id in `managedResourceIds` (the stack's
 * `properties.resources[].id`) that the what-if does not plan to keep.
 */
export function withStackRemovals(model: WhatIfModel, managedResourceIds: readonly string[], action: UnmanageAction): WhatIfModel {
  const planned = new Map(model.changes.map((c) => [c.resourceId.toLowerCase(), c]));
  const kept = model.changes.filter((c) => c.kind !== 'ignore' || !managedResourceIds.some((id) => id.toLowerCase() === c.resourceId.toLowerCase()));
  const removals: ResourceChange[] = [];
  for (const id of new Set(managedResourceIds)) {
    const existing = planned.get(id.toLowerCase());
    if (existing !== undefined && existing.kind !== 'ignore') continue;
    const kind = resourceGroupId.test(id) ? (action.resourceGroups ?? action.resources) : action.resources;
    const { scope, displayName, type } = splitResourceId(id);
    removals.push({
      resourceId: id,
      scope,
      type,
      displayName,
      apiVersion: existing?.apiVersion,
      kind,
      potential: false,
      delta: [],
      properties: undefined,
      suppressed: 0,
    });
  }
  const changes = sortChanges([...kept, ...removals]);
  return { ...model, changes, summary: summarise(changes) };
}

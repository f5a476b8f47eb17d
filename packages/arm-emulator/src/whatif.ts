// What-if: the expanded template against what the emulator holds.
// Deployment what-if (deployments.json 2025-04-01 #/definitions/WhatIfChange): changeType
// Create | Delete | Ignore | Deploy | NoChange | Modify | Unsupported, capitalised.
// Stack what-if (deploymentStacks.json 2025-07-01 #/definitions/DeploymentStacksWhatIfResourceChange):
// changeType create | delete | detach | modify | noChange | unsupported, camelCase.
import type { Context } from './context.ts';
import { propertyDelta, toStackDelta } from './diff.ts';
import type { Declared } from './fill.ts';
import { isWithin, key, parseResourceId, resourceGroupId } from './ids.ts';
import type { Plan } from './plan.ts';
import { getResource, isResourceGroupType } from './store-ops.ts';
import type { StoredResource } from './state.ts';
import { withoutWriteOnly } from './write-only.ts';

const view = (r: { id: string; type: string; name: string; apiVersion: string; declared: Record<string, unknown> }): Record<string, unknown> => ({
  apiVersion: r.apiVersion,
  id: r.id,
  type: r.type,
  name: r.name,
  ...withoutWriteOnly(r.type, r.declared),
});
const comparable = (r: { type: string; declared: Record<string, unknown> }): Record<string, unknown> => withoutWriteOnly(r.type, r.declared);
const heldView = (r: StoredResource): Record<string, unknown> => view(r);

export function deploymentWhatIf(ctx: Context, plan: Plan): Record<string, unknown>[] {
  const changes: Record<string, unknown>[] = [];
  const planned = new Set(plan.resources.map((r) => key(r.id)));
  for (const r of plan.resources) changes.push(changeFor(ctx, r));
  // Incremental mode: what the template does not mention inside the groups it deploys to is left alone.
  const groups = new Set<string>();
  for (const r of plan.resources) {
    const rid = parseResourceId(r.id);
    if (rid?.resourceGroup !== undefined) groups.add(key(resourceGroupId(rid.subscriptionId, rid.resourceGroup)));
    if (isResourceGroupType(r.type)) groups.add(key(r.id));
  }
  for (const held of Object.values(ctx.store.data.resources)) {
    if (planned.has(key(held.id)) || isResourceGroupType(held.type)) continue;
    if ([...groups].some((g) => isWithin(held.id, g))) changes.push({ resourceId: held.id, changeType: 'Ignore', before: heldView(held) });
  }
  return changes;
}

function changeFor(ctx: Context, r: Declared): Record<string, unknown> {
  const held = getResource(ctx, r.id);
  const after = view(r);
  if (held === undefined) return { resourceId: r.id, changeType: 'Create', after };
  const delta = propertyDelta(comparable(held), comparable(r));
  const before = heldView(held);
  if (delta.length === 0) return { resourceId: r.id, changeType: 'NoChange', before, after };
  return { resourceId: r.id, changeType: 'Modify', before, after, delta };
}

export interface StackWhatIfInput {
  plan: Plan;
  /** Ids the stack manages today (empty for a new stack). */
  managed: string[];
  actionOnUnmanage: { resources: string; resourceGroups: string };
  denyBefore?: Record<string, unknown>;
  denyAfter: Record<string, unknown>;
}

export function stackWhatIf(ctx: Context, input: StackWhatIfInput): Record<string, unknown> {
  const managed = new Set(input.managed.map(key));
  const resourceChanges: Record<string, unknown>[] = [];
  const planned = new Set<string>();
  for (const r of input.plan.resources) {
    planned.add(key(r.id));
    const held = getResource(ctx, r.id);
    const managementStatusChange = { before: managed.has(key(r.id)) ? 'managed' : 'notManaged', after: 'managed' };
    if (held === undefined) {
      resourceChanges.push({ id: r.id, changeType: 'create', changeCertainty: 'definite', managementStatusChange, resourceConfigurationChanges: { after: view(r) } });
      continue;
    }
    const delta = toStackDelta(propertyDelta(comparable(held), comparable(r)));
    const resourceConfigurationChanges = { before: heldView(held), after: view(r), ...(delta.length > 0 ? { delta } : {}) };
    resourceChanges.push({ id: r.id, changeType: delta.length > 0 ? 'modify' : 'noChange', changeCertainty: 'definite', managementStatusChange, resourceConfigurationChanges });
  }
  for (const id of input.managed) {
    if (planned.has(key(id))) continue;
    const held = getResource(ctx, id);
    const group = isResourceGroupType(held?.type ?? '') || /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id);
    const action = group ? input.actionOnUnmanage.resourceGroups : input.actionOnUnmanage.resources;
    resourceChanges.push({
      id,
      changeType: action === 'delete' ? 'delete' : 'detach',
      changeCertainty: 'definite',
      managementStatusChange: { before: 'managed', after: action === 'delete' ? 'managed' : 'notManaged' },
      ...(held === undefined ? {} : { resourceConfigurationChanges: { before: heldView(held) } }),
    });
  }
  // ARM names deny-settings delta paths in PascalCase and leaves out empty lists.
  const denyDelta = toStackDelta(propertyDelta(input.denyBefore ?? {}, input.denyAfter))
    .filter((c) => !(c.changeType === 'create' && Array.isArray(c.after) && c.after.length === 0))
    .map((c) => ({ ...c, path: c.path.charAt(0).toUpperCase() + c.path.slice(1) }));
  return {
    resourceChanges,
    denySettingsChange: { ...(input.denyBefore === undefined ? {} : { before: input.denyBefore }), after: input.denyAfter, ...(denyDelta.length > 0 ? { delta: denyDelta } : {}) },
  };
}

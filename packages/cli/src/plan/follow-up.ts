// The follow-up deploy's shape as a difference from the first deploy's: the resources that only
// exist, or differ, once the stack's outputs are fed back (config/fed-back.ts), and the ids of any
// that would go. Golden snapshots store it this way, so the file shows exactly what the second
// deploy adds; applyFollowUp rebuilds the whole resource list of that deploy.
import { normalizeResources, resourceKey, type Resource } from './resources.ts';

export interface FollowUpDelta {
  /** Resources of the follow-up shape that the first shape lacks or has differently (follow-up version). */
  resources: Resource[];
  /** Ids of first-shape resources the follow-up shape no longer has. */
  removed: string[];
}

const byKey = (resources: readonly Resource[]): Map<string, Resource> => new Map(resources.map((r) => [resourceKey(r).toLowerCase(), r]));

export function followUpDelta(first: readonly Resource[], followUp: readonly Resource[]): FollowUpDelta {
  const before = byKey(first);
  const after = byKey(followUp);
  const resources = followUp.filter((r) => {
    const previous = before.get(resourceKey(r).toLowerCase());
    return previous === undefined || JSON.stringify(previous) !== JSON.stringify(r);
  });
  const removed = first.filter((r) => !after.has(resourceKey(r).toLowerCase())).map(resourceKey);
  return { resources, removed };
}

/** The follow-up shape's whole resource list: the first shape with the delta applied (sorted as a plan is). */
export function applyFollowUp(first: readonly Resource[], delta: FollowUpDelta): Resource[] {
  const removed = new Set(delta.removed.map((id) => id.toLowerCase()));
  const replaced = byKey(delta.resources);
  const kept = first.filter((r) => !removed.has(resourceKey(r).toLowerCase()) && !replaced.has(resourceKey(r).toLowerCase()));
  return normalizeResources([...kept, ...delta.resources]);
}

// One reconcile loop for every ARM resource bootstrap manages: read (GET), compare with the desired
// state, PUT only what differs (nothing with --dry-run). Against the emulator, a type it does not
// serve is reported as skipped, never as done.
import { providerId, typeOfId } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import type { ArmResources } from '../arm/resources-by-id.ts';
import { differences } from './compare.ts';
import type { DesiredResource } from './desired.ts';

export type ItemAction = 'create' | 'update' | 'delete' | 'unchanged' | 'skipped';

export interface ItemResult {
  label: string;
  action: ItemAction;
  /** Changed fields (update), or why it was skipped. */
  detail?: string;
  /** Words for a create that is not a creation, e.g. registering a provider. */
  verbs?: { done: string; planned: string };
}

export interface StepContext {
  rest: ArmResources;
  dryRun: boolean;
  emulator: boolean;
}

const providerCache = new WeakMap<ArmResources, Map<string, Promise<Record<string, unknown> | undefined>>>();

/** The provider document (registration state, resource types), undefined when ARM does not know the namespace. */
export function readProvider(rest: ArmResources, namespace: string): Promise<Record<string, unknown> | undefined> {
  let cache = providerCache.get(rest);
  if (cache === undefined) providerCache.set(rest, (cache = new Map()));
  const key = namespace.toLowerCase();
  if (!cache.has(key)) {
    cache.set(
      key,
      rest.get(providerId(rest.subscriptionId, namespace), apiVersions.providers).catch((error: { code?: string }) => {
        if (error.code === 'InvalidResourceNamespace') return undefined;
        throw error;
      }),
    );
  }
  return cache.get(key)!;
}

export function forgetProviders(rest: ArmResources): void {
  providerCache.delete(rest);
}

/** Whether the endpoint serves a resource type (asked of the emulator only: Azure serves them all). */
async function typeServed(ctx: StepContext, type: string): Promise<boolean> {
  if (!ctx.emulator) return true;
  const [namespace, ...rest] = type.split('/');
  const provider = await readProvider(ctx.rest, namespace!);
  const types = (provider?.['resourceTypes'] as { resourceType?: string }[] | undefined) ?? [];
  const wanted = rest.join('/').toLowerCase();
  return types.some((t) => t.resourceType?.toLowerCase() === wanted);
}

export async function reconcile(ctx: StepContext, desired: readonly DesiredResource[]): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const resource of desired) {
    const type = typeOfId(resource.id);
    if (type === undefined) throw new Error(`bootstrap: ${resource.id} (${resource.label}) is not a resource id`);
    if (!(await typeServed(ctx, type))) {
      results.push({ label: resource.label, action: 'skipped', detail: `${type} is not emulated` });
      continue;
    }
    const current = await ctx.rest.get(resource.id, resource.apiVersion);
    const body = current !== undefined && resource.keepFromExisting !== undefined ? resource.keepFromExisting(current, resource.body) : resource.body;
    if (current === undefined) {
      if (!ctx.dryRun) await ctx.rest.put(resource.id, resource.apiVersion, body);
      results.push({ label: resource.label, action: 'create' });
      continue;
    }
    const changed = differences(body, current);
    if (changed.length === 0) {
      results.push({ label: resource.label, action: 'unchanged' });
      continue;
    }
    if (!ctx.dryRun) await ctx.rest.put(resource.id, resource.apiVersion, body);
    results.push({ label: resource.label, action: 'update', detail: changed.join(', ') });
  }
  return results;
}

const pastTense: Record<ItemAction, string> = { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'unchanged', skipped: 'skipped' };
const conditional: Record<ItemAction, string> = { create: 'would create', update: 'would update', delete: 'would delete', unchanged: 'unchanged', skipped: 'skipped' };

/** e.g. "2 created, 3 unchanged" / "would create 2" / "9 registered" / "unchanged". */
export function stepStatus(items: readonly ItemResult[], dryRun: boolean): string {
  if (items.length === 0) return 'nothing to do';
  if (items.every((i) => i.action === 'unchanged')) return 'unchanged';
  const order: ItemAction[] = ['create', 'update', 'delete', 'unchanged', 'skipped'];
  const counts = new Map<string, number>();
  for (const action of order) {
    for (const item of items.filter((i) => i.action === action)) {
      const word = wordFor(item, dryRun);
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts].map(([word, n]) => (word.startsWith('would ') ? `${word} ${n}` : `${n} ${word}`)).join(', ');
}

function wordFor(item: ItemResult, dryRun: boolean): string {
  if (item.verbs !== undefined && item.action === 'create') return dryRun ? item.verbs.planned : item.verbs.done;
  return (dryRun ? conditional : pastTense)[item.action];
}

export function itemLine(item: ItemResult, dryRun: boolean): string {
  const symbol = { create: '+', update: '~', delete: '-', unchanged: '=', skipped: '!' }[item.action];
  return `${symbol} ${item.label}: ${wordFor(item, dryRun)}${item.detail === undefined ? '' : ` (${item.detail})`}`;
}

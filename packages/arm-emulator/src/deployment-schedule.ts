// When each resource of a deployment runs, as ARM's deployment operations show it: a resource starts
// once its parent (or scope) resource has finished and its module has started — a module once the
// modules in its dependsOn have finished — and takes its type's latency (context.ts latencyFor).
// Pure: the times are offsets from the deployment's start.
import type { ArmErrorBody } from './errors.ts';
import type { Declared } from './fill.ts';
import { deploymentType, modulesOf, ownTypes, placeResources, type Module } from './nested-deployments.ts';
import { parseResourceId } from './ids.ts';
import type { LiveDeployment, ScheduledOperation } from './state.ts';

export type { LiveDeployment, ScheduledOperation } from './state.ts';

export interface Schedule {
  root: LiveDeployment;
  /** One per module, its operation in the root (type Microsoft.Resources/deployments) names its id. */
  nested: LiveDeployment[];
  totalMs: number;
}

export interface ScheduleInput {
  rootId: string;
  subscriptionId: string;
  template: Record<string, unknown>;
  parameters: unknown;
  resources: readonly Declared[];
  startedAt: number;
  latency(type: string): number;
  /** The error a resource fails with, when it is known to fail before it is written. */
  failure(resource: Declared): ArmErrorBody | undefined;
}

/** ARM's error of a deployment with a failed operation (deployments.json, DeploymentFailed). */
export const deploymentFailed = (details: ArmErrorBody[]): ArmErrorBody => ({
  code: 'DeploymentFailed',
  message: 'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
  details,
});

function parentOf(id: string, ids: ReadonlyMap<string, number>): number | undefined {
  let best: number | undefined;
  let bestLength = 0;
  const lower = id.toLowerCase();
  for (const [candidate, index] of ids) {
    if (candidate.length > bestLength && candidate.length < lower.length && lower.startsWith(`${candidate}/`)) {
      best = index;
      bestLength = candidate.length;
    }
  }
  return best;
}

interface Timing {
  moduleStart: (number | undefined)[];
  moduleEnd: (number | undefined)[];
  start: (number | undefined)[];
  end: (number | undefined)[];
}

/** Fills in start and end times until nothing changes (bounded: every pass settles at least one, or stops). */
function settleTimes(modules: readonly Module[], placed: readonly number[], input: ScheduleInput): Timing {
  const n = input.resources.length;
  const t: Timing = { moduleStart: modules.map(() => undefined), moduleEnd: modules.map(() => undefined), start: Array(n).fill(undefined), end: Array(n).fill(undefined) };
  const ids = new Map(input.resources.map((r, i) => [r.id.toLowerCase(), i]));
  const parents = input.resources.map((r) => parentOf(r.id, ids));
  const symbols = new Map(modules.map((m, i) => [m.symbol, i]));
  for (let pass = 0; pass <= n + modules.length; pass++) {
    let changed = false;
    modules.forEach((m, mi) => {
      const deps = m.dependsOn.map((d) => symbols.get(d)).filter((d): d is number => d !== undefined && d !== mi);
      if (t.moduleStart[mi] === undefined && deps.every((d) => t.moduleEnd[d] !== undefined)) {
        t.moduleStart[mi] = Math.max(0, ...deps.map((d) => t.moduleEnd[d]!));
        changed = true;
      }
      const own = placed.flatMap((p, i) => (p === mi ? [i] : []));
      if (t.moduleEnd[mi] === undefined && t.moduleStart[mi] !== undefined && own.every((i) => t.end[i] !== undefined)) {
        t.moduleEnd[mi] = Math.max(t.moduleStart[mi]!, ...own.map((i) => t.end[i]!));
        changed = true;
      }
    });
    input.resources.forEach((r, i) => {
      const moduleStart = placed[i] === -1 ? 0 : t.moduleStart[placed[i]!];
      const parent = parents[i];
      const parentEnd = parent === undefined ? 0 : t.end[parent];
      if (t.end[i] !== undefined || moduleStart === undefined || parentEnd === undefined) return;
      t.start[i] = Math.max(moduleStart, parentEnd);
      t.end[i] = t.start[i]! + input.latency(r.type);
      changed = true;
    });
    if (!changed) break;
  }
  return t;
}

function nestedId(input: ScheduleInput, module: Module, resources: readonly Declared[]): string {
  const group = module.resourceGroup ?? resources.map((r) => parseResourceId(r.id)?.resourceGroup).find((g) => g !== undefined);
  const scope = group === undefined ? `/subscriptions/${input.subscriptionId}` : `/subscriptions/${input.subscriptionId}/resourceGroups/${group}`;
  return `${scope}/providers/${deploymentType}/${module.name}`;
}

export function scheduleDeployment(input: ScheduleInput): Schedule {
  const modules = modulesOf(input.template, input.parameters);
  const placed = placeResources(modules, ownTypes(input.template), input.resources);
  const t = settleTimes(modules, placed, input);
  const scheduled = input.resources.map((r, i): ScheduledOperation => {
    const error = input.failure(r);
    // A resource whose place in the order cannot be settled runs from the start.
    const startMs = t.start[i] ?? 0;
    return { resourceId: r.id, type: r.type, name: r.name, startMs, endMs: t.end[i] ?? startMs + input.latency(r.type), ...(error === undefined ? {} : { error }) };
  });
  const root: LiveDeployment = { id: input.rootId, startedAt: input.startedAt, operations: scheduled.filter((_, i) => placed[i] === -1) };
  const nested = modules.flatMap((m, mi): LiveDeployment[] => {
    const own = scheduled.filter((_, i) => placed[i] === mi);
    if (own.length === 0) return [];
    const id = nestedId(input, m, input.resources.filter((_, i) => placed[i] === mi));
    const failed = own.flatMap((o) => (o.error === undefined ? [] : [{ ...o.error, target: o.resourceId }]));
    // A module whose dependsOn names a resource, not a module, starts when its first resource can.
    const startMs = Math.max(t.moduleStart[mi] ?? 0, Math.min(...own.map((o) => o.startMs)));
    const endMs = Math.max(startMs, ...own.map((o) => o.endMs));
    root.operations.push({ resourceId: id, type: deploymentType, name: m.name, startMs, endMs, ...(failed.length === 0 ? {} : { error: deploymentFailed(failed) }) });
    return [{ id, startedAt: input.startedAt, operations: own }];
  });
  root.nested = nested.map((d) => d.id);
  const totalMs = Math.max(0, ...root.operations.map((o) => o.endMs));
  return { root, nested, totalMs };
}

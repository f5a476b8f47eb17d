// Snapshot assertions' helper: plans the given deployments from the current Bicep through the plan API
// (one Bicep jsonrpc process for all of them, no plan stages), then finds resources and reads properties.
// Each test file builds its snapshots once, in a `before` hook.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import type { ResolvedDeployment } from '@complianceflow/cli/config/registry.ts';
import { planDeployments, placeholderId } from '@complianceflow/cli/plan/pipeline.ts';
import type { Resource as PlanResource } from '@complianceflow/cli/plan/resources.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';

/** A predicted resource as the snapshot has it (ARM-shaped). */
export type Resource = PlanResource & {
  id: string;
  type: string;
  name: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: Record<string, any>;
  properties?: Record<string, any>;
};

export interface DeploymentSnapshot {
  deployment: string;
  environment: string;
  location: string;
  /** The main.bicep parameters the plan built (names, profile sections, catalog, ...). */
  parameters: Record<string, any>;
  resolved: ResolvedDeployment;
  resources: Resource[];
}

export const subscriptionId = placeholderId;

/** Plans the deployments ('all' for every one of the registry) with one Bicep process; keyed by name. */
export async function buildSnapshots(names: readonly string[] | 'all'): Promise<Map<string, DeploymentSnapshot>> {
  const targets = resolveTargets(names);
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'cf-snapshot-tests-'));
  const bicep = await openBicep();
  try {
    // The first deploy's shape only: the follow-up's is asserted on the golden snapshots (fed-back.test.ts).
    const plans = await planDeployments(targets, { bicep, cacheDir, stages: [], followUp: false });
    const out = new Map<string, DeploymentSnapshot>();
    plans.forEach((plan, i) => {
      const target = targets[i]!;
      out.set(plan.deployment, {
        deployment: plan.deployment,
        environment: target.environment,
        location: target.location,
        parameters: plan.parameters as Record<string, any>,
        resolved: target.resolved as ResolvedDeployment,
        resources: plan.resources as Resource[],
      });
    });
    return out;
  } finally {
    await bicep.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

export function ofType(snapshot: DeploymentSnapshot, type: string): Resource[] {
  return snapshot.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The one resource of a type with a name (the last segment of the name for child resources); fails naming what exists. */
export function single(snapshot: DeploymentSnapshot, type: string, name?: string): Resource {
  const candidates = ofType(snapshot, type);
  const found = name === undefined ? candidates : candidates.filter((r) => r.name === name || r.name.split('/').at(-1) === name);
  if (found.length !== 1) {
    throw new Error(`${snapshot.deployment}: expected one ${type}${name === undefined ? '' : ` named ${name}`}, found ${found.length}; ${type} names: ${candidates.map((r) => r.name).join(', ') || 'none'}`);
  }
  return found[0]!;
}

/** The child resources of a type whose id lies under `parentId`. */
export function childrenOf(snapshot: DeploymentSnapshot, parentId: string, type: string): Resource[] {
  const prefix = `${parentId}/`.toLowerCase();
  return ofType(snapshot, type).filter((r) => r.id.toLowerCase().startsWith(prefix));
}

/** The diagnostic settings applied to a resource (extension resources under its id). */
export function diagnosticSettingsOf(snapshot: DeploymentSnapshot, resourceId: string): Resource[] {
  const prefix = `${resourceId}/providers/Microsoft.Insights/diagnosticSettings/`.toLowerCase();
  return ofType(snapshot, 'Microsoft.Insights/diagnosticSettings').filter((r) => r.id.toLowerCase().startsWith(prefix));
}

/** The value at a dotted path ("properties.network.publicNetworkAccess"); undefined when any step is missing. */
export function prop(resource: unknown, dotted: string): any {
  let value: any = resource;
  for (const key of dotted.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[key];
  }
  return value;
}

/** The resources whose properties mention `id` anywhere (e.g. alerts scoped to a server). */
export function referencing(snapshot: DeploymentSnapshot, type: string, id: string): Resource[] {
  const needle = id.toLowerCase();
  return ofType(snapshot, type).filter((r) => JSON.stringify(r.properties ?? {}).toLowerCase().includes(needle));
}

/** Whether a value is an ARM expression the engine left for deploy time ("[reference(...)]"). */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('[') && value.endsWith(']') && !value.startsWith('[[');
}

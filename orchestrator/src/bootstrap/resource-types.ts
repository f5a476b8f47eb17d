// What the deployments create, in both shapes a deployment takes: the first deploy (the committed
// golden snapshots, deployments/snapshots/<d>.json, or an offline plan where there is none) and every
// later deploy, which feeds the stack's outputs back (containerAppsDefaultDomain: the Container Apps
// environment's private DNS zone and its `*`/`@` A records exist only from then on). The follow-up
// shape is planned offline with the real Bicep CLI and a fixed placeholder domain. Bootstrap derives
// the provider namespaces and the role coverage check from both.
import path from 'node:path';
import { openBicep } from '../bicep/index.ts';
import { readGolden } from '../plan/golden.ts';
import { defaultCacheDir, planDeployments } from '../plan/pipeline.ts';
import type { Resource } from '../plan/resources.ts';
import type { PlanTarget } from '../plan/target.ts';
import { resolveTargets } from '../plan/targets.ts';

export type Shape = 'first deploy' | 'follow-up deploy';

export interface DeploymentShape {
  deployment: string;
  shape: Shape;
  resources: Resource[];
  /** How the resources were found. */
  source: 'golden snapshot' | 'offline plan';
  /** The resolved deployment (stack settings: deny settings decide manageDenySetting/action). */
  target: PlanTarget;
}

/**
 * A default domain of the shape Azure reports (<name>.<region>.azurecontainerapps.io), fixed so the
 * follow-up plan is the same on every run. Only its presence matters to the template.
 */
export const followUpDomain = (location: string): string => `cf-follow-up-placeholder.${location}.azurecontainerapps.io`;

export function followUpTarget(target: PlanTarget): PlanTarget {
  return { ...target, parameters: { ...target.parameters, containerAppsDefaultDomain: followUpDomain(target.location) } };
}

/** Both shapes of every deployment: first deploy, then follow-up deploy, per deployment in registry order. */
export async function deploymentShapes(root?: string): Promise<DeploymentShape[]> {
  const targets = resolveTargets('all', root);
  const first = new Map<string, DeploymentShape>();
  const toPlan: { target: PlanTarget; shape: Shape }[] = [];
  for (const target of targets) {
    const golden = readGolden(target.deployment);
    if (golden === undefined) toPlan.push({ target, shape: 'first deploy' });
    else first.set(target.deployment, { deployment: target.deployment, shape: 'first deploy', resources: golden.resources, source: 'golden snapshot', target });
    toPlan.push({ target: followUpTarget(target), shape: 'follow-up deploy' });
  }
  const planned = new Map<string, DeploymentShape>();
  const bicep = await openBicep();
  try {
    for (const shape of ['first deploy', 'follow-up deploy'] as const) {
      const batch = toPlan.filter((p) => p.shape === shape);
      if (batch.length === 0) continue;
      // A cache directory of its own: the follow-up parameters must not overwrite `plan`'s files.
      const cacheDir = shape === 'first deploy' ? defaultCacheDir : path.join(defaultCacheDir, 'follow-up');
      const plans = await planDeployments(batch.map((p) => p.target), { bicep, stages: [], cacheDir });
      for (const [i, plan] of plans.entries()) {
        planned.set(`${shape}|${plan.deployment}`, { deployment: plan.deployment, shape, resources: plan.resources, source: 'offline plan', target: batch[i]!.target });
      }
    }
  } finally {
    await bicep.dispose();
  }
  return targets.flatMap((t) => [first.get(t.deployment) ?? planned.get(`first deploy|${t.deployment}`)!, planned.get(`follow-up deploy|${t.deployment}`)!]);
}

/** Every resource type of the given shapes, sorted. */
export function allTypes(shapes: readonly DeploymentShape[]): string[] {
  return [...new Set(shapes.flatMap((s) => s.resources.map((r) => String(r['type']))))].sort();
}

/** Provider namespaces to register: those of the planned types plus what bootstrap itself and the platform use. */
export const platformNamespaces = [
  'Microsoft.Insights',
  'Microsoft.Network',
  'Microsoft.Storage',
  'Microsoft.CostManagement',
  'Microsoft.Consumption',
  'Microsoft.PolicyInsights',
  'Microsoft.ManagedIdentity',
] as const;

/** Always registered in every subscription: never registered by us. */
const builtInNamespaces = new Set(['microsoft.resources', 'microsoft.authorization']);

export function namespacesToRegister(resourceTypes: Iterable<string>): string[] {
  const byLower = new Map<string, string>();
  for (const ns of [...platformNamespaces, ...[...resourceTypes].map((t) => t.split('/')[0]!)]) {
    if (!builtInNamespaces.has(ns.toLowerCase()) && !byLower.has(ns.toLowerCase())) byLower.set(ns.toLowerCase(), ns);
  }
  return [...byLower.values()].sort();
}

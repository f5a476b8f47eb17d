// What the deployments create, in both shapes a deployment takes: the first deploy and every later
// deploy, which feeds the stack's outputs back (config/fed-back.ts: the Container Apps environment's
// private DNS zone and its `*`/`@` A records exist only from then on). Both come from the committed
// golden snapshots (deployments/snapshots/<d>.json and its followUp section); a deployment without
// one is planned offline with the real Bicep CLI. Bootstrap derives the provider namespaces and the
// role coverage check from both shapes.
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { readFollowUpGolden, readGolden } from '../plan/golden.ts';
import { planDeployments } from '../plan/pipeline.ts';
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

/** Both shapes of every deployment: first deploy, then follow-up deploy, per deployment in registry order. */
export async function deploymentShapes(root?: string): Promise<DeploymentShape[]> {
  const targets = resolveTargets('all', root);
  const shapes = new Map<string, DeploymentShape[]>();
  const missing: PlanTarget[] = [];
  for (const target of targets) {
    const first = readGolden(target.deployment);
    const followUp = readFollowUpGolden(target.deployment);
    if (first === undefined || followUp === undefined) missing.push(target);
    else {
      shapes.set(target.deployment, [
        { deployment: target.deployment, shape: 'first deploy', resources: first.resources, source: 'golden snapshot', target },
        { deployment: target.deployment, shape: 'follow-up deploy', resources: followUp.resources, source: 'golden snapshot', target },
      ]);
    }
  }
  if (missing.length > 0) {
    const bicep = await openBicep();
    try {
      for (const [i, plan] of (await planDeployments(missing, { bicep, stages: [] })).entries()) {
        const target = missing[i]!;
        shapes.set(plan.deployment, [
          { deployment: plan.deployment, shape: 'first deploy', resources: plan.resources, source: 'offline plan', target },
          { deployment: plan.deployment, shape: 'follow-up deploy', resources: plan.followUp!.resources, source: 'offline plan', target },
        ]);
      }
    } finally {
      await bicep.dispose();
    }
  }
  return targets.flatMap((t) => shapes.get(t.deployment)!);
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

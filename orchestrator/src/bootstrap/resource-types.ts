// The resource types the deployments create: from the committed golden snapshots
// (deployments/snapshots/<d>.json), planned offline with the real Bicep CLI for any deployment that
// has none yet. Bootstrap derives the provider namespaces and the role coverage check from them.
import { openBicep } from '../bicep/index.ts';
import { readGolden } from '../plan/golden.ts';
import { planDeployments } from '../plan/pipeline.ts';
import { resolveTargets } from '../plan/targets.ts';

export interface DeploymentTypes {
  /** deployment → the resource types its plan creates. */
  byDeployment: Record<string, string[]>;
  /** How each deployment's types were found. */
  source: Record<string, 'golden snapshot' | 'offline plan'>;
}

function typesOf(resources: readonly { [key: string]: unknown }[]): string[] {
  return [...new Set(resources.map((r) => String(r['type'])))].sort();
}

export async function deploymentResourceTypes(root?: string): Promise<DeploymentTypes> {
  const targets = resolveTargets('all', root);
  const byDeployment: Record<string, string[]> = {};
  const source: DeploymentTypes['source'] = {};
  const missing = [];
  for (const target of targets) {
    const golden = readGolden(target.deployment);
    if (golden === undefined) missing.push(target);
    else {
      byDeployment[target.deployment] = typesOf(golden.resources);
      source[target.deployment] = 'golden snapshot';
    }
  }
  if (missing.length > 0) {
    const bicep = await openBicep();
    try {
      for (const plan of await planDeployments(missing, { bicep, stages: [] })) {
        byDeployment[plan.deployment] = typesOf(plan.resources);
        source[plan.deployment] = 'offline plan';
      }
    } finally {
      await bicep.dispose();
    }
  }
  return { byDeployment, source };
}

export function allTypes(types: DeploymentTypes): string[] {
  return [...new Set(Object.values(types.byDeployment).flat())].sort();
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

// From the deployment registry to plan targets. Everything here is validated before any file is written.
import { mainParameters } from '../config/parameters.ts';
import { loadRegistry, loadRegistryFor, resolveAll, resolveDeployment } from '../config/registry.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import type { PlanTarget } from './target.ts';

/** Loads and validates the registry and resolves the named deployments (all when `names` is 'all'). */
export function resolveTargets(names: readonly string[] | 'all', root?: string): PlanTarget[] {
  const registry = names === 'all' ? loadRegistry(root) : loadRegistryFor(names, root);
  const resolved = names === 'all' ? resolveAll(registry) : [...new Set(names)].map((name) => resolveDeployment(registry, name));
  return resolved.map((d) => ({
    deployment: d.name,
    location: d.location,
    environment: d.environment,
    parameters: mainParameters(d) as unknown as Record<string, JsonValue>,
    resolved: d,
  }));
}

// The scopes the baseline assignments leave out, and the resources Azure creates on its own that
// the offline check must still see. Pure: the same function gives bootstrap the assignments'
// notScopes, `cf-infra plan` the group it names as exempt, and the ARM emulator the group it creates.
//
// A workload-profiles Container Apps environment creates its own infrastructure resource group,
// untagged and managed by the environment ("Name of the platform-managed resource group created for
// the Managed Environment to host infrastructure resources", ManagedEnvironmentProperties.
// infrastructureResourceGroup, Microsoft.App REST spec). The tag rules at subscription scope deny
// it, and the environment fails with ManagedEnvironmentResourceGroupDisallowedByPolicy
// (microsoft/azure-container-apps #345, #381). Pre-creating the group with our tags is refused as
// "already exists" (#811), and an exemption needs its scope to exist before the environment creates
// it, so the assignments carry the group in notScopes (a scope that may not exist yet): everything
// in that group is Azure's infrastructure for the environment, not ours to tag.
import type { ArmResource } from './types.ts';

/** What a deployment must tell: its environment and the infrastructure group it names for it. */
export interface InfrastructureGroupSource {
  /** The deployment name, e.g. westeu-test-1. */
  name: string;
  names: { containerAppsEnvironment: string; containerAppsInfrastructureResourceGroup: string };
}

export interface ExcludedScope {
  /** `/subscriptions/<id>/resourceGroups/<name>`, as notScopes holds it. */
  scope: string;
  deployment: string;
  reason: string;
}

const resourceGroupScope = (subscriptionId: string, name: string): string => `/subscriptions/${subscriptionId}/resourceGroups/${name}`;

/**
 * The notScopes of every baseline assignment: each deployment's Container Apps infrastructure group.
 * Every deployment's, in every assignment: all assignments sit at subscription scope, and the tag
 * rules of each one reach every resource group of the subscription whatever its environment.
 */
export function baselineExclusions(deployments: readonly InfrastructureGroupSource[], subscriptionId: string): ExcludedScope[] {
  return [...deployments]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => ({
      scope: resourceGroupScope(subscriptionId, d.names.containerAppsInfrastructureResourceGroup),
      deployment: d.name,
      reason: `infrastructure resource group of the Container Apps environment ${d.names.containerAppsEnvironment} (created by Azure, untagged)`,
    }));
}

/** A scope list with the exclusions added once each (ids compare case-insensitively, as ARM's do). */
export function withExclusions(notScopes: readonly string[] | undefined, exclusions: readonly ExcludedScope[]): string[] {
  const out = [...(notScopes ?? [])];
  for (const { scope } of exclusions) if (!out.some((s) => s.toLowerCase() === scope.toLowerCase())) out.push(scope);
  return out;
}

/** True when `id` is `scope` or lies below it. */
export function isUnderScope(id: string, scope: string): boolean {
  const a = id.toLowerCase();
  const s = scope.toLowerCase().replace(/\/+$/, '');
  return a === s || a.startsWith(`${s}/`);
}

/**
 * The infrastructure group name Azure uses for an environment: `infrastructureResourceGroup` when
 * set, else its default ME_<environment>_<resource group>_<region>.
 */
export function infrastructureGroupName(environment: { name: string; resourceGroup: string; location: string; infrastructureResourceGroup?: unknown }): string {
  const named = environment.infrastructureResourceGroup;
  return typeof named === 'string' && named !== '' ? named : `ME_${environment.name}_${environment.resourceGroup}_${environment.location}`;
}

const managedEnvironmentType = 'microsoft.app/managedenvironments';

/**
 * The resource groups Azure itself creates for the predicted resources (today: the Container Apps
 * environments' infrastructure groups), as the policy engine sees them: untagged, managedBy the
 * environment. The snapshot never contains them; the policy check must.
 */
export function platformCreatedGroups(resources: readonly ArmResource[], subscriptionId: string): ArmResource[] {
  return resources
    .filter((r) => r.type.toLowerCase() === managedEnvironmentType && typeof r.id === 'string')
    .map((r) => {
      const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(r.id!)?.[1] ?? '';
      const location = typeof r.location === 'string' ? r.location : '';
      const name = infrastructureGroupName({ name: r.name, resourceGroup, location, infrastructureResourceGroup: r.properties?.['infrastructureResourceGroup'] });
      return { type: 'Microsoft.Resources/resourceGroups', name, id: resourceGroupScope(subscriptionId, name), location, managedBy: r.id };
    });
}

// Resource groups Azure creates on its own when a resource is applied: the infrastructure group of
// a workload-profiles Container Apps environment. Azure creates it in the environment's
// subscription, untagged and managedBy the environment, named by `infrastructureResourceGroup` or,
// when absent, ME_<environment>_<resource group>_<region> ("Name of the platform-managed resource
// group created for the Managed Environment to host infrastructure resources",
// ManagedEnvironmentProperties.infrastructureResourceGroup, Microsoft.App REST spec). The deny
// policies of the subscription apply to that creation: a deny fails the environment with
// ManagedEnvironmentResourceGroupDisallowedByPolicy (microsoft/azure-container-apps #345, #381),
// and a group that already exists without being the environment's own is refused (#811).
// Deleting the environment deletes its group.
import { infrastructureGroupName } from '@complianceflow/core/policy/exclusions.ts';
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import type { Declared } from './fill.ts';
import { asObject } from './http.ts';
import { key, parseResourceId, resourceGroupId } from './ids.ts';
import { checkPolicy, policyView } from './policy.ts';
import type { StoredResource } from './state.ts';

const managedEnvironmentType = 'microsoft.app/managedenvironments';
const resourceGroupType = 'Microsoft.Resources/resourceGroups';
const resourceGroupApiVersion = '2025-04-01';

export interface ManagedGroupFailure {
  code: string;
  message: string;
}

function infrastructureGroupOf(environment: Declared): { id: string; name: string; location: string } | undefined {
  if (environment.type.toLowerCase() !== managedEnvironmentType) return undefined;
  const properties = asObject(environment.declared.properties) ?? {};
  const profiles = properties.workloadProfiles;
  // Only a workload-profiles environment gets this group (the legacy Consumption-only one differs).
  if (!Array.isArray(profiles) || profiles.length === 0) return undefined;
  const parsed = parseResourceId(environment.id);
  if (parsed?.resourceGroup === undefined) return undefined;
  const location = typeof environment.declared.location === 'string' ? environment.declared.location : '';
  const name = infrastructureGroupName({ name: environment.name, resourceGroup: parsed.resourceGroup, location, infrastructureResourceGroup: properties.infrastructureResourceGroup });
  return { id: resourceGroupId(parsed.subscriptionId, name), name, location };
}

/**
 * Creates the infrastructure group of an environment about to be applied, as Azure does. Returns
 * the environment's failure when Azure would fail it (the environment must then not be written).
 */
export function createManagedGroups(ctx: Context, resource: Declared): ManagedGroupFailure | undefined {
  const group = infrastructureGroupOf(resource);
  if (group === undefined) return undefined;
  const existing = ctx.store.data.resources[key(group.id)];
  if (existing !== undefined) {
    if (String(existing.declared.managedBy ?? '').toLowerCase() === resource.id.toLowerCase()) return undefined;
    // The exact code Azure answers with is not published; the refusal is (#811).
    return {
      code: 'ManagedEnvironmentInfrastructureResourceGroupAlreadyExists',
      message: `The infrastructure resource group '${group.name}' of managed environment '${resource.name}' already exists. Azure creates this group itself: name a resource group that does not exist (properties.infrastructureResourceGroup).`,
    };
  }
  const declared: Record<string, unknown> = { location: group.location, managedBy: resource.id };
  try {
    checkPolicy(ctx.policy, policyView(ctx.store.data.resources), { id: group.id, type: resourceGroupType, name: group.name, body: declared });
  } catch (error) {
    if (!(error instanceof ArmError) || error.body.code !== 'RequestDisallowedByPolicy') throw error;
    return {
      code: 'ManagedEnvironmentResourceGroupDisallowedByPolicy',
      message: `Managed environment '${resource.name}' provision failed: creating its infrastructure resource group '${group.name}' (untagged, managed by the environment) was disallowed by policy. ${error.message} Exclude the group from the assignment (notScopes) or name another group.`,
    };
  }
  ctx.store.data.resources[key(group.id)] = {
    id: group.id,
    type: resourceGroupType,
    name: group.name,
    apiVersion: resourceGroupApiVersion,
    declared,
    body: { id: group.id, name: group.name, type: resourceGroupType, ...declared, properties: { provisioningState: 'Succeeded' } },
  };
  return undefined;
}

/** The groups to delete with these deleted resources: the infrastructure groups their environments own. */
export function managedGroupsOf(ctx: Context, deleted: readonly StoredResource[]): string[] {
  const owners = new Set(deleted.filter((r) => r.type.toLowerCase() === managedEnvironmentType).map((r) => r.id.toLowerCase()));
  if (owners.size === 0) return [];
  return Object.values(ctx.store.data.resources)
    .filter((r) => r.type.toLowerCase() === resourceGroupType.toLowerCase() && owners.has(String(r.declared.managedBy ?? '').toLowerCase()))
    .map((r) => r.id);
}

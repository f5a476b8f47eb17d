// The deployment role: a custom role definition (deployments/roles/cf-deployment.json) with exactly
// what a subscription-scoped stack deployment needs, and the check that it can write and delete
// every resource type any deployment's plan creates (Azure's action matching: case-insensitive,
// `*` matches any run of characters, notActions subtract).
import { loadRoleFile, type CustomRole, type RolePermissions } from './role-file.ts';

export type { RolePermissions };

export const deploymentRoleFile = 'deployments/roles/cf-deployment.json';

export type DeploymentRole = CustomRole;

export function loadDeploymentRole(root: string): DeploymentRole {
  return loadRoleFile(root, deploymentRoleFile);
}

/** Whether an action pattern (with `*` wildcards) matches an action; case-insensitive as in Azure RBAC. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/** Whether the permissions allow an action (allowed by some action, not removed by a notAction). */
export function allows(permissions: Pick<RolePermissions, 'actions' | 'notActions'>, action: string): boolean {
  return permissions.actions.some((p) => actionMatches(p, action)) && !permissions.notActions.some((p) => actionMatches(p, action));
}

/** The RBAC action prefix of a resource type (resource groups are authorized under subscriptions/). */
export function actionPrefix(resourceType: string): string {
  return resourceType.toLowerCase() === 'microsoft.resources/resourcegroups' ? 'Microsoft.Resources/subscriptions/resourceGroups' : resourceType;
}

export interface CoverageGap {
  resourceType: string;
  missing: string[];
}

/** Every type whose write or delete the role does not allow, with the missing actions; [] when covered. */
export function roleCoverageGaps(permissions: Pick<RolePermissions, 'actions' | 'notActions'>, resourceTypes: Iterable<string>): CoverageGap[] {
  const gaps: CoverageGap[] = [];
  const seen = new Set<string>();
  for (const type of [...resourceTypes].sort()) {
    if (seen.has(type.toLowerCase())) continue;
    seen.add(type.toLowerCase());
    const missing = ['write', 'delete'].map((verb) => `${actionPrefix(type)}/${verb}`).filter((action) => !allows(permissions, action));
    if (missing.length > 0) gaps.push({ resourceType: type, missing });
  }
  return gaps;
}

export function describeGaps(gaps: readonly CoverageGap[]): string {
  return gaps.map((g) => `${g.resourceType} (missing ${g.missing.join(', ')})`).join('; ');
}

// The condition on the deployment role's assignment to the CI identity (Azure ABAC, conditionVersion
// 2.0): it may create and delete only role assignments of the role definitions the templates grant,
// to service principals. Without it, roleAssignments/write at subscription scope lets the CI identity
// make anyone Owner. Format: Azure docs "Examples to delegate Azure role assignment management with
// conditions" (Example: Constrain roles and principal types) and "Azure role assignment condition
// format and syntax": the write is constrained on @Request attributes, the delete on @Resource
// attributes, in two expressions because the attribute source differs per action.
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { TemplateGrant } from './required-actions.ts';

/** Roles that can grant roles or own everything: never assignable by the pipeline. */
export const privilegedRoles: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
};

export const allowedPrincipalType = 'ServicePrincipal';

/**
 * The role definition GUIDs the templates assign, sorted. Refuses (exit 1) a template assignment the
 * condition would refuse on Azure: no literal role definition id, a principal type other than
 * ServicePrincipal (or none: ARM then cannot evaluate the condition), or a privileged role.
 */
export function allowedRoleDefinitions(grants: readonly TemplateGrant[]): string[] {
  const problems: string[] = [];
  for (const g of grants) {
    const where = `${g.deployment} (${g.shape}): ${g.id}`;
    if (g.roleDefinitionGuid === undefined) problems.push(`${where}: properties.roleDefinitionId is not a literal role definition id ending in a GUID`);
    else if (privilegedRoles[g.roleDefinitionGuid] !== undefined) problems.push(`${where}: assigns ${privilegedRoles[g.roleDefinitionGuid]}, which the pipeline must never grant`);
    if (g.principalType !== allowedPrincipalType) problems.push(`${where}: properties.principalType is ${g.principalType === undefined ? 'missing' : `'${g.principalType}'`}; set principalType: '${allowedPrincipalType}'`);
  }
  if (problems.length > 0) {
    throw new CliError(`the templates assign roles the deployment role's condition cannot allow:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      exitCode: ExitCode.Failed,
      hint: 'fix the role assignment in bicep/ (literal built-in role GUID, principalType: \'ServicePrincipal\'), then rerun bootstrap',
    });
  }
  return [...new Set(grants.map((g) => g.roleDefinitionGuid!))].sort();
}

/** The condition text, in the exact shape Azure's examples use (and the emulator parses). */
export function roleAssignmentCondition(roleDefinitionGuids: readonly string[]): string {
  if (roleDefinitionGuids.length === 0) throw new Error('roleAssignmentCondition: no role definition to allow');
  const guids = roleDefinitionGuids.join(', ');
  const block = (action: 'write' | 'delete', source: 'Request' | 'Resource'): string[] => [
    '(',
    ' (',
    `  !(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})`,
    ' )',
    ' OR',
    ' (',
    `  @${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${guids}}`,
    '  AND',
    `  @${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'${allowedPrincipalType}'}`,
    ' )',
    ')',
  ];
  return [...block('write', 'Request'), 'AND', ...block('delete', 'Resource')].join('\n');
}

// The "Permissions" blocks of docs/infrastructure/Bootstrap.md: every entry of the deployment role
// with what it grants and why (the coverage derivation of bootstrap/required-actions.ts over the
// first and follow-up deploy of every deployment), and the condition on the role's assignment.
// Generated, so a changed role, template or rule shows up as a stale block in docs:generate --check.
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { actionMatches, type DeploymentRole } from '@complianceflow/cli/bootstrap/deployment-role.ts';
import type { NeededAction, RequiredActions } from '@complianceflow/cli/bootstrap/required-actions.ts';
import { allowedRoleDefinitions, roleAssignmentCondition } from '@complianceflow/cli/bootstrap/role-condition.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

/** Names of the built-in roles the templates grant, for the reader only (Azure docs "Azure built-in roles"). */
const builtInRoleNames: Readonly<Record<string, string>> = {
  '7f951dda-4ed3-4680-a7ca-43fe172d538d': 'AcrPull',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  '2b629674-e913-4c01-ae53-ef4638d8f975': 'Azure Event Hubs Data Sender',
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde': 'Azure Event Hubs Data Receiver',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
};

function who(by: ReadonlySet<string>, deploymentCount: number): string {
  const list = [...by].sort();
  if (list.every((b) => !b.includes(' ') && !b.includes('/'))) return list.length === deploymentCount ? 'all deployments' : list.join(', ');
  return list.join('; ');
}

function reasonsOf(a: NeededAction, deploymentCount: number): string {
  const text = [...a.reasons].map(([why, by]) => `${why} (${who(by, deploymentCount)})`).join('; ');
  return a.followUpOnly ? `${text}; from the second deploy on` : text;
}

/** One row per role entry: what it grants of the derivation, and why. */
export function permissionsTable(role: DeploymentRole, required: RequiredActions, deploymentCount: number): string {
  const rows = [
    ...role.actions.map((entry) => ({ entry, kind: 'action', covered: required.actions.filter((a) => !a.dataAction && actionMatches(entry, a.action)) })),
    ...role.dataActions.map((entry) => ({ entry, kind: 'data action', covered: required.actions.filter((a) => a.dataAction && actionMatches(entry, a.action)) })),
  ].map(({ entry, kind, covered }) => {
    const groups = [...new Set(covered.map((a) => a.group))].join(', ');
    let why: string;
    if (covered.length === 0) why = '**nothing needs it**: remove it (the coverage test fails on it)';
    else if (covered.length === 1 && covered[0]!.action === entry) why = reasonsOf(covered[0]!, deploymentCount);
    else if (covered.length > 6) why = `${covered.length} actions the deployments need, e.g. ${covered.slice(0, 4).map((a) => `\`${a.action}\``).join(', ')}`;
    else why = covered.map((a) => `\`${a.action}\`: ${reasonsOf(a, deploymentCount)}`).join('; ');
    return [`\`${entry}\``, kind, groups, why];
  });
  return markdownTable(['Role entry', 'Kind', 'Needed for', 'Why (who needs it)'], rows);
}

/** The role definitions the condition allows, where the templates assign them, and the condition itself. */
export function conditionBlock(required: RequiredActions): string {
  const allowed = allowedRoleDefinitions(required.grants);
  const rows = allowed.map((guid) => {
    const scopes = [...new Set(required.grants.filter((g) => g.roleDefinitionGuid === guid).map((g) => typeOfId(g.id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '')) ?? 'subscription'))].sort();
    return [builtInRoleNames[guid] ?? '(custom or unnamed)', `\`${guid}\``, scopes.map((s) => `\`${s}\``).join(', ')];
  });
  return [
    markdownTable(['Role definition', 'GUID', 'Assigned by the templates on'], rows),
    '',
    'The condition (`conditionVersion` 2.0) on the assignment of the deployment role to the CI identity:',
    '',
    '```text',
    roleAssignmentCondition(allowed),
    '```',
  ].join('\n');
}

// The deployment role: a custom role definition (deployments/roles/cf-deployment.json) with exactly
// what the deployments need (bootstrap/required-actions.ts derives it), and the check that it grants
// every needed action (Azure's action matching: case-insensitive, `*` matches any run of characters,
// notActions subtract).
import type { ActionGroup, RequiredActions } from './required-actions.ts';
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

export interface MissingAction {
  action: string;
  dataAction: boolean;
  group: ActionGroup;
  /** One reason and who needs it, for the message. */
  example: string;
}

const allowsData = (role: RolePermissions, action: string): boolean =>
  role.dataActions.some((p) => actionMatches(p, action)) && !role.notDataActions.some((p) => actionMatches(p, action));

/** Every needed action the role does not grant; [] when covered. */
export function missingActions(role: RolePermissions, required: RequiredActions): MissingAction[] {
  return required.actions
    .filter((a) => !(a.dataAction ? allowsData(role, a.action) : allows(role, a.action)))
    .map((a) => {
      const [why, by] = [...a.reasons][0]!;
      return { action: a.action, dataAction: a.dataAction, group: a.group, example: `${why} (${[...by].slice(0, 3).join(', ')}${by.size > 3 ? ', …' : ''})${a.followUpOnly ? ', from the second deploy on' : ''}` };
    });
}

/** The role's entries (actions and data actions) that grant nothing the derivation needs. */
export function unneededRoleEntries(role: RolePermissions, required: RequiredActions): string[] {
  const control = required.actions.filter((a) => !a.dataAction).map((a) => a.action);
  const data = required.actions.filter((a) => a.dataAction).map((a) => a.action);
  return [
    ...role.actions.filter((p) => !control.some((a) => actionMatches(p, a))),
    ...role.dataActions.filter((p) => !data.some((a) => actionMatches(p, a))),
  ];
}

/** The missing actions grouped (resource writes, linked access checks, …), one line per action. */
export function describeMissing(missing: readonly MissingAction[]): string {
  const groups = new Map<string, MissingAction[]>();
  for (const m of missing) groups.set(m.group, [...(groups.get(m.group) ?? []), m]);
  return [...groups].map(([group, list]) => `${group}:\n${list.map((m) => `  - ${m.action}${m.dataAction ? ' (data action)' : ''}: ${m.example}`).join('\n')}`).join('\n');
}

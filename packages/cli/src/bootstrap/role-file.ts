// A custom role definition kept as JSON in deployments/roles/ (roleName, description, actions,
// notActions, dataActions, notDataActions), validated before bootstrap sends anything.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@complianceflow/core/errors.ts';

/**
 * The pull-request identity's custom role (with Reader): exactly what a subscription deployment
 * what-if and a stack what-if need. Action names from Azure's resource provider operations for
 * Microsoft.Resources (https://learn.microsoft.com/azure/role-based-access-control/permissions/management-and-governance#microsoftresources):
 * deployments/whatIf/action; deploymentStacksWhatIfResults/write, /whatIf/action, /delete (the stack
 * what-if resource of api 2025-07-01: PUT, POST …/whatIf, DELETE in packages/cli/src/deploy/stack-whatif.ts).
 * Reads (the stack, the live resources, the operation status polls) are Reader's.
 */
export const prWhatIfRoleFile = 'deployments/roles/cf-pr-whatif.json';

export interface RolePermissions {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface CustomRole extends RolePermissions {
  roleName: string;
  description: string;
}

/** Reads and validates a role file (path relative to the repository root). */
export function loadRoleFile(root: string, file: string): CustomRole {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path.join(root, file), 'utf8'));
  } catch (error) {
    throw new ConfigError([`${file}: cannot read the role definition (${(error as Error).message})`]);
  }
  const role = data as Partial<CustomRole>;
  const problems: string[] = [];
  if (typeof role.roleName !== 'string' || role.roleName === '') problems.push(`${file}: roleName: missing (a non-empty string)`);
  if (typeof role.description !== 'string') problems.push(`${file}: description: missing (a string)`);
  for (const key of ['actions', 'notActions', 'dataActions', 'notDataActions'] as const) {
    const list = role[key];
    if (!Array.isArray(list) || list.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9.*/_-]+$/.test(a))) {
      problems.push(`${file}: ${key}: expected an array of action strings like Microsoft.Network/virtualNetworks/write`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return role as CustomRole;
}

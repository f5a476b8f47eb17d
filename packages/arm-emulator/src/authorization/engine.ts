// Azure RBAC over the emulator's state: the caller's role assignments at the scope or above
// (subscription, resource group, resource, its parents), the role definitions they reference (custom
// ones stored in state — bootstrap writes them — else the built-ins in builtin-roles.ts), and the
// conditions on those assignments. "How Azure RBAC determines if a user has access to a resource"
// (learn.microsoft.com/azure/role-based-access-control/overview): access is granted when any
// assignment in scope has a role that allows the action and whose condition (if any) is true.
import { roleAssignmentRequest } from '@complianceflow/core/arm/required-actions.ts';
import { trailingGuid } from '@complianceflow/core/guid.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject } from '../http.ts';
import { isWithin } from '../ids.ts';
import { resolveExpression } from '../outputs.ts';
import type { StoredResource } from '../state.ts';
import { permissionsAllow, permissionsOf } from './actions.ts';
import { builtInRole, type Permission } from './builtin-roles.ts';
import { ConditionSyntaxError, evaluateCondition, parseCondition, type ConditionInput } from './condition.ts';

export const roleAssignmentType = 'microsoft.authorization/roleassignments';
const roleDefinitionType = 'microsoft.authorization/roledefinitions';
const assignmentsMarker = '/providers/microsoft.authorization/roleassignments/';

export interface Assignment {
  id: string;
  scope: string;
  principalId: string;
  roleGuid: string;
  condition?: string;
}

/** Attribute bags for conditions: the request's (a role assignment PUT body) and the existing resource's. */
export interface Attributes {
  request?: Record<string, string[]>;
  resource?: Record<string, string[]>;
}

function resolved(ctx: Context, v: unknown): unknown {
  return typeof v === 'string' ? resolveExpression(v, (id) => ctx.store.data.resources[id.toLowerCase()]).value : v;
}

export function assignmentOf(ctx: Context, r: StoredResource): Assignment | undefined {
  const at = r.id.toLowerCase().lastIndexOf(assignmentsMarker);
  if (at < 0) return undefined;
  const p = asObject(r.body.properties) ?? {};
  const principal = resolved(ctx, p.principalId);
  const roleGuid = trailingGuid(String(resolved(ctx, p.roleDefinitionId) ?? ''));
  if (typeof principal !== 'string' || roleGuid === undefined) return undefined;
  const scope = at === 0 ? '/' : r.id.slice(0, at);
  return { id: r.id, scope, principalId: principal.toLowerCase(), roleGuid, ...(typeof p.condition === 'string' && p.condition.trim() !== '' ? { condition: p.condition } : {}) };
}

export function assignments(ctx: Context): Assignment[] {
  return Object.values(ctx.store.data.resources)
    .filter((r) => r.type.toLowerCase() === roleAssignmentType)
    .map((r) => assignmentOf(ctx, r))
    .filter((a): a is Assignment => a !== undefined);
}

const customRole = (ctx: Context, guid: string): StoredResource | undefined =>
  Object.values(ctx.store.data.resources).find((r) => r.type.toLowerCase() === roleDefinitionType && r.name.toLowerCase() === guid);

/** The permissions of a role definition GUID: a custom role stored in state, else a built-in one. */
export function rolePermissions(ctx: Context, guid: string): Permission[] {
  const custom = customRole(ctx, guid);
  if (custom !== undefined) return permissionsOf(custom.body);
  return builtInRole(guid)?.permissions ?? [];
}

/** A role assignment must name a role definition that exists (ARM: 400 RoleDefinitionDoesNotExist). */
export function checkRoleDefinitionExists(ctx: Context, body: Record<string, unknown>): void {
  const id = (asObject(body.properties) ?? {}).roleDefinitionId;
  const guid = typeof id === 'string' ? trailingGuid(id) : undefined;
  if (guid !== undefined && (customRole(ctx, guid) !== undefined || builtInRole(guid) !== undefined)) return;
  throw new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid ?? String(id)}' does not exist.`);
}

/** The attributes a role assignment body (or stored assignment) offers to conditions. */
export function roleAssignmentAttributes(body: Record<string, unknown>): Record<string, string[]> {
  const { roleDefinitionGuid, principalType } = roleAssignmentRequest(body);
  const principalId = (asObject(body.properties) ?? {}).principalId;
  return {
    ...(roleDefinitionGuid === undefined ? {} : { 'microsoft.authorization/roleassignments:roledefinitionid': [roleDefinitionGuid] }),
    ...(principalType === undefined ? {} : { 'microsoft.authorization/roleassignments:principaltype': [principalType] }),
    ...(typeof principalId === 'string' ? { 'microsoft.authorization/roleassignments:principalid': [principalId] } : {}),
  };
}

export type Decision = 'granted' | 'conditionNotMet' | 'denied';

/**
 * The role assignments in state and their roles' permissions, read once to decide the many actions
 * of one request (a template's resources; nothing writes state in between). Never kept past the request.
 */
export interface RbacView {
  assignments: readonly Assignment[];
  permissions(roleGuid: string): Permission[];
}

export function rbacView(ctx: Context): RbacView {
  const permissions = new Map<string, Permission[]>();
  return {
    assignments: assignments(ctx),
    permissions: (guid) => permissions.get(guid) ?? permissions.set(guid, rolePermissions(ctx, guid)).get(guid)!,
  };
}

/** Whether the principal may perform the action at the scope (data: a data action). */
export function decide(ctx: Context, principalId: string, action: string, scope: string, options: { data?: boolean; attributes?: Attributes; view?: RbacView } = {}): Decision {
  let conditionBlocked = false;
  const who = principalId.toLowerCase();
  const view = options.view ?? rbacView(ctx);
  for (const a of view.assignments) {
    if (a.principalId !== who || !(a.scope === '/' || isWithin(scope, a.scope))) continue;
    if (!permissionsAllow(view.permissions(a.roleGuid), action, options.data === true)) continue;
    if (a.condition === undefined) return 'granted';
    const input: ConditionInput = { action, request: options.attributes?.request ?? {}, resource: options.attributes?.resource ?? {} };
    let ok = false;
    try {
      ok = evaluateCondition(parseCondition(a.condition), input);
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
    }
    if (ok) return 'granted';
    conditionBlocked = true;
  }
  return conditionBlocked ? 'conditionNotMet' : 'denied';
}

export const allows = (ctx: Context, principalId: string, action: string, scope: string, options: { data?: boolean; attributes?: Attributes } = {}): boolean =>
  decide(ctx, principalId, action, scope, options) === 'granted';

/**
 * ARM's 403 for the caller's own action (the message as ARM words it, e.g. Azure/azure-quickstart-templates#8920);
 * with a condition that was not met, ARM says "does not have authorization or an ABAC condition not fulfilled".
 */
export function authorizationFailed(principalId: string, action: string, scope: string, decision: Decision = 'denied'): ArmError {
  const what = decision === 'conditionNotMet' ? 'does not have authorization or an ABAC condition not fulfilled' : 'does not have authorization';
  return new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${principalId}' with object id '${principalId}' ${what} to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

export function authorize(ctx: Context, principalId: string, action: string, scope: string, options: { data?: boolean; attributes?: Attributes } = {}): void {
  const decision = decide(ctx, principalId, action, scope, options);
  if (decision !== 'granted') throw authorizationFailed(principalId, action, scope, decision);
}

/**
 * ARM's 403 LinkedAuthorizationFailed (the wording of the errors ARM returns, e.g.
 * Azure/aad-pod-identity#613, kubernetes-sigs/cloud-provider-azure#1999): the caller holds the action
 * on the target but not the linked action(s) on the referenced resource(s).
 */
export function linkedAuthorizationFailed(principalId: string, own: { action: string; scope: string }, missing: readonly { action: string; scope: string }[]): ArmError {
  return new ArmError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${principalId}' with object id '${principalId}' has permission to perform action '${own.action}' on scope '${own.scope}'; however, it does not have permission to perform action(s) '${missing.map((m) => m.action).join(',')}' on the linked scope(s) '${missing.map((m) => m.scope).join(',')}' (respectively) or the linked scope(s) are invalid.`,
  );
}

/** Validates a role assignment's condition as ARM does at its PUT (400, "The given role assignment condition is invalid."). */
export function checkAssignmentCondition(body: Record<string, unknown>): void {
  const p = asObject(body.properties) ?? {};
  if (p.condition === undefined || p.condition === null) {
    if (p.conditionVersion !== undefined && p.conditionVersion !== null) throw invalidCondition("conditionVersion is set without a condition");
    return;
  }
  if (typeof p.condition !== 'string') throw invalidCondition('condition must be a string');
  // "Troubleshoot Azure role assignment conditions": conditionVersion must be "2.0" (the only public version).
  if (p.conditionVersion !== undefined && p.conditionVersion !== '2.0') throw invalidCondition(`conditionVersion is '${String(p.conditionVersion)}'; the only supported version is '2.0'`);
  try {
    parseCondition(p.condition);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) throw invalidCondition(error.message);
    throw error;
  }
}

// The code is not documented (the message is: "Troubleshoot Azure role assignment conditions");
// the detail says what the emulator could not parse.
const invalidCondition = (detail: string): ArmError => new ArmError(400, 'InvalidRoleAssignmentCondition', `The given role assignment condition is invalid. ${detail}.`);

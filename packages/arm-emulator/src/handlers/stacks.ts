// Deployment stacks at subscription scope, as in
// specification/resources/resource-manager/Microsoft.Resources/deploymentStacks/stable/2024-03-01/deploymentStacks.json
// (and 2025-07-01): PUT (LRO, Azure-AsyncOperation), GET, list, DELETE with unmanageAction.*
// (LRO, Location), validate (POST, LRO, Location), exportTemplate. provisioningState values are
// lower-case ('deploying', 'deleting', 'succeeded', 'failed').
import { randomUUID } from 'node:crypto';
import { checkApiVersion } from '../api-version.ts';
import { authorize } from '../authorization/engine.ts';
import { authorizeUnmanagedDeletes } from '../authorization/unmanage-access.ts';
import type { Context } from '../context.ts';
import { latencyFor } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, jsonBody, reply, type Reply, type Request } from '../http.ts';
import { key } from '../ids.ts';
import { advance, asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { page } from '../paging.ts';
import { scheduleDeployment } from '../deployment-schedule.ts';
import { applyPlan, isoDuration, knownFailure, planTemplate, type Plan } from '../plan.ts';
import type { StackRecord } from '../state.ts';
import { deleteResourceTree, getResource, isResourceGroupType } from '../store-ops.ts';
import { forgetDeployment, recordSchedule, settleOperations } from './deployment-operations.ts';
import { autoRegister } from './providers.ts';
import { checkSubscription } from './subscriptions.ts';

export const stackType = 'Microsoft.Resources/deploymentStacks';
const terminal = new Set(['succeeded', 'failed', 'canceled']);

export const stackId = (sub: string, name: string): string => `/subscriptions/${sub}/providers/${stackType}/${name}`;

function stackNotFound(name: string): ArmError {
  return new ArmError(404, 'DeploymentStackNotFound', `The deployment stack '${name}' could not be found.`);
}

export function findStack(ctx: Context, sub: string, name: string): StackRecord | undefined {
  return ctx.store.data.stacks[key(stackId(sub, name))];
}

const stateOf = (s: StackRecord): string => String(asObject(s.body.properties)?.provisioningState ?? 'succeeded');

function refuseIfRunning(s: StackRecord | undefined, name: string): void {
  if (s === undefined || terminal.has(stateOf(s))) return;
  throw new ArmError(409, 'DeploymentStackInNonTerminalState', `The deployment stack '${name}' is in a non-terminal state '${stateOf(s)}'. Please wait for the current operation to complete before retrying.`);
}

const invalidDefinition = (name: string, why: string): ArmError =>
  new ArmError(400, 'DeploymentStackInvalidDeploymentStackDefinition', `The deployment stack '${name}' definition is invalid: ${why}`);

function oneOf(name: string, path: string, value: unknown, allowed: readonly string[], required: boolean): void {
  if (value === undefined && !required) return;
  if (value === undefined) throw invalidDefinition(name, `the required property '${path}' is missing. Allowed values: ${allowed.join(', ')}.`);
  if (typeof value !== 'string' || !allowed.includes(value)) throw invalidDefinition(name, `'${path}' is '${String(value)}'; allowed values: ${allowed.join(', ')}.`);
}

/**
 * Deny settings other than 'none' need Microsoft.Resources/deploymentStacks/manageDenySetting/action
 * on the stack (deployment-stacks.md, "Built-in roles": Azure Deployment Stack Contributor cannot
 * create deny assignments; Contributor excludes the action in its notActions).
 */
function authorizeDenySettings(ctx: Context, req: Request, def: StackDefinition, id: string): void {
  if (asObject(def.properties.denySettings)?.mode === 'none') return;
  authorize(ctx, req.principalId, 'Microsoft.Resources/deploymentStacks/manageDenySetting/action', id);
}

export interface StackDefinition {
  location: string;
  tags?: unknown;
  properties: Record<string, unknown>;
}

/** The body's stack definition, checked as ARM checks it (required fields and their values). */
export function readStackDefinition(req: Request, name: string, requireLocation = true): StackDefinition {
  if (!/^[-\w._()]{1,90}$/.test(name)) {
    throw new ArmError(400, 'InvalidResourceName', `The deployment stack name '${name}' is invalid: 1-90 characters of letters, digits, '-', '.', '_', '(' and ')'.`);
  }
  const body = jsonBody(req);
  const location = body.location;
  if (requireLocation && (typeof location !== 'string' || location === '')) throw new ArmError(400, 'LocationRequired', `The location property is required for the deployment stack '${name}' at subscription scope.`);
  const properties = asObject(body.properties);
  if (properties === undefined) throw invalidDefinition(name, "the required property 'properties' is missing.");
  const aou = properties.actionOnUnmanage;
  if (aou === undefined) throw invalidDefinition(name, "the required property 'properties.actionOnUnmanage' is missing.");
  const a = asObject(aou);
  if (a === undefined) throw invalidDefinition(name, "'properties.actionOnUnmanage' must be an object.");
  oneOf(name, 'properties.actionOnUnmanage.resources', a.resources, ['delete', 'detach'], true);
  oneOf(name, 'properties.actionOnUnmanage.resourceGroups', a.resourceGroups, ['delete', 'detach'], false);
  oneOf(name, 'properties.actionOnUnmanage.managementGroups', a.managementGroups, ['delete', 'detach'], false);
  const ds = properties.denySettings;
  if (ds === undefined) throw invalidDefinition(name, "the required property 'properties.denySettings' is missing.");
  const d = asObject(ds);
  if (d === undefined) throw invalidDefinition(name, "'properties.denySettings' must be an object.");
  oneOf(name, 'properties.denySettings.mode', d.mode, ['denyDelete', 'denyWriteAndDelete', 'none'], true);
  for (const list of ['excludedPrincipals', 'excludedActions'] as const) {
    if (d[list] !== undefined && (!Array.isArray(d[list]) || (d[list] as unknown[]).some((x) => typeof x !== 'string'))) {
      throw invalidDefinition(name, `'properties.denySettings.${list}' must be an array of strings.`);
    }
  }
  if (Array.isArray(d.excludedPrincipals) && d.excludedPrincipals.length > 5) throw invalidDefinition(name, "'properties.denySettings.excludedPrincipals' allows at most 5 principals.");
  if (Array.isArray(d.excludedActions) && d.excludedActions.length > 200) throw invalidDefinition(name, "'properties.denySettings.excludedActions' allows at most 200 actions.");
  return { location: String(location ?? ''), tags: body.tags, properties };
}

function normalisedSettings(p: Record<string, unknown>): { actionOnUnmanage: Record<string, unknown>; denySettings: Record<string, unknown> } {
  const a = asObject(p.actionOnUnmanage)!;
  const d = asObject(p.denySettings)!;
  return {
    actionOnUnmanage: { resources: a.resources, resourceGroups: a.resourceGroups ?? 'detach', managementGroups: a.managementGroups ?? 'detach' },
    denySettings: { mode: d.mode, excludedPrincipals: d.excludedPrincipals ?? [], excludedActions: d.excludedActions ?? [], applyToChildScopes: d.applyToChildScopes ?? false },
  };
}

/**
 * The stack as ARM shows it. While a PUT runs, the state moves through ARM's own values: deploying,
 * then updatingDenyAssignments (when deny settings apply) and deletingResources (when the new
 * version unmanages something with 'delete') for the last part of the provisioning time.
 */
function publicBody(ctx: Context, s: StackRecord): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(s.body)) as Record<string, unknown>;
  const props = asObject(body.properties)!;
  const op = s.operationId === undefined ? undefined : ctx.store.data.operations[s.operationId];
  if (props.provisioningState !== 'deploying' || op === undefined || op.status !== 'InProgress' || op.readyAt <= op.startedAt) return body;
  const progress = (Date.now() - op.startedAt) / (op.readyAt - op.startedAt);
  const { plan, previousResources } = op.payload as { plan: Plan; previousResources: string[] };
  const planned = new Set(plan.resources.map((r) => key(r.id)));
  const deletes = asObject(props.actionOnUnmanage)?.resources === 'delete' && previousResources.some((id) => !planned.has(key(id)));
  const denies = asObject(props.denySettings)?.mode !== 'none';
  if (progress >= 0.85 && deletes) props.provisioningState = 'deletingResources';
  else if (progress >= 0.7 && denies) props.provisioningState = 'updatingDenyAssignments';
  return body;
}

/** The stack's deployment and when each of its resources' operations runs (deployment-schedule.ts). */
function scheduleStackDeployment(ctx: Context, sub: string, name: string, definition: { template?: unknown; parameters?: unknown }, plan: Awaited<ReturnType<typeof planTemplate>>) {
  const deploymentId = `/subscriptions/${sub}/providers/Microsoft.Resources/deployments/${name}-${Date.now().toString(36)}`;
  const schedule = scheduleDeployment({
    rootId: deploymentId,
    subscriptionId: sub,
    template: asObject(definition.template) ?? {},
    parameters: definition.parameters,
    resources: plan.resources,
    startedAt: Date.now(),
    latency: (type) => latencyFor(ctx, [type]),
    failure: (r) => knownFailure(ctx, plan, r),
  });
  return { deploymentId, schedule };
}

function stackSystemData(current: { body: Record<string, unknown> } | undefined, principalId: string, now: string): Record<string, unknown> {
  const before = asObject(current?.body.systemData);
  return {
    createdBy: before?.createdBy ?? principalId,
    createdByType: 'User',
    createdAt: before?.createdAt ?? now,
    lastModifiedBy: principalId,
    lastModifiedByType: 'User',
    lastModifiedAt: now,
  };
}

export async function putStack(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  const def = readStackDefinition(req, name);
  authorizeDenySettings(ctx, req, def, stackId(sub, name));
  advance(ctx);
  const id = stackId(sub, name);
  const before = findStack(ctx, sub, name);
  refuseIfRunning(before, name);
  if (before !== undefined && String(before.body.location).toLowerCase() !== def.location.toLowerCase()) {
    throw new ArmError(400, 'DeploymentStackLocationMismatch', `The location '${def.location}' of the deployment stack '${name}' does not match its existing location '${String(before.body.location)}'. The location of a stack cannot be changed.`);
  }
  const plan = await planTemplate(ctx, { template: def.properties.template, templateLink: def.properties.templateLink, parameters: def.properties.parameters, location: def.location, deploymentName: name, principalId: req.principalId, stackId: stackId(sub, name) });
  // The expansion awaited: a concurrent PUT may have started meanwhile.
  const current = findStack(ctx, sub, name);
  refuseIfRunning(current, name);
  const now = new Date().toISOString();
  const settings = normalisedSettings(def.properties);
  const previous = asObject(current?.body.properties) ?? {};
  const planned = new Set(plan.resources.map((r) => key(r.id)));
  const dropped = ((previous.resources as { id: string }[] | undefined) ?? []).map((r) => r.id).filter((rid) => !planned.has(key(rid)));
  authorizeUnmanagedDeletes(ctx, req.principalId, dropped, settings.actionOnUnmanage);
  const correlationId = randomUUID();
  const { deploymentId, schedule } = scheduleStackDeployment(ctx, sub, name, def.properties, plan);
  const properties: Record<string, unknown> = {
    ...settings,
    parameters: withoutSecureValues(def.properties.parameters, def.properties.template),
    ...(def.properties.description === undefined ? {} : { description: def.properties.description }),
    ...(def.properties.bypassStackOutOfSyncError === undefined ? {} : { bypassStackOutOfSyncError: def.properties.bypassStackOutOfSyncError }),
    provisioningState: 'deploying',
    correlationId,
    deploymentId,
    resources: previous.resources ?? [],
    deletedResources: [],
    detachedResources: [],
    failedResources: [],
  };
  const created = current === undefined;
  const systemData = stackSystemData(current, req.principalId, now);
  const body: Record<string, unknown> = { id, name, type: stackType, location: def.location, ...(def.tags === undefined ? {} : { tags: def.tags }), systemData, properties };
  recordSchedule(ctx, schedule, typeof previous.deploymentId === 'string' ? previous.deploymentId : undefined);
  // The stack finishes with its deployment's last operation (dependencies run one after the other).
  const op = startOperation(ctx, 'stackPut', id, { plan, previousResources: ((previous.resources as { id: string }[] | undefined) ?? []).map((r) => r.id) }, Math.max(plan.durationMs, schedule.totalMs));
  ctx.store.data.stacks[key(id)] = { body, template: asObject(def.properties.template), operationId: op.id };
  autoRegister(ctx, plan.resources.map((r) => r.type.split('/')[0] ?? ''));
  ctx.store.save();
  return reply(created ? 201 : 200, publicBody(ctx, ctx.store.data.stacks[key(id)]!), asyncOperationHeaders(req.origin, sub, op, apiVersion));
}

/** Deletes or detaches resources a stack no longer manages; resource groups last. */
function unmanage(ctx: Context, ids: string[], action: { resources: string; resourceGroups: string }): { deleted: string[]; detached: string[] } {
  const deleted: string[] = [];
  const detached: string[] = [];
  const ordered = [...ids.filter((i) => !isGroup(ctx, i)), ...ids.filter((i) => isGroup(ctx, i))];
  for (const id of ordered) {
    const act = isGroup(ctx, id) ? action.resourceGroups : action.resources;
    if (act === 'delete') {
      if (getResource(ctx, id) !== undefined) deleteResourceTree(ctx, id);
      deleted.push(id);
    } else detached.push(id);
  }
  return { deleted, detached };
}

const isGroup = (ctx: Context, id: string): boolean => isResourceGroupType(getResource(ctx, id)?.type ?? '') || /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id);

registerFinisher('stackPut', (ctx, op) => {
  const stack = ctx.store.data.stacks[key(op.target)];
  if (stack === undefined) return;
  const { plan, previousResources } = op.payload as { plan: Plan; previousResources: string[] };
  const props = asObject(stack.body.properties)!;
  const applied = applyPlan(ctx, plan);
  const now = new Set(plan.resources.map((r) => key(r.id)));
  const gone = previousResources.filter((id) => !now.has(key(id)));
  const { deleted, detached } = unmanage(ctx, gone, props.actionOnUnmanage as { resources: string; resourceGroups: string });
  const denyStatus = String(asObject(props.denySettings)?.mode ?? 'none');
  props.resources = applied.created.map((id) => ({ id, status: 'managed', denyStatus }));
  props.deletedResources = deleted.map((id) => ({ id }));
  props.detachedResources = detached.map((id) => ({ id }));
  props.failedResources = applied.failed;
  settleOperations(ctx, String(props.deploymentId), applied.failed);
  props.outputs = applied.outputs;
  props.duration = isoDuration(op.readyAt - op.startedAt);
  if (applied.failed.length > 0) {
    props.provisioningState = 'failed';
    props.error = {
      code: 'DeploymentStackDeploymentFailed',
      message: `One or more resources could not be deployed. Correlation id: '${String(props.correlationId)}'.`,
      details: applied.failed.map((f) => ({ ...f.error, target: f.id })),
    };
    op.status = 'Failed';
    op.error = props.error as typeof op.error;
  } else {
    props.provisioningState = 'succeeded';
    delete props.error;
  }
});

export function getStack(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  const s = findStack(ctx, sub, name);
  if (s === undefined) throw stackNotFound(name);
  return reply(200, publicBody(ctx, s));
}

export function listStacks(ctx: Context, req: Request, sub: string): Reply {
  checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  return reply(200, page(req, Object.values(ctx.store.data.stacks).map((s) => publicBody(ctx, s))));
}

export function deleteStack(ctx: Context, req: Request, sub: string, name: string): Reply {
  const { apiVersion } = checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  const action = (param: string): string => {
    const v = req.query.get(param) ?? 'detach';
    if (v !== 'delete' && v !== 'detach') throw new ArmError(400, 'InvalidQueryParameterValue', `The value '${v}' of query parameter '${param}' is invalid. Allowed values: delete, detach.`);
    return v;
  };
  const unmanageAction = { resources: action('unmanageAction.Resources'), resourceGroups: action('unmanageAction.ResourceGroups'), managementGroups: action('unmanageAction.ManagementGroups') };
  advance(ctx);
  const s = findStack(ctx, sub, name);
  if (s === undefined) return reply(204);
  refuseIfRunning(s, name);
  const props = asObject(s.body.properties)!;
  const managed = ((props.resources as { id: string }[] | undefined) ?? []).map((r) => r.id);
  authorizeUnmanagedDeletes(ctx, req.principalId, managed, unmanageAction);
  props.provisioningState = 'deleting';
  const types = managed.map((id) => getResource(ctx, id)?.type ?? '');
  const op = startOperation(ctx, 'stackDelete', stackId(sub, name), { managed, unmanageAction }, latencyFor(ctx, types));
  s.operationId = op.id;
  ctx.store.save();
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

registerFinisher('stackDelete', (ctx, op) => {
  const { managed, unmanageAction } = op.payload as { managed: string[]; unmanageAction: { resources: string; resourceGroups: string } };
  unmanage(ctx, managed, unmanageAction);
  const deploymentId = asObject(ctx.store.data.stacks[key(op.target)]?.body.properties)?.deploymentId;
  if (typeof deploymentId === 'string') forgetDeployment(ctx, deploymentId);
  delete ctx.store.data.stacks[key(op.target)];
});

export async function validateStack(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  const def = readStackDefinition(req, name);
  authorizeDenySettings(ctx, req, def, stackId(sub, name));
  const plan = await planTemplate(ctx, { template: def.properties.template, templateLink: def.properties.templateLink, parameters: def.properties.parameters, location: def.location, deploymentName: name, principalId: req.principalId, stackId: stackId(sub, name) });
  const id = stackId(sub, name);
  const op = startOperation(ctx, 'stackValidate', id, undefined, 0);
  // DeploymentStackValidateResult (deploymentStacks.json 2024-03-01)
  op.result = {
    id,
    name,
    type: stackType,
    properties: {
      ...normalisedSettings(def.properties),
      parameters: withoutSecureValues(def.properties.parameters, def.properties.template),
      ...(def.properties.description === undefined ? {} : { description: def.properties.description }),
      correlationId: randomUUID(),
      validatedResources: plan.resources.map((r) => ({ id: r.id })),
    },
  };
  ctx.store.save();
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

export function exportStackTemplate(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, stackType);
  checkSubscription(ctx, sub);
  const s = findStack(ctx, sub, name);
  if (s === undefined) throw stackNotFound(name);
  return reply(200, { template: s.template ?? {} });
}

/** Stack parameters as ARM answers with them: a securestring/secureobject parameter without its value. */
function withoutSecureValues(parameters: unknown, template: unknown): Record<string, unknown> {
  const declared = asObject(asObject(template)?.parameters) ?? {};
  const secure = new Set(Object.entries(declared).filter(([, p]) => /^secure(string|object)$/i.test(String(asObject(p)?.type))).map(([n]) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(asObject(parameters) ?? {}).map(([n, p]) => (secure.has(n.toLowerCase()) ? [n, {}] : [n, p])));
}

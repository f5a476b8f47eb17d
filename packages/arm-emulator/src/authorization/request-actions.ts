// Which action an ARM request needs, on which scope — for every route the emulator serves (router.ts),
// checked before the handler runs: a table on the same patterns (arm-paths.ts), else the resource id's.
// Operation names follow ARM's rule "<provider>/<type>/read|write|delete" for CRUD and
// "<provider>/<type>/<operation>/action" for POST operations ("Azure resource provider operations",
// learn.microsoft.com/azure/role-based-access-control/permissions/…); resource groups are
// authorized under Microsoft.Resources/subscriptions/resourceGroups; provider registration is
// "<namespace>/register/action" on the subscription; stack what-if results are their own type
// (Microsoft.Resources/deploymentStacksWhatIfResults/read|write|delete and …/whatIf/action, as the
// operations list names them — custom roles for stack onboarding quote these four). Linked actions of a write come from
// packages/core/src/arm/required-actions.ts (the one source shared with bootstrap's coverage check).
import { actionPrefix, actionsForDelete, actionsForWrite, typeOfResourceId } from '@complianceflow/core/arm/required-actions.ts';
import { armResources, deletedVault, group, keyVault, providers, subscription } from '../arm-paths.ts';
import type { Context } from '../context.ts';
import { jobPathOf } from '../handlers/jobs.ts';
import { powerActionOf } from '../handlers/server-power.ts';
import { asObject, type Reply, type Request } from '../http.ts';
import { isWithin, parseResourceId } from '../ids.ts';
import { lookup, surfaces, type Params, type Row } from '../route-table.ts';
import { assignments, authorize, authorizationFailed, decide, linkedAuthorizationFailed, roleAssignmentAttributes, roleAssignmentType, type Attributes } from './engine.ts';

export interface RequestCheck {
  action: string;
  scope: string;
  linked?: { action: string; scope: string }[];
  attributes?: Attributes;
  /** A list: the items are filtered to what the caller may read (ARM lists only those). */
  list?: boolean;
  /** The subscriptions list: never refused, it shows the subscriptions where the caller holds a role. */
  subscriptions?: boolean;
}

const at = (action: string, scope: string, extra: Partial<RequestCheck> = {}): RequestCheck => ({ action, scope, ...extra });

function parsedBody(req: Request): Record<string, unknown> | undefined {
  try {
    return asObject(JSON.parse(req.rawBody));
  } catch {
    return undefined;
  }
}

const crud = (method: string, type: string, id: string): RequestCheck | undefined => {
  const prefix = actionPrefix(type);
  if (method === 'GET' || method === 'HEAD') return at(`${prefix}/read`, id);
  if (method === 'PUT' || method === 'PATCH') return at(`${prefix}/write`, id);
  if (method === 'DELETE') return at(`${prefix}/delete`, id);
  return undefined;
};

type Check = (ctx: Context, req: Request, p: Params) => RequestCheck | undefined;

/** The request's first `count` path segments, decoded, as the scope an action is checked on. */
const scopeOf = (req: Request, count: number): string => `/${req.path.split('/').filter((s) => s !== '').slice(0, count).map(decodeURIComponent).join('/')}`;
const subScope = (p: Params): string => `/subscriptions/${p.subscription}`;
const groupScope = (p: Params): string => `${subScope(p)}/resourceGroups/${p.group}`;
const listAt =
  (action: string, scope: (p: Params) => string): Check =>
  (_ctx, _req, p) =>
    at(action, scope(p), { list: true });
const none: Check = () => undefined;

/** Polling an operation reads what it works on. */
const pollCheck: Check = (ctx, _req, p) => {
  const op = ctx.store.data.operations[p.operation];
  const type = op === undefined ? undefined : typeOfResourceId(op.target);
  return type === undefined ? undefined : at(`${actionPrefix(type)}/read`, op!.target);
};

/** A Microsoft.Resources collection at subscription level (stacks, stack what-if results, deployments). */
function collectionRows(kind: string, type: string): Row<Check>[] {
  const base = `${armResources}/${kind}`;
  const action: Check = (_ctx, req, p) => at(`${type}/${p.action}/action`, scopeOf(req, 6));
  return [
    ['*', base, listAt(`${type}/read`, subScope)],
    ['*', `${base}/:name`, (_ctx, req) => crud(req.method, type, scopeOf(req, 6))],
    ['POST', `${base}/:name/:action(operations)`, action],
    ['*', `${base}/:name/:action(operations)`, (_ctx, req) => at(`${type}/operations/read`, scopeOf(req, 6))],
    ['POST', `${base}/:name/:action`, action],
    ['*', `${base}/*`, none],
  ];
}

/** What each ARM surface needs; a path none matches is a resource id (resourceCheck). */
const table = surfaces<Check>([
  ['GET', '/subscriptions', (ctx) => at('Microsoft.Resources/subscriptions/read', `/subscriptions/${ctx.subscriptionId}`, { list: true, subscriptions: true })],
  ['GET', subscription, (_ctx, _req, p) => at('Microsoft.Resources/subscriptions/read', subScope(p))],
  ['*', `${subscription}/resources`, listAt('Microsoft.Resources/subscriptions/resources/read', subScope)],
  ['*', `${subscription}/resourcegroups`, listAt('Microsoft.Resources/subscriptions/resourceGroups/read', subScope)],
  ['*', group, (_ctx, req, p) => crud(req.method, 'Microsoft.Resources/resourceGroups', groupScope(p))],
  ['*', `${group}/resources`, listAt('Microsoft.Resources/subscriptions/resourceGroups/resources/read', groupScope)],
  ['*', `${group}{/providers/microsoft.resources}?/deployments/:name/operations`, (_ctx, _req, p) => at('Microsoft.Resources/deployments/operations/read', `${groupScope(p)}/providers/Microsoft.Resources/deployments/${p.name}`)],
  ['*', `${providers}/:namespace/register`, (_ctx, _req, p) => at(`${p.namespace}/register/action`, subScope(p))],
  ['*', `${providers}/:namespace/unregister`, (_ctx, _req, p) => at(`${p.namespace}/unregister/action`, subScope(p))],
  ['*', providers, (_ctx, _req, p) => at('Microsoft.Resources/subscriptions/providers/read', subScope(p))],
  ['*', `${providers}/:namespace`, (_ctx, _req, p) => at('Microsoft.Resources/subscriptions/providers/read', subScope(p))],
  ['*', `${keyVault}/deletedvaults`, listAt('Microsoft.KeyVault/deletedVaults/read', subScope)],
  ['*', deletedVault, (_ctx, req) => at('Microsoft.KeyVault/locations/deletedVaults/read', scopeOf(req, 8))],
  ['*', `${deletedVault}/purge`, (_ctx, req) => at('Microsoft.KeyVault/locations/deletedVaults/purge/action', scopeOf(req, 8))],
  ['*', `${armResources}/operationstatuses/:operation`, pollCheck],
  ['*', `${armResources}/operationresults/:operation`, pollCheck],
  ...collectionRows('deploymentstacks', 'Microsoft.Resources/deploymentStacks'),
  ...collectionRows('deploymentstackswhatifresults', 'Microsoft.Resources/deploymentStacksWhatIfResults'),
  ...collectionRows('deployments', 'Microsoft.Resources/deployments'),
]);

const anySubscription = new URLPattern({ pathname: `${subscription}{/*}?` }, { ignoreCase: true });

/** The check a request needs, or undefined when the handler answers without touching anything (404/405/400). */
export function requestCheck(ctx: Context, req: Request): RequestCheck | undefined {
  const sub = anySubscription.exec({ pathname: req.path })?.pathname.groups.subscription;
  // Another subscription does not exist here: the handler answers SubscriptionNotFound as ARM does.
  if (sub !== undefined && decodeURIComponent(sub).toLowerCase() !== ctx.subscriptionId.toLowerCase()) return undefined;
  const found = lookup(table, req.method, req.path);
  if (found === 'no method') return undefined;
  if (found !== undefined) return found.handler(ctx, req, found.params);
  return sub === undefined ? undefined : resourceCheck(ctx, req);
}

function resourceCheck(ctx: Context, req: Request): RequestCheck | undefined {
  const job = jobPathOf(req.path);
  if (job !== undefined) {
    const [first, , third] = job.rest.map((s) => s.toLowerCase());
    if (req.method === 'POST' && first === 'start') return at('Microsoft.App/jobs/start/action', job.jobId);
    // Azure permissions for Compute, Microsoft.App: jobs/stop/execution/action stops one execution (stop/action stops several).
    if (req.method === 'POST' && first === 'executions' && third === 'stop') return at('Microsoft.App/jobs/stop/execution/action', job.jobId);
    if (req.method === 'GET' && first === 'executions') return at('Microsoft.App/jobs/executions/read', job.jobId);
    return undefined;
  }
  if (req.method === 'POST') {
    const cut = req.path.lastIndexOf('/');
    const last = req.path.slice(cut + 1);
    const target = parseResourceId(req.path.slice(0, cut));
    if (target === undefined) return undefined;
    if (last.toLowerCase() === 'listkeys') return at(`${actionPrefix(target.type)}/listKeys/action`, target.id);
    const power = powerActionOf(req.path);
    return power === undefined ? undefined : at(`${target.type}/${power.action}/action`, power.server);
  }
  const rid = parseResourceId(req.path);
  if (rid === undefined) return undefined;
  const base = crud(req.method, rid.type, rid.id);
  if (base === undefined) return undefined;
  const isAssignment = rid.type.toLowerCase() === roleAssignmentType;
  const existing = ctx.store.data.resources[rid.id.toLowerCase()];
  const resourceAttributes = isAssignment && existing !== undefined ? roleAssignmentAttributes(existing.body) : undefined;
  if (req.method === 'PUT' || req.method === 'PATCH') {
    const body = parsedBody(req) ?? {};
    const linked = actionsForWrite({ id: rid.id, type: rid.type, body })
      .filter((a) => a.linked && a.approval !== true)
      .map((a) => ({ action: a.action, scope: a.scope }));
    return { ...base, linked, ...(isAssignment ? { attributes: { request: roleAssignmentAttributes(body), ...(resourceAttributes === undefined ? {} : { resource: resourceAttributes }) } } : {}) };
  }
  if (req.method === 'DELETE') {
    const linked = actionsForDelete(rid.id, rid.type).filter((a) => a.linked).map((a) => ({ action: a.action, scope: a.scope }));
    return { ...base, linked, ...(resourceAttributes === undefined ? {} : { attributes: { resource: resourceAttributes } }) };
  }
  return base;
}

/** Refuses the request (403) unless the caller holds its action and every linked action. */
export function enforceRequest(ctx: Context, req: Request): RequestCheck | undefined {
  const check = requestCheck(ctx, req);
  if (check === undefined) return undefined;
  if (check.subscriptions === true) return check;
  if (check.list === true) {
    // A list answers with what the caller may read; with no role assignment at, above or below the
    // scope there is nothing it may see, and ARM refuses the list itself.
    const who = req.principalId.toLowerCase();
    const any = assignments(ctx).some((a) => a.principalId === who && (a.scope === '/' || isWithin(check.scope, a.scope) || isWithin(a.scope, check.scope)));
    if (!any) throw authorizationFailed(req.principalId, check.action, check.scope);
    return check;
  }
  authorize(ctx, req.principalId, check.action, check.scope, check.attributes === undefined ? {} : { attributes: check.attributes });
  const missing = (check.linked ?? []).filter((l) => decide(ctx, req.principalId, l.action, l.scope) !== 'granted');
  if (missing.length > 0) throw linkedAuthorizationFailed(req.principalId, { action: check.action, scope: check.scope }, missing);
  return check;
}

/** A list reply with only the items the caller may read. */
export function readableOnly(ctx: Context, req: Request, check: RequestCheck | undefined, r: Reply): Reply {
  if (check?.list !== true || r.status !== 200) return r;
  const body = asObject(r.body);
  if (body === undefined || !Array.isArray(body.value)) return r;
  const who = req.principalId.toLowerCase();
  const value = body.value.filter((item) => {
    const id = asObject(item)?.id;
    if (typeof id !== 'string') return true;
    if (check.subscriptions === true) return assignments(ctx).some((a) => a.principalId === who && (a.scope === '/' || isWithin(a.scope, id) || isWithin(id, a.scope)));
    const type = typeOfResourceId(id);
    if (type === undefined) return true;
    return decide(ctx, req.principalId, `${actionPrefix(type)}/read`, id) === 'granted';
  });
  return { ...r, body: { ...body, value } };
}

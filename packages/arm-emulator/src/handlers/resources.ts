// Any resource by id (GET/PUT/PATCH/DELETE, POST listKeys) for the types in catalog.ts: the
// resources bootstrap creates (policy definitions/set definitions/assignments, budgets, cost
// scheduled actions, role definitions/assignments, storage accounts, Network Watcher) and every
// type a template can create. Shapes: specification/resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json
// #/definitions/GenericResource plus the per-type derived values in fill.ts.
import { checkApiVersion } from '../api-version.ts';
import { checkAssignmentCondition, checkRoleDefinitionExists, roleAssignmentType } from '../authorization/engine.ts';
import { applyConnectionStatuses, connectionStatuses } from '../authorization/private-link.ts';
import { builtInRoleBody } from '../authorization/builtin-roles.ts';
import type { Context } from '../context.ts';
import { checkDenySettings } from '../deny.ts';
import { ArmError, resourceGroupNotFound, resourceNotFound } from '../errors.ts';
import { failureFor } from '../faults.ts';
import { declaredPart } from '../fill.ts';
import { asObject, jsonBody, reply, type Reply, type Request } from '../http.ts';
import { parseResourceId, type ResourceId } from '../ids.ts';
import { checkPolicy, policyView } from '../policy.ts';
import { claimDeletedVault } from './deleted-vaults.ts';
import { deleteResourceTree, getResource, missingResourceGroup, putResource } from '../store-ops.ts';
import { requireRegistered } from './providers.ts';
import { checkSubscription } from './subscriptions.ts';

export function responseBody(body: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, ...rest } = body;
  return rest;
}

function target(ctx: Context, req: Request, path: string): { rid: ResourceId; apiVersion: string; type: string } {
  const rid = parseResourceId(path);
  if (rid === undefined) throw new ArmError(400, 'InvalidResourceId', `The resource id '${path}' is not valid.`);
  const { apiVersion, type } = checkApiVersion(req, rid.type);
  checkSubscription(ctx, rid.subscriptionId);
  return { rid, apiVersion, type };
}

function notFound(rid: ResourceId): ArmError {
  return resourceNotFound(rid.type, rid.name, rid.resourceGroup);
}

export function getGenericResource(ctx: Context, req: Request, path: string): Reply {
  const { rid } = target(ctx, req, path);
  const group = missingResourceGroup(ctx, rid.id);
  if (group !== undefined) throw resourceGroupNotFound(group);
  const r = getResource(ctx, rid.id);
  if (r === undefined) {
    const builtIn = rid.type.toLowerCase() === 'microsoft.authorization/roledefinitions' ? builtInRoleBody(rid.id, rid.name) : undefined;
    if (builtIn !== undefined) return reply(200, builtIn);
    throw notFound(rid);
  }
  return reply(200, responseBody(r.body));
}

function write(ctx: Context, req: Request, path: string, merge: boolean): Reply {
  const { rid, apiVersion, type } = target(ctx, req, path);
  const body = jsonBody(req);
  requireRegistered(ctx, rid.namespace);
  const group = missingResourceGroup(ctx, rid.id);
  if (group !== undefined) throw resourceGroupNotFound(group);
  if (rid.parent !== undefined && getResource(ctx, rid.parent) === undefined) {
    const parent = parseResourceId(rid.parent);
    throw new ArmError(404, 'ParentResourceNotFound', `Can not perform requested operation on nested resource. Parent resource '${parent?.name ?? rid.parent}' not found.`);
  }
  const existing = getResource(ctx, rid.id);
  if (merge && existing === undefined) throw notFound(rid);
  const declared = merge ? deepMerge(existing!.declared, declaredPart(body)) : declaredPart(body);
  if (type.toLowerCase() === roleAssignmentType) {
    checkRoleDefinitionExists(ctx, declared);
    checkAssignmentCondition(declared);
  }
  checkDenySettings(ctx, rid.id, type, 'write', req.principalId);
  checkPolicy(ctx.policy, policyView(ctx.store.data.resources), { id: rid.id, type, name: rid.name, body: declared });
  const failure = failureFor(ctx.options.faults, type);
  if (failure !== undefined) throw new ArmError(400, failure, `The resource operation for '${rid.id}' failed with '${failure}' (injected fault).`);
  if (existing === undefined) claimDeletedVault(ctx, rid.subscriptionId, type, rid.name, declared);
  const statuses = connectionStatuses(ctx, req.principalId, { id: rid.id, type, body: declared });
  const { stored, created } = putResource(ctx, { id: rid.id, type, name: existing?.name ?? rid.name, apiVersion, declared });
  applyConnectionStatuses(ctx, stored.id, statuses);
  ctx.store.save();
  return reply(created ? 201 : 200, responseBody(stored.body));
}

export const putGenericResource = (ctx: Context, req: Request, path: string): Reply => write(ctx, req, path, false);
export const patchGenericResource = (ctx: Context, req: Request, path: string): Reply => write(ctx, req, path, true);

export function deleteGenericResource(ctx: Context, req: Request, path: string): Reply {
  const { rid, type } = target(ctx, req, path);
  const r = getResource(ctx, rid.id);
  if (r === undefined) return reply(204);
  checkDenySettings(ctx, rid.id, type, 'delete', req.principalId);
  deleteResourceTree(ctx, rid.id);
  ctx.store.save();
  return reply(200);
}

/** POST {id}/listKeys (storage accounts, Event Hubs rules, Redis databases …). */
export function listKeys(ctx: Context, req: Request, path: string): Reply {
  const { rid } = target(ctx, req, path);
  const r = getResource(ctx, rid.id);
  if (r === undefined) throw notFound(rid);
  if (r.keys === undefined) throw new ArmError(400, 'InvalidResourceOperation', `The resource type '${r.type}' does not support the operation 'listKeys'.`);
  return reply(200, r.keys);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = asObject(out[k]);
    const bv = asObject(v);
    out[k] = av !== undefined && bv !== undefined && k !== 'tags' ? deepMerge(av, bv) : v;
  }
  return out;
}

// Resource groups (specification/resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json
// #/definitions/ResourceGroup): CRUD, list, delete (LRO via Location) cascading to what they contain.
import { checkApiVersion } from '../api-version.ts';
import type { Context } from '../context.ts';
import { latencyFor } from '../context.ts';
import { checkDenySettings } from '../deny.ts';
import { ArmError, resourceGroupNotFound } from '../errors.ts';
import { asObject, jsonBody, reply, type Reply, type Request } from '../http.ts';
import { isWithin, resourceGroupId } from '../ids.ts';
import { locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { page } from '../paging.ts';
import { checkPolicy, policyView } from '../policy.ts';
import { deleteResourceTree, getResource, isResourceGroupType, putResource } from '../store-ops.ts';
import { checkSubscription } from './subscriptions.ts';

const rgType = 'Microsoft.Resources/resourceGroups';

function groupBody(ctx: Context, id: string): Record<string, unknown> {
  const rg = getResource(ctx, id);
  if (rg === undefined) throw resourceGroupNotFound(id.split('/').pop() ?? id);
  const { apiVersion: _a, ...body } = rg.body;
  return body;
}

export function putResourceGroup(ctx: Context, req: Request, sub: string, name: string): Reply {
  const { apiVersion } = checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  const body = jsonBody(req);
  if (typeof body.location !== 'string' || body.location === '') throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.')) {
    throw new ArmError(400, 'InvalidResourceGroupName', `The resource group name '${name}' is invalid. It can include alphanumeric, underscore, parentheses, hyphen, period (except at end), and Unicode characters that match the allowed characters.`);
  }
  const id = resourceGroupId(ctx.subscriptionId, name);
  const existing = getResource(ctx, id);
  if (existing !== undefined && String(existing.body.location).toLowerCase() !== body.location.toLowerCase()) {
    throw new ArmError(409, 'InvalidResourceGroupLocation', `Invalid resource group location '${body.location}'. The Resource group already exists in location '${String(existing.body.location)}'.`);
  }
  checkDenySettings(ctx, id, rgType, 'write', req.principalId);
  const declared: Record<string, unknown> = { location: body.location };
  if (body.tags !== undefined) declared.tags = body.tags;
  if (body.managedBy !== undefined) declared.managedBy = body.managedBy;
  checkPolicy(ctx.policy, policyView(ctx.store.data.resources), { id, type: rgType, name, body: declared });
  const { created } = putResource(ctx, { id, type: rgType, name: existing?.name ?? name, apiVersion, declared });
  ctx.store.save();
  return reply(created ? 201 : 200, groupBody(ctx, id));
}

export function getResourceGroup(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  return reply(200, groupBody(ctx, resourceGroupId(sub, name)));
}

export function headResourceGroup(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  return reply(getResource(ctx, resourceGroupId(sub, name)) === undefined ? 404 : 204);
}

export function patchResourceGroup(ctx: Context, req: Request, sub: string, name: string): Reply {
  const { apiVersion } = checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  const id = resourceGroupId(sub, name);
  const existing = getResource(ctx, id);
  if (existing === undefined) throw resourceGroupNotFound(name);
  const body = jsonBody(req);
  checkDenySettings(ctx, id, rgType, 'write', req.principalId);
  const declared = { ...existing.declared, ...(body.tags === undefined ? {} : { tags: body.tags }), ...(body.managedBy === undefined ? {} : { managedBy: body.managedBy }) };
  putResource(ctx, { id, type: rgType, name: existing.name, apiVersion, declared });
  ctx.store.save();
  return reply(200, groupBody(ctx, id));
}

export function listResourceGroups(ctx: Context, req: Request, sub: string): Reply {
  checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  const groups = Object.values(ctx.store.data.resources).filter((r) => isResourceGroupType(r.type)).map((r) => groupBody(ctx, r.id));
  return reply(200, page(req, groups));
}

export function deleteResourceGroup(ctx: Context, req: Request, sub: string, name: string): Reply {
  const { apiVersion } = checkApiVersion(req, rgType);
  checkSubscription(ctx, sub);
  const id = resourceGroupId(sub, name);
  const rg = getResource(ctx, id);
  if (rg === undefined) return reply(204);
  const contained = Object.values(ctx.store.data.resources).filter((r) => isWithin(r.id, id));
  for (const r of contained) checkDenySettings(ctx, r.id, r.type, 'delete', req.principalId);
  const props = asObject(rg.body.properties) ?? {};
  props.provisioningState = 'Deleting';
  rg.body.properties = props;
  const op = startOperation(ctx, 'resourceGroupDelete', id, { id }, latencyFor(ctx, contained.map((r) => r.type)));
  ctx.store.save();
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

registerFinisher('resourceGroupDelete', (ctx, op) => {
  deleteResourceTree(ctx, (op.payload as { id: string }).id);
});

/** GET …/resourceGroups/{rg}/resources and GET /subscriptions/{s}/resources (GenericResourceExpanded). */
export function listResources(ctx: Context, req: Request, sub: string, group?: string): Reply {
  checkApiVersion(req, 'Microsoft.Resources/resources');
  checkSubscription(ctx, sub);
  const scope = group === undefined ? `/subscriptions/${sub}` : resourceGroupId(sub, group);
  if (group !== undefined && getResource(ctx, scope) === undefined) throw resourceGroupNotFound(group);
  const items = Object.values(ctx.store.data.resources)
    .filter((r) => isWithin(r.id, scope) && !isResourceGroupType(r.type))
    .map((r) => {
      const { properties: _p, ...rest } = r.body;
      return rest;
    });
  return reply(200, page(req, items));
}

// Stack what-if results at subscription scope (api 2025-07-01 only), as in
// specification/resources/resource-manager/Microsoft.Resources/deploymentStacks/stable/2025-07-01/deploymentStacks.json
// (DeploymentStacksWhatIfResults_*AtSubscription): PUT (LRO, Azure-AsyncOperation), GET, list,
// DELETE, POST …/whatIf (LRO, Location) → properties.changes with camelCase change types.
import { randomUUID } from 'node:crypto';
import { checkApiVersion } from '../api-version.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, reply, type Reply, type Request } from '../http.ts';
import { key, parseResourceId } from '../ids.ts';
import { advance, asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { page } from '../paging.ts';
import { checksCallerAccess, planTemplate } from '../plan.ts';
import { lostSecureValues, redactParameters, scrubSecrets } from '../secure.ts';
import { stackWhatIf } from '../whatif.ts';
import { readStackDefinition } from './stacks.ts';
import { checkSubscription } from './subscriptions.ts';

const whatIfType = 'Microsoft.Resources/deploymentStacksWhatIfResults';
const resultId = (sub: string, name: string): string => `/subscriptions/${sub}/providers/${whatIfType}/${name}`;

function notFound(name: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `The Resource '${whatIfType}/${name}' under resource group '<null>' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}

/**
 * The result as answered: secure parameters without their values (the stored body keeps them, in
 * memory only, to run the what-if again) and no remembered secure value anywhere in it.
 */
function publicResult(ctx: Context, body: Record<string, unknown>): Record<string, unknown> {
  const props = asObject(body.properties)!;
  return scrubSecrets({ ...body, properties: { ...props, parameters: redactParameters(props.parameters, props.template, 'stack') } }, ctx.store.secrets);
}

async function computeChanges(ctx: Context, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const props = asObject(body.properties)!;
  if (lostSecureValues(props.parameters)) {
    throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid: the what-if result '${String(body.name)}' was stored before the emulator restarted and the emulator keeps no secure parameter values on disk; create it again (PUT) with its parameters.`);
  }
  const stackRef = String(props.deploymentStackResourceId);
  const stack = ctx.store.data.stacks[key(stackRef)];
  const stackProps = asObject(stack?.body.properties);
  const stackName = parseResourceId(stackRef)?.name ?? String(body.name);
  const plan = await planTemplate(ctx, { template: props.template, templateLink: props.templateLink, parameters: props.parameters, location: String(body.location), deploymentName: stackName, principalId: String(asObject(body.systemData)?.lastModifiedBy ?? ''), stackId: stackRef, checkAccess: checksCallerAccess(props) });
  return stackWhatIf(ctx, {
    plan,
    managed: ((stackProps?.resources as { id: string }[] | undefined) ?? []).map((r) => r.id),
    actionOnUnmanage: props.actionOnUnmanage as { resources: string; resourceGroups: string },
    ...(stackProps?.denySettings === undefined ? {} : { denyBefore: asObject(stackProps.denySettings) }),
    denyAfter: asObject(props.denySettings)!,
  });
}

export async function putStackWhatIf(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, whatIfType);
  checkSubscription(ctx, sub);
  const def = readStackDefinition(req, name);
  const stackRef = def.properties.deploymentStackResourceId;
  if (typeof stackRef !== 'string' || parseResourceId(stackRef)?.type.toLowerCase() !== 'microsoft.resources/deploymentstacks') {
    throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Required property 'deploymentStackResourceId' (a deployment stack id) not found in JSON. Path 'properties'.'.");
  }
  const a = asObject(def.properties.actionOnUnmanage)!;
  const d = asObject(def.properties.denySettings)!;
  const id = resultId(sub, name);
  const now = new Date().toISOString();
  const body: Record<string, unknown> = {
    id,
    type: whatIfType,
    name,
    location: def.location,
    systemData: { createdBy: req.principalId, createdByType: 'User', createdAt: now, lastModifiedBy: req.principalId, lastModifiedByType: 'User', lastModifiedAt: now },
    properties: {
      deploymentStackResourceId: stackRef,
      ...(asObject(ctx.store.data.stacks[key(stackRef)]?.body.systemData)?.lastModifiedAt === undefined
        ? {}
        : { deploymentStackLastModified: asObject(ctx.store.data.stacks[key(stackRef)]?.body.systemData)?.lastModifiedAt }),
      retentionInterval: def.properties.retentionInterval ?? 'P7D',
      correlationId: randomUUID(),
      ...(def.properties.template === undefined ? {} : { template: def.properties.template }),
      parameters: def.properties.parameters ?? {},
      ...(def.properties.validationLevel === undefined ? {} : { validationLevel: def.properties.validationLevel }),
      actionOnUnmanage: { resources: a.resources, resourceGroups: a.resourceGroups ?? 'detach', managementGroups: a.managementGroups ?? 'detach' },
      denySettings: { mode: d.mode, excludedPrincipals: d.excludedPrincipals ?? [], excludedActions: d.excludedActions ?? [], applyToChildScopes: d.applyToChildScopes ?? false },
      provisioningState: 'running',
    },
  };
  const changes = await computeChanges(ctx, body);
  (body.properties as Record<string, unknown>).changes = changes;
  const created = ctx.store.data.stackWhatIfResults[key(id)] === undefined;
  ctx.store.data.stackWhatIfResults[key(id)] = body;
  const op = startOperation(ctx, 'stackWhatIf', id, undefined, 0);
  ctx.store.save('stackWhatIfResults', 'operations');
  return reply(created ? 201 : 200, publicResult(ctx, body), asyncOperationHeaders(req.origin, sub, op, apiVersion));
}

registerFinisher('stackWhatIf', (ctx, op) => {
  const body = ctx.store.data.stackWhatIfResults[key(op.target)];
  const props = asObject(body?.properties);
  if (props !== undefined) props.provisioningState = 'succeeded';
});

function find(ctx: Context, sub: string, name: string): Record<string, unknown> {
  const r = ctx.store.data.stackWhatIfResults[key(resultId(sub, name))];
  if (r === undefined) throw notFound(name);
  return r;
}

export function getStackWhatIf(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, whatIfType);
  checkSubscription(ctx, sub);
  return reply(200, publicResult(ctx, find(ctx, sub, name)));
}

export function listStackWhatIfs(ctx: Context, req: Request, sub: string): Reply {
  checkApiVersion(req, whatIfType);
  checkSubscription(ctx, sub);
  return reply(200, page(req, Object.values(ctx.store.data.stackWhatIfResults).map((body) => publicResult(ctx, body))));
}

export function deleteStackWhatIf(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, whatIfType);
  checkSubscription(ctx, sub);
  const k = key(resultId(sub, name));
  if (ctx.store.data.stackWhatIfResults[k] === undefined) return reply(204);
  delete ctx.store.data.stackWhatIfResults[k];
  ctx.store.save('stackWhatIfResults');
  return reply(200);
}

export async function runStackWhatIf(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, whatIfType);
  checkSubscription(ctx, sub);
  advance(ctx);
  const body = find(ctx, sub, name);
  const changes = await computeChanges(ctx, body);
  const props = body.properties as Record<string, unknown>;
  props.changes = changes;
  props.provisioningState = 'succeeded';
  const op = startOperation(ctx, 'stackWhatIf', resultId(sub, name), undefined, 0);
  op.result = publicResult(ctx, body);
  ctx.store.save('stackWhatIfResults', 'operations');
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

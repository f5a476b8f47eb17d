// Deployments at subscription scope, as in
// specification/resources/resource-manager/Microsoft.Resources/deployments/stable/2025-04-01/deployments.json:
// PUT (LRO, Azure-AsyncOperation; provisioningState Accepted → Running → Succeeded/Failed), GET, list,
// validate (POST, LRO Location), what-if (POST, LRO Location), operations list.
import { createHash, randomUUID } from 'node:crypto';
import { checkApiVersion } from '../api-version.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, jsonBody, reply, type Reply, type Request } from '../http.ts';
import { key } from '../ids.ts';
import { advance, asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { page } from '../paging.ts';
import { applyPlan, checksCallerAccess, isoDuration, planTemplate, type Plan } from '../plan.ts';
import type { DeploymentRecord } from '../state.ts';
import { redactParameters } from '../secure.ts';
import { deploymentWhatIf } from '../whatif.ts';
import { findLiveDeployment, operationsAt } from './deployment-operations.ts';
import { autoRegister } from './providers.ts';
import { checkSubscription } from './subscriptions.ts';

const deploymentType = 'Microsoft.Resources/deployments';
const deploymentId = (sub: string, name: string): string => `/subscriptions/${sub}/providers/${deploymentType}/${name}`;

function checkName(name: string): void {
  if (!/^[-\w._()]{1,64}$/.test(name)) throw new ArmError(400, 'InvalidDeploymentName', `The deployment name '${name}' is invalid. It must be 1-64 characters of letters, digits, '-', '.', '_', '(' and ')'.`);
}

interface DeploymentInput {
  location: string;
  properties: Record<string, unknown>;
  tags?: unknown;
}

function readDeployment(req: Request): DeploymentInput {
  const body = jsonBody(req);
  if (typeof body.location !== 'string' || body.location === '') throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  const properties = asObject(body.properties);
  if (properties === undefined) throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Required property 'properties' not found in JSON.'.");
  const mode = properties.mode ?? 'Incremental';
  if (mode !== 'Incremental') throw new ArmError(400, 'InvalidDeploymentMode', `The deployment mode '${String(mode)}' is not supported for deployments at subscription scope. Please use 'Incremental'.`);
  return { location: body.location, properties, tags: body.tags };
}

const plan = (ctx: Context, req: Request, name: string, d: DeploymentInput, checkAccess = true): Promise<Plan> =>
  planTemplate(ctx, { template: d.properties.template, templateLink: d.properties.templateLink, parameters: d.properties.parameters, location: d.location, deploymentName: name, principalId: req.principalId, checkAccess });

const templateHash = (template: unknown): string => BigInt(`0x${createHash('sha256').update(JSON.stringify(template ?? {})).digest('hex').slice(0, 15)}`).toString();

function findDeployment(ctx: Context, sub: string, name: string): DeploymentRecord | undefined {
  return ctx.store.data.deployments[key(deploymentId(sub, name))];
}

function notFound(name: string): ArmError {
  return new ArmError(404, 'DeploymentNotFound', `Deployment '${name}' could not be found.`);
}

export async function putDeployment(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  checkName(name);
  const input = readDeployment(req);
  advance(ctx);
  const refuseIfActive = (): void => {
    const existing = findDeployment(ctx, sub, name);
    const state = String(asObject(existing?.body.properties)?.provisioningState ?? '');
    if (state === 'Accepted' || state === 'Running') {
      throw new ArmError(409, 'DeploymentActive', `Unable to edit or replace deployment '${name}': previous deployment from '${String(asObject(existing?.body.properties)?.timestamp)}' is still active. Please see https://aka.ms/arm-deploy for usage details.`);
    }
  };
  refuseIfActive();
  const p = await plan(ctx, req, name, input, checksCallerAccess(input.properties));
  refuseIfActive();
  const id = deploymentId(sub, name);
  const body: Record<string, unknown> = {
    id,
    name,
    type: deploymentType,
    location: input.location,
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    properties: {
      templateHash: templateHash(input.properties.template),
      parameters: redactParameters(input.properties.parameters, input.properties.template, 'deployment'),
      mode: 'Incremental',
      provisioningState: 'Accepted',
      timestamp: new Date().toISOString(),
      duration: 'PT0S',
      correlationId: randomUUID(),
      providers: [...new Set(p.resources.map((r) => r.type.split('/')[0]!))].map((namespace) => ({ namespace, resourceTypes: [] })),
      dependencies: [],
    },
  };
  const op = startOperation(ctx, 'deploymentPut', id, { plan: p }, p.durationMs);
  const created = findDeployment(ctx, sub, name) === undefined;
  ctx.store.data.deployments[key(id)] = { body, operations: [], operationId: op.id };
  autoRegister(ctx, p.resources.map((r) => r.type.split('/')[0] ?? ''));
  ctx.store.save();
  return reply(created ? 201 : 200, body, asyncOperationHeaders(req.origin, sub, op, apiVersion));
}

registerFinisher('deploymentPut', (ctx, op) => {
  const d = ctx.store.data.deployments[key(op.target)];
  if (d === undefined) return;
  const { plan: p } = op.payload as { plan: Plan };
  const applied = applyPlan(ctx, p);
  const props = asObject(d.body.properties)!;
  const failed = new Map(applied.failed.map((f) => [key(f.id), f.error]));
  const timestamp = new Date(op.readyAt).toISOString();
  d.operations = p.resources.map((r) => {
    const operationId = createHash('sha256').update(`${op.id}|${r.id}`).digest('hex').slice(0, 16).toUpperCase();
    const error = failed.get(key(r.id));
    return {
      id: `${op.target}/operations/${operationId}`,
      operationId,
      properties: {
        provisioningOperation: 'Create',
        provisioningState: error === undefined ? 'Succeeded' : 'Failed',
        timestamp,
        duration: isoDuration(op.readyAt - op.startedAt),
        trackingId: randomUUID(),
        serviceRequestId: randomUUID(),
        statusCode: error === undefined ? 'Created' : 'BadRequest',
        ...(error === undefined ? {} : { statusMessage: { status: 'Failed', error } }),
        targetResource: { id: r.id, resourceType: r.type, resourceName: r.name },
      },
    };
  });
  props.outputs = applied.outputs;
  props.outputResources = applied.created.map((id) => ({ id }));
  props.duration = isoDuration(op.readyAt - op.startedAt);
  props.timestamp = timestamp;
  if (applied.failed.length > 0) {
    props.provisioningState = 'Failed';
    props.error = {
      code: 'DeploymentFailed',
      message: 'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
      details: applied.failed.map((f) => ({ ...f.error, target: f.id })),
    };
    op.status = 'Failed';
    op.error = props.error as typeof op.error;
  } else props.provisioningState = 'Succeeded';
});

export function getDeployment(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  const d = findDeployment(ctx, sub, name);
  if (d === undefined) throw notFound(name);
  const props = asObject(d.body.properties)!;
  if (props.provisioningState === 'Accepted') {
    props.provisioningState = 'Running';
    ctx.store.save();
  }
  return reply(200, d.body);
}

export function listDeployments(ctx: Context, req: Request, sub: string): Reply {
  checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  return reply(200, page(req, Object.values(ctx.store.data.deployments).map((d) => d.body)));
}

export function listDeploymentOperations(ctx: Context, req: Request, sub: string, name: string): Reply {
  checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  advance(ctx);
  const live = findLiveDeployment(ctx, deploymentId(sub, name));
  if (live !== undefined) return reply(200, page(req, operationsAt(live, Date.now())));
  const d = findDeployment(ctx, sub, name);
  if (d === undefined) throw notFound(name);
  return reply(200, page(req, d.operations));
}

/** GET …/resourcegroups/{rg}/deployments/{name}/operations: a nested deployment's operations (deployment-operations.ts). */
export function listGroupDeploymentOperations(ctx: Context, req: Request, sub: string, group: string, name: string): Reply {
  checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  advance(ctx);
  const live = findLiveDeployment(ctx, `/subscriptions/${sub}/resourceGroups/${group}/providers/${deploymentType}/${name}`);
  if (live === undefined) throw notFound(name);
  return reply(200, page(req, operationsAt(live, Date.now())));
}

export async function validateDeployment(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  checkName(name);
  const input = readDeployment(req);
  const p = await plan(ctx, req, name, input);
  const op = startOperation(ctx, 'deploymentValidate', deploymentId(sub, name), undefined, 0);
  op.result = {
    id: deploymentId(sub, name),
    name,
    type: deploymentType,
    location: input.location,
    properties: {
      templateHash: templateHash(input.properties.template),
      parameters: redactParameters(input.properties.parameters, input.properties.template, 'deployment'),
      mode: 'Incremental',
      provisioningState: 'Succeeded',
      timestamp: new Date().toISOString(),
      duration: 'PT0S',
      correlationId: randomUUID(),
      validatedResources: p.resources.map((r) => ({ id: r.id })),
    },
  };
  ctx.store.save();
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

export async function whatIfDeployment(ctx: Context, req: Request, sub: string, name: string): Promise<Reply> {
  const { apiVersion } = checkApiVersion(req, deploymentType);
  checkSubscription(ctx, sub);
  checkName(name);
  const input = readDeployment(req);
  const p = await plan(ctx, req, name, input, checksCallerAccess(input.properties));
  advance(ctx);
  const op = startOperation(ctx, 'deploymentWhatIf', deploymentId(sub, name), undefined, 0);
  // WhatIfOperationResult (deployments.json 2025-04-01)
  op.result = { status: 'Succeeded', properties: { changes: deploymentWhatIf(ctx, p) } };
  ctx.store.save();
  return reply(202, undefined, locationHeaders(req.origin, sub, op, apiVersion));
}

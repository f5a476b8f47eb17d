// The operations of a stack's deployment and of its nested deployments, as ARM lists them while the
// deployment runs: GET {deploymentId}/operations at subscription scope
// (/subscriptions/{s}/providers/Microsoft.Resources/deployments/{name}/operations) and resource-group
// scope (/subscriptions/{s}/resourcegroups/{rg}/deployments/{name}/operations, also with
// providers/Microsoft.Resources), answering DeploymentOperation items
// (specification/resources/resource-manager/Microsoft.Resources/deployments/stable/2025-04-01/deployments.json
// #/definitions/DeploymentOperation: operationId, properties.provisioningOperation, provisioningState,
// timestamp, duration, serviceRequestId, statusCode, statusMessage{status, error}, targetResource{id,
// resourceType, resourceName}). An operation is listed once it has started: Running, then Succeeded
// or Failed when its time has come (deployment-schedule.ts). A nested deployment is an operation whose
// targetResource is a Microsoft.Resources/deployments, with operations of its own.
// Stricter than ARM: only the stack's latest deployment is kept, and its deployment itself is not
// served by GET (ARM keeps a deployment history); the operations are.
import { createHash } from 'node:crypto';
import type { Context } from '../context.ts';
import { deploymentFailed, type LiveDeployment, type Schedule, type ScheduledOperation } from '../deployment-schedule.ts';
import type { ArmErrorBody } from '../errors.ts';
import { guidFrom } from '../fill.ts';
import { key } from '../ids.ts';
import { deploymentType } from '../nested-deployments.ts';
import { isoDuration } from '../plan.ts';

/** ARM's statusCode of a finished operation: the provider's HTTP status name. */
const statusCodeOf = (o: ScheduledOperation): string => (o.error === undefined ? (o.type === deploymentType ? 'OK' : 'Created') : o.error.code === 'LinkedAuthorizationFailed' ? 'Forbidden' : 'BadRequest');

export function operationBody(d: LiveDeployment, o: ScheduledOperation, now: number): Record<string, unknown> | undefined {
  const elapsed = now - d.startedAt;
  if (elapsed < o.startMs) return undefined;
  const done = elapsed >= o.endMs;
  const operationId = createHash('sha256').update(`${d.id}|${o.resourceId}`).digest('hex').slice(0, 16).toUpperCase();
  const failed = done && o.error !== undefined;
  return {
    id: `${d.id}/operations/${operationId}`,
    operationId,
    properties: {
      provisioningOperation: 'Create',
      provisioningState: !done ? 'Running' : failed ? 'Failed' : 'Succeeded',
      timestamp: new Date(d.startedAt + (done ? o.endMs : elapsed)).toISOString(),
      duration: isoDuration((done ? o.endMs : elapsed) - o.startMs),
      trackingId: guidFrom(`${operationId}|tracking`),
      serviceRequestId: guidFrom(`${operationId}|request`),
      ...(done ? { statusCode: statusCodeOf(o) } : {}),
      ...(failed ? { statusMessage: { status: 'Failed', error: o.error } } : {}),
      targetResource: { id: o.resourceId, resourceType: o.type, resourceName: o.name },
    },
  };
}

/** The started operations of a deployment at `now`, the latest started first (as ARM lists them). */
export function operationsAt(d: LiveDeployment, now: number): Record<string, unknown>[] {
  return [...d.operations]
    .sort((a, b) => b.startMs - a.startMs)
    .flatMap((o) => {
      const body = operationBody(d, o, now);
      return body === undefined ? [] : [body];
    });
}

export function findLiveDeployment(ctx: Context, id: string): LiveDeployment | undefined {
  return ctx.store.data.deploymentOperations[key(id)];
}

/** Keeps a schedule's deployments; forgets the deployment (and nested ones) it replaces. */
export function recordSchedule(ctx: Context, schedule: Schedule, replaces: string | undefined): void {
  if (replaces !== undefined) forgetDeployment(ctx, replaces);
  for (const d of [schedule.root, ...schedule.nested]) ctx.store.data.deploymentOperations[key(d.id)] = d;
}

export function forgetDeployment(ctx: Context, id: string): void {
  const d = findLiveDeployment(ctx, id);
  for (const nested of d?.nested ?? []) delete ctx.store.data.deploymentOperations[key(nested)];
  delete ctx.store.data.deploymentOperations[key(id)];
}

/**
 * Once the deployment has been applied: the errors its resources really failed with (a failure
 * found only while writing, such as a managed resource group's), and its nested deployments' errors.
 */
export function settleOperations(ctx: Context, rootId: string, failed: readonly { id: string; error: ArmErrorBody }[]): void {
  const root = findLiveDeployment(ctx, rootId);
  if (root === undefined) return;
  const errors = new Map(failed.map((f) => [key(f.id), f.error]));
  const nested = (root.nested ?? []).map((id) => findLiveDeployment(ctx, id)).filter((d): d is LiveDeployment => d !== undefined);
  for (const d of [root, ...nested]) {
    for (const o of d.operations) {
      const error = errors.get(key(o.resourceId));
      if (error !== undefined) o.error = error;
      else if (o.type !== deploymentType) delete o.error;
    }
  }
  for (const d of nested) {
    const op = root.operations.find((o) => key(o.resourceId) === key(d.id));
    if (op === undefined) continue;
    const details = d.operations.flatMap((o) => (o.error === undefined ? [] : [{ ...o.error, target: o.resourceId }]));
    if (details.length === 0) delete op.error;
    else op.error = deploymentFailed(details);
  }
}

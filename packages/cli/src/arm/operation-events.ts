// A deployment's operations (ARM's DeploymentOperation: properties.provisioningState, timestamp,
// duration, statusMessage.error, targetResource{id, resourceType, resourceName}) as per-resource
// progress events. Pure.
import type { DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { tierOf } from '../cost/index.ts';
import type { ResourceEvent } from '../runner/resource-progress.ts';

export const deploymentResourceType = 'microsoft.resources/deployments';

/** An ISO 8601 duration as ARM writes it (PT1M2.5S, P1DT2H) in ms; undefined when it is not one. */
export function durationMs(text: string | undefined): number | undefined {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(text ?? '');
  if (m === null || text === 'P' || text === 'PT') return undefined;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

/** "Code: message" of a failed operation, the innermost detail's when the error only wraps them. */
export function operationError(op: DeploymentOperation): string | undefined {
  let error = op.properties?.statusMessage?.error as { code?: string; message?: string; details?: { code?: string; message?: string }[] } | undefined;
  if (error === undefined) return undefined;
  while (error.details?.length === 1 && (error.code === 'DeploymentFailed' || error.code === 'ResourceDeploymentFailure')) error = error.details[0]!;
  return [error.code, error.message].filter((x) => x !== undefined && x !== '').join(': ');
}

/** The id of a nested deployment an operation ran (its targetResource is a Microsoft.Resources/deployments). */
export function nestedDeploymentId(op: DeploymentOperation): string | undefined {
  const target = op.properties?.targetResource;
  return target?.resourceType?.toLowerCase() === deploymentResourceType ? target.id : undefined;
}

/**
 * How a resource is named in progress: ARM's resourceName, prefixed with its scope resource's name
 * for an extension resource (diagnostic settings or role assignments of the same name on several
 * resources: "psql-x/to-log-analytics").
 */
export function displayName(id: string, resourceName: string | undefined): string {
  const name = resourceName ?? id.split('/').pop() ?? id;
  const segments = id.split('/');
  const last = segments.map((x) => x.toLowerCase()).lastIndexOf('providers');
  const first = segments.map((x) => x.toLowerCase()).indexOf('providers');
  if (last <= first || first < 0) return name;
  return `${segments[last - 1]}/${name}`;
}

/** The event of one resource operation (not a nested deployment's, not one without a target). */
export function resourceEvent(op: DeploymentOperation, now: number): ResourceEvent | undefined {
  const p = op.properties;
  const target = p?.targetResource;
  if (target?.id === undefined || nestedDeploymentId(op) !== undefined) return undefined;
  const state = p?.provisioningState ?? 'Running';
  const type = target.resourceType ?? '';
  const timestamp = p?.timestamp instanceof Date ? p.timestamp.getTime() : undefined;
  const running = !['succeeded', 'failed', 'canceled'].includes(state.toLowerCase());
  // A running operation's duration is as of its timestamp: it has run since, too.
  const elapsed = (durationMs(p?.duration) ?? 0) + (running && timestamp !== undefined ? Math.max(0, now - timestamp) : 0);
  const error = operationError(op);
  return { id: target.id, name: displayName(target.id, target.resourceName), type, tier: tierOf(type), state, elapsedMs: elapsed, ...(error === undefined ? {} : { error }) };
}

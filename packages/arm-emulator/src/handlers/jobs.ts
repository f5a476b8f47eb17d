// Container Apps jobs (specification/app/resource-manager/Microsoft.App/ContainerApps/stable/.../Jobs.json):
// POST {jobId}/start (Jobs_Start: long-running, 202 with Location / Azure-AsyncOperation; the final
// result is the JobExecutionBase {name, id}; the body is an optional JobExecutionTemplate whose
// containers replace the template's), GET {jobId}/executions (JobsExecutions_List),
// GET {jobId}/executions/{name} (JobExecution) and POST {jobId}/executions/{name}/stop
// (Jobs_StopExecution). Executions live in memory (their processes do not outlive the emulator).
import { randomBytes } from 'node:crypto';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, reply, type Reply, type Request } from '../http.ts';
import { asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { actionTarget } from './action-target.ts';
import type { JobProcess } from '../job-runner.ts';

export type ExecutionStatus = 'Running' | 'Processing' | 'Stopped' | 'Degraded' | 'Failed' | 'Unknown' | 'Succeeded';

interface Execution {
  id: string;
  name: string;
  status: ExecutionStatus;
  startTime: string;
  endTime?: string;
  template: Record<string, unknown>;
  process?: JobProcess;
}

/** Per emulator (keyed by its state store): job id (lower case) → executions, newest last. */
const executionsByEmulator = new WeakMap<object, Map<string, Execution[]>>();

function executionsOf(ctx: Context, jobId: string): Execution[] {
  let byJob = executionsByEmulator.get(ctx.store);
  if (byJob === undefined) executionsByEmulator.set(ctx.store, (byJob = new Map()));
  let list = byJob.get(jobId.toLowerCase());
  if (list === undefined) byJob.set(jobId.toLowerCase(), (list = []));
  return list;
}

export interface JobPath {
  jobId: string;
  /** After the job id: ['start'], ['executions'], ['executions', name], ['executions', name, 'stop']. */
  rest: string[];
}

/** Whether a path lies below a Microsoft.App/jobs resource (the job's own path is not: it is a plain resource). */
export function jobPathOf(path: string): JobPath | undefined {
  const seg = path.split('/');
  const low = seg.map((s) => s.toLowerCase());
  const at = low.lastIndexOf('microsoft.app');
  if (at < 1 || low[at - 1] !== 'providers' || low[at + 1] !== 'jobs' || seg[at + 2] === undefined || seg.length <= at + 3) return undefined;
  return { jobId: seg.slice(0, at + 3).join('/'), rest: seg.slice(at + 3).map(decodeURIComponent) };
}

function storedJob(ctx: Context, req: Request, jobId: string): { apiVersion: string; body: Record<string, unknown>; subscriptionId: string } {
  const { rid, apiVersion, stored } = actionTarget(ctx, req, jobId);
  return { apiVersion, body: stored.body, subscriptionId: rid.subscriptionId };
}

/** The job template's containers with the start request's: a container of the request replaces the template's one of the same name. */
export function executionTemplate(jobTemplate: Record<string, unknown>, requested: Record<string, unknown> | undefined): Record<string, unknown> {
  const base = (jobTemplate.containers ?? []) as Record<string, unknown>[];
  const given = (requested?.containers ?? undefined) as Record<string, unknown>[] | undefined;
  return { containers: given === undefined || given.length === 0 ? base : given };
}

/** The container's environment as the process sees it (plain values; secret references have no value here). */
function environmentOf(template: Record<string, unknown>): Record<string, string> {
  const container = ((template.containers ?? []) as Record<string, unknown>[])[0] ?? {};
  const env: Record<string, string> = {};
  for (const e of (container.env ?? []) as { name?: unknown; value?: unknown }[]) {
    if (typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
  }
  return env;
}

const executionName = (job: string): string => `${job}-${randomBytes(5).toString('hex').slice(0, 7)}`;

function executionBody(e: Execution): Record<string, unknown> {
  return {
    id: e.id,
    name: e.name,
    type: 'Microsoft.App/jobs/executions',
    properties: { status: e.status, startTime: e.startTime, ...(e.endTime === undefined ? {} : { endTime: e.endTime }), template: e.template },
  };
}

/** POST {jobId}/start. */
export function startJob(ctx: Context, req: Request, jobId: string): Reply {
  const job = storedJob(ctx, req, jobId);
  const properties = asObject(job.body.properties) ?? {};
  const trigger = (asObject(properties.configuration) ?? {}).triggerType;
  if (trigger !== 'Manual') throw new ArmError(400, 'JobTriggerTypeNotManual', `Only jobs with trigger type Manual can be started; job '${String(job.body.name)}' has trigger type ${String(trigger)}.`);
  let requested: Record<string, unknown> | undefined;
  if (req.rawBody.trim() !== '') {
    try {
      requested = asObject(JSON.parse(req.rawBody));
    } catch (error) {
      throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: ${(error as Error).message}`);
    }
  }
  const name = executionName(String(job.body.name));
  const execution: Execution = {
    id: `${String(job.body.id)}/executions/${name}`,
    name,
    status: 'Running',
    startTime: new Date().toISOString(),
    template: executionTemplate(asObject(properties.template) ?? {}, requested),
  };
  executionsOf(ctx, jobId).push(execution);
  const finish = (status: ExecutionStatus): void => {
    if (execution.status !== 'Running') return;
    execution.status = status;
    execution.endTime = new Date().toISOString();
    delete execution.process;
  };
  const runner = ctx.options.jobRunner;
  if (runner === undefined) {
    ctx.log(`job ${name}: no job runner (ARM_EMULATOR_JOB_RUNNER=none): the execution fails`);
    finish('Failed');
  } else {
    execution.process = runner({
      jobId,
      execution: name,
      env: environmentOf(execution.template),
      onOutput: (line) => ctx.log(`job ${name}: ${line}`),
      onExit: (code) => finish(code === 0 ? 'Succeeded' : 'Failed'),
    });
  }
  const op = startOperation(ctx, 'jobStart', execution.id, { id: execution.id, name }, 0);
  ctx.store.save();
  const headers = { ...locationHeaders(req.origin, job.subscriptionId, op, job.apiVersion), ...asyncOperationHeaders(req.origin, job.subscriptionId, op, job.apiVersion) };
  return reply(202, { id: execution.id, name }, headers);
}

registerFinisher('jobStart', (_ctx, op) => {
  op.result = op.payload;
});

function findExecution(ctx: Context, jobId: string, name: string): Execution {
  const e = executionsOf(ctx, jobId).find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (e === undefined) throw new ArmError(404, 'ResourceNotFound', `The execution '${name}' of job '${jobId.split('/').pop() ?? ''}' was not found.`);
  return e;
}

/** GET {jobId}/executions, newest first. */
export function listExecutions(ctx: Context, req: Request, jobId: string): Reply {
  storedJob(ctx, req, jobId);
  return reply(200, { value: executionsOf(ctx, jobId).slice().reverse().map(executionBody) });
}

/** GET {jobId}/executions/{name}. */
export function getExecution(ctx: Context, req: Request, jobId: string, name: string): Reply {
  storedJob(ctx, req, jobId);
  return reply(200, executionBody(findExecution(ctx, jobId, name)));
}

/** POST {jobId}/executions/{name}/stop: a running execution stops; a finished one stays as it is. */
export function stopExecution(ctx: Context, req: Request, jobId: string, name: string): Reply {
  storedJob(ctx, req, jobId);
  const e = findExecution(ctx, jobId, name);
  if (e.status === 'Running') {
    e.process?.stop();
    e.status = 'Stopped';
    e.endTime = new Date().toISOString();
    delete e.process;
  }
  return reply(200);
}

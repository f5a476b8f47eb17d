// Long-running operations as ARM exposes them: the initial answer carries Azure-AsyncOperation
// (poll for {"status"}) or Location (202 until done, then the result), both absolute, same-origin,
// with Retry-After. An operation is stored with what it will do and finished lazily once its
// provisioning time has passed (so it also finishes after a restart).
import { randomUUID } from 'node:crypto';
import type { Context } from './context.ts';
import { ArmError, type ArmErrorBody } from './errors.ts';
import type { Reply } from './http.ts';
import { scrubSecrets } from './secure.ts';
import type { Operation, OperationKind, StateSection } from './state.ts';

export type Finisher = (ctx: Context, op: Operation) => void;
const finishers = new Map<OperationKind, Finisher>();

export function registerFinisher(kind: OperationKind, finish: Finisher): void {
  finishers.set(kind, finish);
}

export function startOperation(ctx: Context, kind: OperationKind, target: string, payload: unknown, durationMs: number): Operation {
  const now = Date.now();
  const op: Operation = { id: randomUUID(), kind, target, startedAt: now, readyAt: now + durationMs, status: 'InProgress', payload };
  ctx.store.data.operations[op.id] = op;
  return op;
}

/**
 * The state sections a finisher changes besides `operations`, where it is known to be only these
 * (a stack what-if's result); any other kind may change anything.
 */
const finisherSections: Partial<Record<OperationKind, StateSection[]>> = { stackWhatIf: ['stackWhatIfResults'] };

/** Finishes every operation whose time has come; saves when anything changed. */
export function advance(ctx: Context, now = Date.now()): void {
  const changed = new Set<StateSection>();
  let anything = false;
  for (const op of Object.values(ctx.store.data.operations)) {
    if (op.status !== 'InProgress' || op.readyAt > now) continue;
    const sections = finisherSections[op.kind];
    if (sections === undefined) anything = true;
    else for (const section of sections) changed.add(section);
    const finish = finishers.get(op.kind);
    try {
      finish?.(ctx, op);
      if (op.status === 'InProgress') op.status = 'Succeeded';
    } catch (error) {
      op.status = 'Failed';
      op.error = error instanceof ArmError ? error.body : { code: 'InternalServerError', message: (error as Error).message };
    }
    // A finished operation keeps what ARM answers for it (status, times, result, error), not what it did.
    delete op.payload;
    changed.add('operations');
  }
  // Forget finished operations after a day (ARM keeps them for a limited time too), and a result
  // nobody read after an hour.
  for (const [id, op] of Object.entries(ctx.store.data.operations)) {
    if (op.status !== 'InProgress' && now - op.readyAt > 24 * 3600_000) {
      delete ctx.store.data.operations[id];
      changed.add('operations');
    } else if (op.result !== undefined && now - op.readyAt > 3600_000) {
      delete op.result;
      op.resultRead = true;
      changed.add('operations');
    }
  }
  if (anything) ctx.store.save();
  else if (changed.size > 0) ctx.store.save(...changed);
}

export const retryAfter = (op: Operation, now = Date.now()): string => String(Math.max(0, Math.ceil((op.readyAt - now) / 1000)));

const base = (origin: string, sub: string): string => `${origin}/subscriptions/${sub}/providers/Microsoft.Resources`;
export const asyncOperationUrl = (origin: string, sub: string, op: Operation, apiVersion: string): string =>
  `${base(origin, sub)}/operationStatuses/${op.id}?api-version=${apiVersion}`;
export const locationUrl = (origin: string, sub: string, op: Operation, apiVersion: string): string =>
  `${base(origin, sub)}/operationResults/${op.id}?api-version=${apiVersion}`;

export function asyncOperationHeaders(origin: string, sub: string, op: Operation, apiVersion: string): Record<string, string> {
  return { 'azure-asyncoperation': asyncOperationUrl(origin, sub, op, apiVersion), 'retry-after': retryAfter(op) };
}
export function locationHeaders(origin: string, sub: string, op: Operation, apiVersion: string): Record<string, string> {
  return { location: locationUrl(origin, sub, op, apiVersion), 'retry-after': retryAfter(op) };
}

function operation(ctx: Context, id: string): Operation {
  const op = ctx.store.data.operations[id];
  if (op === undefined) throw new ArmError(404, 'OperationNotFound', `The operation '${id}' could not be found.`);
  return op;
}

/** GET …/operationStatuses/{id}: the Azure-AsyncOperation status body. */
export function operationStatus(ctx: Context, id: string, origin: string, sub: string, apiVersion: string): Reply {
  const op = operation(ctx, id);
  const body: Record<string, unknown> = {
    id: `/subscriptions/${sub}/providers/Microsoft.Resources/operationStatuses/${op.id}`,
    name: op.id,
    status: op.status === 'InProgress' ? 'Running' : op.status,
    startTime: new Date(op.startedAt).toISOString(),
  };
  if (op.status !== 'InProgress') body.endTime = new Date(op.readyAt).toISOString();
  if (op.error !== undefined) body.error = op.error;
  const headers: Record<string, string> = op.status === 'InProgress' ? { 'retry-after': retryAfter(op), 'azure-asyncoperation': asyncOperationUrl(origin, sub, op, apiVersion) } : {};
  return { status: 200, body, headers };
}

/** GET …/operationResults/{id}: 202 while running, then 200 (with the result of a POST) or the error. */
export function operationResult(ctx: Context, id: string, origin: string, sub: string, apiVersion: string): Reply {
  const op = operation(ctx, id);
  if (op.status === 'InProgress') return { status: 202, headers: locationHeaders(origin, sub, op, apiVersion) };
  if (op.status === 'Failed') return { status: statusOf(op.error), body: { error: op.error } };
  if (op.resultRead === true) {
    throw new ArmError(404, 'OperationNotFound', `The result of operation '${id}' was already read: the emulator keeps a result until its first read.`);
  }
  if (op.result === undefined) return { status: 200 };
  // Every result is answered without a remembered secure value, whatever produced it.
  const body = scrubSecrets(op.result, ctx.store.secrets);
  // Stricter than ARM, which keeps a result for a while: read once (as the SDK pollers do), then
  // dropped, so a what-if's large result does not stay in the state file for every deploy after it.
  delete op.result;
  op.resultRead = true;
  ctx.store.save('operations');
  return { status: 200, body };
}

function statusOf(error: ArmErrorBody | undefined): number {
  const code = error?.code ?? '';
  if (code === 'RequestDisallowedByPolicy' || code.startsWith('DenyAssignment')) return 403;
  if (code.endsWith('Conflict') || code.includes('NonTerminal')) return 409;
  if (code === 'InternalServerError') return 500;
  return 400;
}

// The steps deploy and destroy share around the deployment's lock: open the lock store and ARM,
// take the lock, and the finally-steps that settle how the run ended and release the lock.
import { CliError } from '@complianceflow/core/errors.ts';
import type { ArmSession } from '../arm/session.ts';
import { acquireDeploymentLock, lockWaitLine, type AcquireOptions, type DeploymentLock, type LockStore } from '../lock/index.ts';
import type { RunOutcome, RunReport } from '../report/model.ts';
import { InterruptedError, interruptedLine, signalExitCode } from '../runner/interrupt.ts';
import type { RunnerContext, Step, StepTask } from '../runner/steps.ts';

export interface LockedRun extends RunnerContext {
  readonly deployment: string;
  readonly stackName: string;
  readonly runId: string;
  readonly command: string;
  readonly open: { openLockStore(): Promise<LockStore>; openArm(): Promise<ArmSession> };
  store?: LockStore;
  arm?: ArmSession;
  /** The lock being taken (released if a signal comes first) and, once taken, the lock. */
  pendingLock?: Promise<DeploymentLock>;
  lock?: DeploymentLock;
  outcome: RunOutcome;
  exitCode: number;
  error?: RunReport['error'];
  interrupted?: NodeJS.Signals;
}

/**
 * Runs `once`; when ARM refused it because another operation runs on the stack (`refusedFor`),
 * reads the stack again, waits for that operation and runs `once` a second time.
 */
export async function onceMoreAfterOtherOperation<Ctx>(task: StepTask<Ctx>, steps: { once: Step<Ctx>; read: Step<Ctx>; wait: Step<Ctx> }, refusedFor: (cause: unknown) => boolean): Promise<void> {
  try {
    await task.sub(steps.once);
  } catch (e) {
    if (!(e instanceof CliError) || !refusedFor(e.cause)) throw e;
    await task.sub(steps.read);
    await task.sub(steps.wait);
    await task.sub(steps.once);
  }
}

/** A field an earlier step set (the step order guarantees it; a bug otherwise). */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`step run before ${what} was known`);
  return value;
}

/** The lock store first: when it is not running, the run stops before any emulator is started. */
export function openServicesStep<C extends LockedRun>(): Step<C> {
  return {
    async run(ctx) {
      ctx.store = await ctx.open.openLockStore();
      ctx.arm = await ctx.open.openArm();
    },
  };
}

type LockOptions = Pick<AcquireOptions, 'handleSignals' | 'leaseSeconds' | 'waitMs'>;

export function takeLockStep<C extends LockedRun>(options: (ctx: C) => LockOptions): Step<C> {
  return {
    name: 'lock',
    title: (ctx) => `${ctx.deployment}: take the deployment lock`,
    async run(ctx, task) {
      const chosen = options(ctx);
      ctx.pendingLock = acquireDeploymentLock(must(ctx.store, 'the lock store'), {
        deployment: ctx.deployment,
        runId: ctx.runId,
        command: ctx.command,
        ...chosen,
        onWaiting: (holder, waitedMs) => task.output(lockWaitLine(holder, waitedMs, chosen.waitMs ?? 0)),
      });
      ctx.lock = await ctx.pendingLock;
    },
  };
}

/**
 * How the steps ended. An interrupt says so in one line (what ARM is left doing); before the lock
 * nothing was written, and a lock still being taken is released at once. A failure after the lock
 * goes in the report and ends the run as a CliError.
 */
export function failureStep<C extends LockedRun>(say: (ctx: C, line: string) => void): Step<C> {
  return {
    skip: (ctx) => ctx.run.failure === undefined,
    async run(ctx) {
      const failure = ctx.run.failure;
      if (failure instanceof InterruptedError) {
        if (ctx.lock === undefined) await ctx.pendingLock?.then((l) => l.release()).catch(() => undefined);
        const line = interruptedLine(failure.signal, { deployment: ctx.deployment, phase: ctx.run.current, stack: ctx.stackName, where: ctx.arm?.where ?? 'ARM', emulator: ctx.arm?.emulator ?? false });
        say(ctx, line);
        ctx.interrupted = failure.signal;
        ctx.outcome = 'interrupted';
        ctx.exitCode = signalExitCode(failure.signal);
        ctx.error = { message: line };
        return;
      }
      if (ctx.lock === undefined) return;
      const cli = failure instanceof CliError ? failure : new CliError(failure instanceof Error ? failure.message : String(failure), { cause: failure });
      ctx.run.failure = cli;
      ctx.outcome = 'failed';
      ctx.exitCode = cli.exitCode;
      ctx.error = { message: cli.message, ...(cli.hint === undefined ? {} : { hint: cli.hint }) };
    },
  };
}

export function unlockStep<C extends LockedRun>(): Step<C> {
  return {
    name: 'unlock',
    skip: (ctx) => ctx.lock === undefined,
    async run(ctx) {
      await must(ctx.lock, 'the lock').release().catch(() => undefined);
    },
  };
}

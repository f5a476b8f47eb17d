// Runs a step list (steps.ts) through one renderer (progress.ts, chosen once by the command): each
// titled step is a listr2 task, each named step a phase record; a signal stops the steps (the next
// one does not start) and the finally-steps still run.
import { InterruptedError, type InterruptWatch } from './interrupt.ts';
import type { Progress } from './progress.ts';
import type { ResourceSink } from './resource-progress.ts';
import type { RunnerContext, Step, StepList, StepTask } from './steps.ts';
import type { PhaseRecord } from '../report/model.ts';

export interface RunOptions {
  progress: Progress;
  /** SIGINT/SIGTERM of the command: a step waits no longer, no further step starts. */
  interrupts?: InterruptWatch;
}

type Outcome = PhaseRecord['outcome'];

function stepRunner<Ctx extends RunnerContext>(ctx: Ctx, options: RunOptions, interruptible: boolean): (step: Step<Ctx>) => Promise<void> {
  const { interrupts, progress } = options;
  const record = (name: string | undefined, started: number, outcome: Outcome): void => {
    if (name !== undefined) ctx.run.phases.push({ name, durationMs: Date.now() - started, outcome });
  };
  const runOne = async (step: Step<Ctx>): Promise<void> => {
    if (step.skip?.(ctx) === true) {
      record(step.recordSkipAs, Date.now(), 'skipped');
      return;
    }
    // After a signal the abandoned flow must not start another step (it would change ARM further).
    if (interruptible && interrupts?.signal !== undefined) throw new InterruptedError(interrupts.signal);
    if (step.name !== undefined) ctx.run.current = step.name;
    const started = Date.now();
    const recorded = step.unrecorded === true ? undefined : step.name;
    const work = (update: (detail: string) => void, done: (title: string) => void, resource: ResourceSink): Promise<void | 'skipped'> => {
      const task: StepTask<Ctx> = { output: update, doneTitle: done, sub: runOne, resource };
      return step.run(ctx, task);
    };
    const title = typeof step.title === 'function' ? step.title(ctx) : step.title;
    const running = title === undefined
      ? work(() => {}, () => {}, () => {})
      : progress.phase(title, (update, phaseTask) => work(update, (t) => (phaseTask.doneTitle = t), phaseTask.resource), { resources: step.resources === true });
    try {
      const result = await (interruptible && interrupts !== undefined ? interrupts.race(running) : running);
      record(recorded, started, result === 'skipped' ? 'skipped' : 'done');
    } catch (error) {
      record(recorded, started, error instanceof InterruptedError ? 'interrupted' : 'failed');
      throw error;
    }
  };
  return runOne;
}

/**
 * Runs the steps in order until one throws (kept in ctx.run.failure, not thrown), then every
 * finally-step. Resolves once they ran; rejects only when a finally-step itself failed.
 */
export async function runSteps<Ctx extends RunnerContext>(list: StepList<Ctx>, ctx: Ctx, options: RunOptions): Promise<void> {
  const runStep = stepRunner(ctx, options, true);
  try {
    for (const step of list.steps) await runStep(step);
  } catch (error) {
    ctx.run.failure = error;
  }
  const runFinally = stepRunner(ctx, options, false);
  let finallyFailure: { error: unknown } | undefined;
  for (const step of list.finally) {
    try {
      await runFinally(step);
    } catch (error) {
      finallyFailure ??= { error };
    }
  }
  if (finallyFailure !== undefined) throw finallyFailure.error;
}

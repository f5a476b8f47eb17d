// A command as a readable list of steps over one typed context: the steps in order, then the
// finally-steps (unlock, the run report) that always run, also after a failure or an interrupt.
import type { PhaseRecord } from '../report/model.ts';
import type { ResourceSink } from './resource-progress.ts';

/** The runner's own part of every context: the phases so far, where the run is, how it failed. */
export interface RunState {
  /** Phase records for the run report, in order (named steps only). */
  phases: PhaseRecord[];
  /** The phase running or last started (what an interrupt line names). */
  current: string;
  /** What ended the steps, once one threw; the finally-steps read it. */
  failure?: unknown;
}

export interface RunnerContext {
  readonly run: RunState;
}

/** What a running step can do besides changing its context. */
export interface StepTask<Ctx> {
  /** Live detail under the step's title. */
  output(detail: string): void;
  /** The title the step ends with (default: its title with the duration, on a terminal). */
  doneTitle(title: string): void;
  /** Runs another step inside this one (a retry, a wait, per-resource sub-steps). */
  sub(step: Step<Ctx>): Promise<void>;
  /** Per-resource progress of a step with `resources` (ignored elsewhere). */
  resource: ResourceSink;
}

export interface Step<Ctx> {
  /** The phase name: recorded in the run report's phases and named by an interrupt line. */
  name?: string;
  /** Shown while it runs (a progress task); without it the step runs without a line. */
  title?: string | ((ctx: Ctx) => string);
  /** Skipped when this says so (the steps of another branch: no changes, cancelled, nothing there). */
  skip?(ctx: Ctx): boolean;
  /** A skipped step still gets a phase record under this name, outcome "skipped" (a group of sub-steps). */
  recordSkipAs?: string;
  /** Reports per-resource progress through task.resource (progress.ts PhaseOptions). */
  resources?: boolean;
  /** Only names where the run is (confirm): no phase record. */
  unrecorded?: boolean;
  /** Returns "skipped" when it ran but had nothing to do (recorded so). */
  run(ctx: Ctx, task: StepTask<Ctx>): Promise<void | 'skipped'>;
}

export interface StepList<Ctx> {
  steps: readonly Step<Ctx>[];
  /** Always run, in order, after the steps: also after a failure (ctx.run.failure) or an interrupt. */
  finally: readonly Step<Ctx>[];
}

export function newRunState(current: string): RunState {
  return { phases: [], current };
}

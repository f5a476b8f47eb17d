// How a run shows its steps, every one a listr2 task: listr2's default renderer on a terminal; its
// simple renderer (bootstrap) or plain timestamped lines (deploy, destroy: line-renderer.ts) in CI
// or when output is not a terminal; in GitHub Actions also ::notice::/::error:: annotations and the
// job summary.
import { appendFileSync } from 'node:fs';
import { Listr, type ListrRendererValue } from 'listr2';
import { LineRenderer, seconds, stamp } from './line-renderer.ts';
import { annotation, GroupedLines, plainLines, type ResourceSink } from './resource-progress.ts';
import { tierSlots } from './tier-slots.ts';

/** What a phase can change while it runs: live detail, and the title it ends with. */
export interface PhaseTask {
  /** The title shown once the phase is done (default: the title with its duration). */
  doneTitle?: string;
  /** Per-resource progress (a phase run with `resources`; elsewhere ignored). */
  resource: ResourceSink;
}

export interface PhaseOptions {
  /** The phase reports per-resource progress: on a terminal a sub-task per tier, in CI a line per state change, in Actions a group per tier. */
  resources?: boolean;
}

export interface Progress {
  /** Runs one phase, showing it as running, then done or failed. `update` shows live detail. */
  phase<T>(title: string, run: (update: (detail: string) => void, task: PhaseTask) => Promise<T>, options?: PhaseOptions): Promise<T>;
  /** A line of output (what-if, summaries). */
  print(text: string): void;
  notice(text: string): void;
  error(text: string): void;
  /** Markdown for the job summary ($GITHUB_STEP_SUMMARY); ignored elsewhere. */
  summary(markdown: string): void;
}

/** tty: listr2's default renderer; simple: its simple renderer; plain/github: timestamped lines. */
export type ProgressMode = 'tty' | 'plain' | 'github' | 'simple' | 'silent';

export function progressModeFor(env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): ProgressMode {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.CI === 'true' || env.CI === '1' || !isTty) return 'plain';
  return 'tty';
}

/**
 * The renderer of a command, chosen once: text output follows the terminal/CI/Actions; with
 * --format json or markdown stdout carries the result alone, so progress goes to stderr as plain lines.
 */
export function rendererFor(format: 'text' | 'markdown' | 'json', env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): { mode: ProgressMode; write: (line: string) => void } {
  if (format === 'text') return { mode: progressModeFor(env, isTty), write: (line) => console.log(line) };
  return { mode: 'plain', write: (line) => console.error(line) };
}

const ignore: ResourceSink = () => {};

/** Where a phase's resource events go in the line modes, and what closes them. */
type LineSinks = () => { sink: ResourceSink; end(): void };

function listrPhase(renderer: ListrRendererValue, rendererOptions: Record<string, unknown>, lineSinks?: LineSinks): Progress['phase'] {
  return async (title, run, options) => {
    let value: unknown;
    const started = Date.now();
    const perResource = options?.resources === true;
    await new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            const finish = (phaseTask: PhaseTask) => (result: unknown) => {
              value = result;
              task.title = phaseTask.doneTitle ?? `${title} (${seconds(Date.now() - started)})`;
            };
            if (perResource && lineSinks === undefined) {
              // A terminal: the run as one untitled sub-task beside a sub-task per tier (tier-slots.ts).
              return tierSlots(task, (update, resource) => {
                const phaseTask: PhaseTask = { resource };
                return run(update, phaseTask).then(finish(phaseTask));
              });
            }
            const lines = perResource ? lineSinks?.() : undefined;
            const phaseTask: PhaseTask = { resource: lines?.sink ?? ignore };
            try {
              finish(phaseTask)(await run((detail) => (task.output = detail), phaseTask));
            } finally {
              lines?.end();
            }
            return undefined;
          },
        },
      ],
      // Signals are the run's to handle (runner/interrupt.ts: message, unlock, report); listr2's own
      // SIGINT listener would swallow the re-raised signal and exit 127 once the task ends.
      { exitOnError: true, registerSignalListeners: false, renderer, fallbackRenderer: 'simple', rendererOptions },
    ).run();
    return value as Awaited<ReturnType<typeof run>>;
  };
}

export function createProgress(mode: ProgressMode, env: NodeJS.ProcessEnv = process.env, write: (line: string) => void = (line) => console.log(line)): Progress {
  if (mode === 'silent') return { phase: (_t, run) => run(() => {}, { resource: ignore }), print: () => {}, notice: () => {}, error: () => {}, summary: () => {} };
  if (mode === 'tty' || mode === 'simple') {
    return {
      phase: listrPhase(mode === 'tty' ? 'default' : 'simple', mode === 'tty' ? { collapseErrors: false } : {}),
      print: (text) => console.log(text),
      notice: (text) => console.log(text),
      error: (text) => console.error(text),
      summary: () => {},
    };
  }
  const github = mode === 'github';
  return {
    phase: listrPhase(LineRenderer, { write }, () => {
      if (!github) return { sink: plainLines(write, stamp), end: () => {} };
      const groups = new GroupedLines(write, stamp);
      return { sink: (e) => groups.event(e), end: () => groups.end() };
    }),
    print: (text) => console.log(text),
    notice: (text) => write(github ? `::notice::${annotation(text)}` : `${stamp()} ${text}`),
    error: (text) => write(github ? `::error::${annotation(text)}` : `${stamp()} error: ${text}`),
    summary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (github && file) appendFileSync(file, `${markdown}\n`);
    },
  };
}

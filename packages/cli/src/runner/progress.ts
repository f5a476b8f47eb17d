// How a run shows its steps, every one a listr2 task: listr2's default renderer on a terminal; its
// simple renderer (bootstrap) or plain timestamped lines (deploy, destroy: line-renderer.ts) in CI
// or when output is not a terminal; in GitHub Actions also ::notice::/::error:: annotations and the
// job summary.
import { appendFileSync } from 'node:fs';
import { Listr, type ListrRendererValue } from 'listr2';
import { LineRenderer, seconds, stamp } from './line-renderer.ts';

/** What a phase can change while it runs: live detail, and the title it ends with. */
export interface PhaseTask {
  /** The title shown once the phase is done (default: the title with its duration). */
  doneTitle?: string;
}

export interface Progress {
  /** Runs one phase, showing it as running, then done or failed. `update` shows live detail. */
  phase<T>(title: string, run: (update: (detail: string) => void, task: PhaseTask) => Promise<T>): Promise<T>;
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

/** Annotations are one line: GitHub's escaping for %, CR and LF. */
const annotation = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

function listrPhase(renderer: ListrRendererValue, rendererOptions: Record<string, unknown>): Progress['phase'] {
  return async (title, run) => {
    let value: unknown;
    const started = Date.now();
    await new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            const phaseTask: PhaseTask = {};
            value = await run((detail) => (task.output = detail), phaseTask);
            task.title = phaseTask.doneTitle ?? `${title} (${seconds(Date.now() - started)})`;
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
  if (mode === 'silent') return { phase: (_t, run) => run(() => {}, {}), print: () => {}, notice: () => {}, error: () => {}, summary: () => {} };
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
    phase: listrPhase(LineRenderer, { write }),
    print: (text) => console.log(text),
    notice: (text) => write(github ? `::notice::${annotation(text)}` : `${stamp()} ${text}`),
    error: (text) => write(github ? `::error::${annotation(text)}` : `${stamp()} error: ${text}`),
    summary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (github && file) appendFileSync(file, `${markdown}\n`);
    },
  };
}

// How a run shows its progress: listr2 on a terminal; plain timestamped lines in CI or when output
// is not a terminal; in GitHub Actions also ::notice::/::error:: annotations and the job summary.
import { appendFileSync } from 'node:fs';
import { Listr } from 'listr2';

export interface Progress {
  /** Runs one phase, showing it as running, then done or failed. `update` shows live detail. */
  phase<T>(title: string, run: (update: (detail: string) => void) => Promise<T>): Promise<T>;
  /** A line of output (what-if, summaries). */
  print(text: string): void;
  notice(text: string): void;
  error(text: string): void;
  /** Markdown for the job summary ($GITHUB_STEP_SUMMARY); ignored elsewhere. */
  summary(markdown: string): void;
}

export type ProgressMode = 'tty' | 'plain' | 'github' | 'silent';

export function progressModeFor(env: NodeJS.ProcessEnv = process.env, isTty = process.stdout.isTTY === true): ProgressMode {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.CI === 'true' || env.CI === '1' || !isTty) return 'plain';
  return 'tty';
}

const stamp = (): string => new Date().toISOString().slice(11, 19);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** Annotations are one line: GitHub's escaping for %, CR and LF. */
const annotation = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

function plainProgress(write: (line: string) => void, github: boolean, env: NodeJS.ProcessEnv): Progress {
  return {
    async phase(title, run) {
      const started = Date.now();
      write(`${stamp()} ${title} ...`);
      let last = '';
      try {
        const value = await run((detail) => {
          if (detail !== last) write(`${stamp()}   ${detail}`);
          last = detail;
        });
        write(`${stamp()} ${title}: done (${seconds(Date.now() - started)})`);
        return value;
      } catch (error) {
        write(`${stamp()} ${title}: failed (${seconds(Date.now() - started)})`);
        throw error;
      }
    },
    print: (text) => console.log(text),
    notice: (text) => write(github ? `::notice::${annotation(text)}` : `${stamp()} ${text}`),
    error: (text) => write(github ? `::error::${annotation(text)}` : `${stamp()} error: ${text}`),
    summary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (github && file) appendFileSync(file, `${markdown}\n`);
    },
  };
}

function ttyProgress(): Progress {
  return {
    async phase(title, run) {
      let value: unknown;
      const started = Date.now();
      await new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              value = await run((detail) => (task.output = detail));
              task.title = `${title} (${seconds(Date.now() - started)})`;
            },
          },
        ],
        // Signals are the run's to handle (deploy/interrupt.ts: message, unlock, report); listr2's own
        // SIGINT listener would swallow the re-raised signal and exit 127 once the task ends.
        { exitOnError: true, registerSignalListeners: false, rendererOptions: { collapseErrors: false } },
      ).run();
      return value as Awaited<ReturnType<typeof run>>;
    },
    print: (text) => console.log(text),
    notice: (text) => console.log(text),
    error: (text) => console.error(text),
    summary: () => {},
  };
}

export function createProgress(mode: ProgressMode, env: NodeJS.ProcessEnv = process.env, write: (line: string) => void = (line) => console.log(line)): Progress {
  if (mode === 'tty') return ttyProgress();
  if (mode === 'silent') return { phase: (_t, run) => run(() => {}), print: () => {}, notice: () => {}, error: () => {}, summary: () => {} };
  return plainProgress(write, mode === 'github', env);
}

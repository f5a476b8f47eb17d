// Paired A/B timing of whole processes, the way a person or a script runs them: A and B in turn, a
// warm-up pair first, the ratio A/B taken pair by pair so that a machine whose speed drifts still
// gives a fair ratio. Prints min and median; never passes or fails.
import { spawnSync } from 'node:child_process';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

export interface Figure {
  /** What is compared, in one line ("cf-infra --help ÷ node -e 0"). */
  figure: string;
  seconds: { a: number; b: number };
  ratio: { min: number; median: number };
  /** The target for the ratio, when there is one ("≤ 8"). */
  target?: string;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs one command to its end (its output discarded) and returns the wall seconds; a failure throws. */
export function timeProcess(command: readonly string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  // Benchmarks time outside programs from the outside: spawnSync is the plainest clock for that.
  const result = spawnSync(command[0]!, command.slice(1), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}: ${result.stderr.slice(-400)}`);
  return seconds;
}

/** A benchmark's own table, for measurements that are not A ÷ B ratios (sizes, times after N runs). */
export interface Measured {
  headers: string[];
  rows: string[][];
}

export interface PairOptions {
  runs?: number;
  /** Before every A run (e.g. clearing a cache for a cold run). */
  beforeA?: () => void;
  beforeB?: () => void;
  target?: string;
}

/** A and B in turn, one warm-up pair, then `runs` counted pairs. */
export function paired(figure: string, a: () => number, b: () => number, options: PairOptions = {}): Figure {
  const runs = options.runs ?? 5;
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    options.beforeA?.();
    const ta = a();
    options.beforeB?.();
    const tb = b();
    if (i === 0) continue;
    as.push(ta);
    bs.push(tb);
  }
  const ratios = as.map((ta, i) => ta / bs[i]!);
  return { figure, seconds: { a: median(as), b: median(bs) }, ratio: { min: Math.min(...ratios), median: median(ratios) }, ...(options.target === undefined ? {} : { target: options.target }) };
}

export function printFigure(f: Figure): void {
  const target = f.target === undefined ? '' : `   target ${f.target}`;
  console.log(`  ${f.figure}`);
  console.log(`    median ${f.seconds.a.toFixed(2)} s vs ${f.seconds.b.toFixed(2)} s   ratio median ${f.ratio.median.toFixed(2)} (min ${f.ratio.min.toFixed(2)})${target}`);
}

// The process layer: every outside program (git, docker, gh, psql, pg_ctl, redis-server, tail, bicep,
// the emulator and Azurite) runs through zx from here, as `exec <program> <quoted args>` (so the pid
// is the program's), quiet, with the environment, directory, input and timeout given. A failed run
// becomes a user-facing CliError in one place, processError. The one exception is the long-lived
// `bicep jsonrpc --stdio` pipe (bicep/jsonrpc.ts), which keeps node:child_process.
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { $, which, type ProcessOutput, type ProcessPromise } from 'zx';
import type { ChildProcess, StdioOptions } from 'node:child_process'; // types only
import { CliError } from './errors.ts';

export interface RunOptions {
  /** In its own session and process group: a timeout or signalProcess reaches what it started too; it can outlive this process. */
  detached?: boolean;
  cwd?: string;
  /** The program's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Stopped with SIGKILL after this long (with its process group when detached). */
  timeoutMs?: number;
  /** Written to its standard input. */
  input?: string;
  /** How to install the program, for the error when it is missing ("the Debian package git"). */
  install?: string;
  /** How errors name the run; default the program's name and first argument (never all arguments: they may hold secrets). */
  label?: string;
}

export interface RunResult {
  /** The exit code; 128 + the signal's number when a signal ended it, 127 when the program is missing. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as the program printed them. */
  output: string;
  timedOut: boolean;
  /** The program was not found (or is not executable); nothing ran. */
  notFound: boolean;
}

/** Once the program has exited, how long its pipes may stay open before they are let go. */
const pipeGraceMs = 250;
const stderrTailLines = 10;

function programOnPath(program: string, env: NodeJS.ProcessEnv | undefined): boolean {
  return which.sync(program, { path: (env ?? process.env).PATH ?? '', nothrow: true }) !== null;
}

function notFoundResult(program: string): RunResult {
  const message = `${program}: not found`;
  return { code: 127, signal: null, stdout: '', stderr: message, output: message, timedOut: false, notFound: true };
}

function describe(program: string, args: readonly string[]): string {
  const first = args[0];
  return first === undefined || first.startsWith('-') ? path.basename(program) : `${path.basename(program)} ${first}`;
}

function tailOf(result: RunResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-stderrTailLines).join('\n');
  return text === '' ? '' : `:\n${text}`;
}

/** The one place a failed run becomes the error the user sees: missing program, timeout, signal, exit code. */
export function processError(program: string, args: readonly string[], result: RunResult, options: Pick<RunOptions, 'install' | 'label' | 'timeoutMs'> = {}): CliError {
  const name = options.label ?? describe(program, args);
  if (result.notFound) {
    const where = program.includes('/') ? `${program} does not exist or is not executable` : `${program} is not on PATH`;
    return new CliError(`cannot run ${name}: ${where}.`, { hint: `install ${options.install ?? path.basename(program)}` });
  }
  if (result.timedOut) return new CliError(`${name} did not finish within ${(options.timeoutMs ?? 0) / 1000} s and was stopped${tailOf(result)}`);
  if (result.signal !== null) return new CliError(`${name} was ended by ${result.signal}${tailOf(result)}`);
  return new CliError(`${name} failed (exit code ${result.code})${tailOf(result)}`);
}

function toResult(output: ProcessOutput, timedOut: boolean): RunResult {
  const signal = output.signal;
  const signalNumber = signal === null ? undefined : osConstants.signals[signal];
  return {
    code: output.exitCode ?? 128 + (signalNumber ?? 0),
    signal,
    stdout: output.stdout,
    stderr: output.stderr,
    output: output.stdall,
    timedOut,
    notFound: false,
  };
}

/**
 * Sends a signal to a started program: to its whole process group when it was started detached (a
 * wrapper script's children too), else to the program. Not zx's .kill(): that looks the process tree
 * up with `ps`, which Node 24 flags on stderr (DEP0190).
 */
export function signalProcess(p: ProcessPromise, signal: NodeJS.Signals = 'SIGTERM'): void {
  const pid = p.pid;
  if (pid === undefined || p.stage !== 'running') return;
  try {
    process.kill(-pid, signal); // a group exists under its pid only when it was started detached
  } catch {
    p.child?.kill(signal);
  }
}

/** A daemon the program forks may keep its pipes open long after it exited: then stop waiting for them. */
function letPipesGoAfterExit(child: ChildProcess | undefined): void {
  child?.once('exit', () => {
    const timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }, pipeGraceMs);
    child.once('close', () => clearTimeout(timer));
  });
}

/** The whole command is `exec <program> <args>`: no ZX_PREFIX/ZX_POSTFIX from the environment around it. */
const pinned = { prefix: '', postfix: '', quiet: true, verbose: false, nothrow: true } as const;

interface SpawnOptions extends RunOptions {
  stdio?: StdioOptions;
}

function spawnProgram(program: string, args: readonly string[], options: SpawnOptions): ProcessPromise {
  const p = $({
    ...pinned,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    input: options.input,
    // Without input, stdin is closed: a program that reads it gets end-of-file rather than waiting forever.
    stdio: options.stdio ?? (options.input === undefined ? ['ignore', 'pipe', 'pipe'] : 'pipe'),
    detached: options.detached ?? false,
  })`exec ${program} ${args}`;
  letPipesGoAfterExit(p.child);
  return p;
}

async function runToEnd(program: string, args: readonly string[], options: SpawnOptions): Promise<RunResult> {
  if (!programOnPath(program, options.env)) return notFoundResult(program);
  const p = spawnProgram(program, args, options);
  let timedOut = false;
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    signalProcess(p, 'SIGKILL');
  }, options.timeoutMs);
  const output = await p;
  clearTimeout(timer);
  return toResult(output, timedOut);
}

/** Runs a program to its exit and returns what happened; never throws for a failed run. */
export function runNothrow(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runToEnd(program, args, options);
}

/** Runs a program and returns its stdout; a failed run throws the user-facing CliError. */
export async function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await runNothrow(program, args, options);
  if (result.code !== 0) throw processError(program, args, result, options);
  return result.stdout;
}

/** runNothrow for the few callers that must stay synchronous (short queries: git ls-files, id, pg_config). */
export function runSyncNothrow(program: string, args: readonly string[], options: Omit<RunOptions, 'timeoutMs'> = {}): RunResult {
  if (!programOnPath(program, options.env)) return notFoundResult(program);
  const output = $({ ...pinned, sync: true, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, input: options.input })`exec ${program} ${args}`;
  return toResult(output, false);
}

export function runSync(program: string, args: readonly string[], options: Omit<RunOptions, 'timeoutMs'> = {}): string {
  const result = runSyncNothrow(program, args, options);
  if (result.code !== 0) throw processError(program, args, result, options);
  return result.stdout;
}

/** Runs a program on this terminal (its own progress output, Ctrl-C); a missing program throws. stdout/stderr stay empty. */
export async function runAttached(program: string, args: readonly string[], options: Omit<RunOptions, 'input'> = {}): Promise<RunResult> {
  const result = await runToEnd(program, args, { ...options, stdio: 'inherit' });
  if (result.notFound) throw processError(program, args, result, options);
  return result;
}

export interface StartOptions extends Omit<RunOptions, 'timeoutMs' | 'input'> {
  /** Default all three piped. */
  stdio?: StdioOptions;
}

/**
 * Starts a long-lived program (an emulator, Azurite, a validation job) and hands back zx's process:
 * its streams and pid, and the promise of its end, which never rejects (stop it with signalProcess).
 * A missing program throws the CliError at once.
 */
export function startProcess(program: string, args: readonly string[], options: StartOptions = {}): ProcessPromise {
  if (!programOnPath(program, options.env)) throw processError(program, args, notFoundResult(program), options);
  return spawnProgram(program, args, { ...options, stdio: options.stdio ?? 'pipe' });
}

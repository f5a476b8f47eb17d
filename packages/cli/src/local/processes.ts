// Running external programs: as the current user, or (for PostgreSQL, which refuses root) as the
// unprivileged `postgres` account when we are root.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { UsageError } from '@complianceflow/core/errors.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its exit. Resolves on 'exit', not 'close': a daemon the program forks may keep
 * the pipes open long after the program itself is done.
 */
export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Give buffered output a moment, then let go of pipes a forked daemon may still hold.
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr });
      });
    });
  });
}

export interface RunAs {
  /** The command line that runs `command` as this user. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** uid/gid to chown files to, or undefined when we already are that user. */
  owner: { uid: number; gid: number } | undefined;
  name: string;
}

/** PostgreSQL's initdb and postgres refuse to run as root: use the `postgres` account then. */
export function postgresRunAs(): RunAs {
  if (process.getuid?.() !== 0) {
    return { wrap: (command, args) => [command, [...args]], owner: undefined, name: 'the current user' };
  }
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    throw new UsageError('running as root and there is no "postgres" user to run PostgreSQL as', 'install the Debian package postgresql (it creates the user), or run as an ordinary user');
  }
  return { wrap: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]], owner: { uid, gid }, name: 'postgres' };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

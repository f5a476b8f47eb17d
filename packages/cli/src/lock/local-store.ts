// The local lock store: one Azurite blob service with a lifetime of its own (like a storage account),
// started and stopped explicitly (`cf-infra local lockstore start|stop|status`), its leases and blobs
// on disk under its directory. No cf-infra run starts or stops it: a run that did would take every
// other run's leases down with it when it ends (issue 16, item 1). --emulator runs refuse without it.
import { envString } from '@complianceflow/core/env.ts';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { azuriteBlobPort } from './azurite.ts';

import { repoRoot } from '@complianceflow/core/repo-root.ts';
const azuriteBlobMain = path.join(repoRoot, 'node_modules/azurite/dist/src/blob/main.js');

/** Environment variable naming the lock store's state directory (default .local-data/azurite). */
export const lockStoreDirEnv = 'CF_LOCK_STORE_DIR';
export const defaultLockStoreDir = path.join(repoRoot, '.local-data', 'azurite');
export const lockStoreStartCommand = 'cf-infra local lockstore start';

export interface LockStoreLayout {
  dir: string;
  /** What `start` launched: { pid, port, startedAt }. */
  pidFile: string;
  log: string;
}

export function lockStoreLayout(env: NodeJS.ProcessEnv = process.env): LockStoreLayout {
  const raw = envString(lockStoreDirEnv, env);
  const dir = raw === undefined || raw === '' ? defaultLockStoreDir : path.resolve(raw);
  return { dir, pidFile: path.join(dir, 'lockstore.pid.json'), log: path.join(dir, 'lockstore.log') };
}

export function lockStorePort(env: NodeJS.ProcessEnv = process.env): number {
  try {
    return azuriteBlobPort(env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface PidRecord {
  pid: number;
  port: number;
  startedAt: string;
}

function readPidRecord(layout: LockStoreLayout): PidRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(layout.pidFile, 'utf8')) as Partial<PidRecord>;
    if (typeof value.pid === 'number' && typeof value.port === 'number' && typeof value.startedAt === 'string') return value as PidRecord;
  } catch {
    // missing or unreadable: not started from this directory
  }
  return undefined;
}

/** The process is alive and is an Azurite (a recycled pid must never be signalled). */
function isOurAzurite(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('azurite');
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

export interface LockStoreStatus {
  port: number;
  dir: string;
  /** Something answers on the port. */
  listening: boolean;
  /** The Azurite started from this directory, when it still runs. */
  pid: number | undefined;
  startedAt: string | undefined;
}

export async function lockStoreStatus(env: NodeJS.ProcessEnv = process.env): Promise<LockStoreStatus> {
  const layout = lockStoreLayout(env);
  const port = lockStorePort(env);
  const record = readPidRecord(layout);
  const ours = record !== undefined && record.port === port && isOurAzurite(record.pid) ? record : undefined;
  return { port, dir: layout.dir, listening: await canConnect(port), pid: ours?.pid, startedAt: ours?.startedAt };
}

export function describeLockStoreStatus(status: LockStoreStatus): string {
  if (status.pid !== undefined && status.listening) return `the lock store (Azurite, pid ${status.pid}) is running on 127.0.0.1:${status.port} since ${status.startedAt}; state in ${status.dir}`;
  if (status.listening) return `something listens on 127.0.0.1:${status.port} that was not started from ${status.dir} (another user's lock store?); --emulator commands use it as the lock store`;
  return `the lock store is not running on 127.0.0.1:${status.port} (state dir ${status.dir})`;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Starts Azurite detached from this process (it outlives it); idempotent when ours already runs. */
export async function startLockStore(env: NodeJS.ProcessEnv = process.env, options: { startTimeoutMs?: number } = {}): Promise<{ started: boolean; status: LockStoreStatus }> {
  const before = await lockStoreStatus(env);
  if (before.pid !== undefined && before.listening) return { started: false, status: before };
  if (before.listening) {
    throw new CliError(`cannot start the lock store on 127.0.0.1:${before.port}: something else already listens there (not started from ${before.dir}).`, {
      hint: 'on a shared machine, give yours its own port and directory: AZURITE_BLOB_PORT=<free port> CF_LOCK_STORE_DIR=<dir> (and the same for every --emulator command)',
    });
  }
  const layout = lockStoreLayout(env);
  // One Azurite per state directory: two on the same --location would both write its database.
  const running = readPidRecord(layout);
  if (running !== undefined && isOurAzurite(running.pid)) {
    throw new CliError(`the lock store of ${layout.dir} already runs on 127.0.0.1:${running.port} (pid ${running.pid}), not on ${before.port}.`, {
      hint: `use AZURITE_BLOB_PORT=${running.port}, or stop it first (AZURITE_BLOB_PORT=${running.port} cf-infra local lockstore stop), or give this one its own ${lockStoreDirEnv}`,
    });
  }
  mkdirSync(layout.dir, { recursive: true });
  // The process layer (zx) loads only here: an --emulator run that checks the store loads none of it.
  const { signalProcess, startProcess } = await import('@complianceflow/core/process.ts');
  const log = openSync(layout.log, 'a');
  // detached, in its own session, stdio to its log: neither this process's end nor a terminal's
  // Ctrl-C reaches it. Leases and blobs persist under --location across a restart.
  const azurite = startProcess(process.execPath, [azuriteBlobMain, '--blobHost', '127.0.0.1', '--blobPort', String(before.port), '--location', layout.dir, '--skipApiVersionCheck', '--loose', '--silent'], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: layout.dir,
  });
  closeSync(log);
  let exited = false;
  void azurite.then(() => (exited = true));
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const up = await waitUntil(async () => exited || (await canConnect(before.port)), timeoutMs);
  if (!up || exited) {
    if (!exited) signalProcess(azurite, 'SIGKILL');
    const tail = existsSync(layout.log) ? readFileSync(layout.log, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
    throw new CliError(`could not start the lock store (Azurite) on 127.0.0.1:${before.port}: ${exited ? 'it exited' : `no answer within ${Math.round(timeoutMs / 1000)} s`}${tail ? `:\n${tail}` : ''}`, {
      hint: `see ${layout.log}; AZURITE_BLOB_PORT=<free port> to use another port`,
    });
  }
  writeFileSync(layout.pidFile, `${JSON.stringify({ pid: azurite.pid!, port: before.port, startedAt: new Date().toISOString() } satisfies PidRecord)}\n`);
  azurite.child?.unref();
  return { started: true, status: await lockStoreStatus(env) };
}

/** Stops the Azurite started from this directory (SIGTERM, then SIGKILL after the grace time). */
export async function stopLockStore(env: NodeJS.ProcessEnv = process.env, options: { graceMs?: number } = {}): Promise<{ stopped: boolean; pid: number | undefined; status: LockStoreStatus }> {
  const status = await lockStoreStatus(env);
  const layout = lockStoreLayout(env);
  if (status.pid === undefined) {
    rmSync(layout.pidFile, { force: true });
    return { stopped: false, pid: undefined, status };
  }
  const pid = status.pid;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  process.kill(pid, 'SIGTERM');
  if (!(await waitUntil(() => !alive(), options.graceMs ?? 10_000))) process.kill(pid, 'SIGKILL');
  await waitUntil(async () => !alive() && !(await canConnect(status.port)), 10_000);
  rmSync(layout.pidFile, { force: true });
  return { stopped: true, pid, status: await lockStoreStatus(env) };
}

/** --emulator: the lock store must be running; never started here (it would die with this run). */
export async function requireLocalLockStore(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const port = lockStorePort(env);
  if (await canConnect(port)) return port;
  const portEnv = env.AZURITE_BLOB_PORT ? `AZURITE_BLOB_PORT=${env.AZURITE_BLOB_PORT} ` : '';
  throw new CliError(`the local lock store (Azurite) is not running on 127.0.0.1:${port}; nothing was started or changed.`, {
    hint: `start it once, it keeps running for every --emulator command: ${portEnv}${lockStoreStartCommand} (npm run lockstore -- start); stop it with cf-infra local lockstore stop`,
  });
}

// Redis from the locally installed redis-server: daemonised, bound to 127.0.0.1, with the
// configured memory cap and eviction policy.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { CliError } from '@complianceflow/core/errors.ts';
import { processError, runNothrow } from '@complianceflow/core/process.ts';
import type { NativeLayout } from './layout.ts';
import { tailOfFile } from './log-tail.ts';
import { isProcessAlive } from './processes.ts';

export interface RedisSettings {
  port: number;
  maxmemory: string;
  maxmemoryPolicy: string;
}

export interface RedisHealth {
  healthy: boolean;
  detail: string;
  maxmemoryPolicy?: string;
}

export function redisPid(layout: NativeLayout): number | undefined {
  try {
    const pid = Number(readFileSync(layout.redisPid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** PING, and the eviction policy the server really runs with. */
export async function redisHealth(port: number): Promise<RedisHealth> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const pong = await client.ping();
    const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
    return { healthy: pong === 'PONG', detail: `${pong}, maxmemory-policy ${policy}`, ...(policy === undefined ? {} : { maxmemoryPolicy: policy }) };
  } catch (error) {
    return { healthy: false, detail: (error as Error).message };
  } finally {
    client.disconnect();
  }
}

export async function startRedis(layout: NativeLayout, settings: RedisSettings, redisServer: string): Promise<void> {
  mkdirSync(layout.redisDir, { recursive: true });
  rmSync(layout.redisPid, { force: true });
  const args = [
    '--bind', '127.0.0.1',
    '--port', String(settings.port),
    '--protected-mode', 'yes',
    '--daemonize', 'yes',
    '--pidfile', layout.redisPid,
    '--logfile', layout.redisLog,
    '--dir', layout.redisDir,
    '--maxmemory', settings.maxmemory,
    '--maxmemory-policy', settings.maxmemoryPolicy,
    '--save', '60 1000', // as in docker-compose.yml
    '--appendonly', 'no',
  ];
  const result = await runNothrow(redisServer, args, { install: 'the Debian package redis-server' });
  const failure = (reason: string): CliError =>
    new CliError(`redis: could not start on 127.0.0.1:${settings.port}: ${reason}${existsSync(layout.redisLog) ? `. Last lines of ${layout.redisLog}:\n${tailOfFile(layout.redisLog)}` : ''}`);
  if (result.code !== 0) throw failure(processError(redisServer, args, result).message);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await redisHealth(settings.port)).healthy) return;
    await sleep(100);
  }
  await stopRedis(layout);
  throw failure('it did not answer PING within 15 s');
}

export async function stopRedis(layout: NativeLayout): Promise<boolean> {
  const pid = redisPid(layout);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
  rmSync(layout.redisPid, { force: true });
  return true;
}

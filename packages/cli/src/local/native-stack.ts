// Native mode: PostgreSQL and Redis from the locally installed binaries, in a project-owned data
// directory, on 127.0.0.1 with the same ports, users and database init as the Compose stack.
// Kafka and Redpanda Console have no native counterpart here: they are reported, not faked.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { UsageError } from '@complianceflow/core/errors.ts';
import { findNativeBinaries, type NativeBinaries } from './binaries.ts';
import type { LocalCatalog } from './catalog.ts';
import { initDatabases, seedTestData, type DatabaseTarget } from './database-init.ts';
import { nativeLayout, type NativeLayout } from './layout.ts';
import { isPortFree } from './ports.ts';
import { ensurePostgresCluster, postgresHealth, postgresPid, startPostgres, stopPostgres } from './postgres-native.ts';
import { postgresRunAs } from './processes.ts';
import { redisHealth, redisPid, startRedis, stopRedis } from './redis-native.ts';
import type { LocalSettings } from './settings.ts';
import type { ServiceStatus } from './status.ts';

export const kafkaNotNativeReason =
  'not available in native mode: Kafka and Redpanda Console run only in the Docker stack (no Debian package provides a Kafka broker); use `npm run local:up` with a Docker engine';

export interface NativeOptions {
  dataRoot: string;
  settings: LocalSettings;
  catalog: LocalCatalog;
  /** Found on PATH and in the Debian layout unless given. */
  binaries?: NativeBinaries;
  /** Progress lines; silent unless given. */
  log?: (line: string) => void;
  /** Seed the two development tenants after init (default true). */
  seed?: boolean;
}

interface NativeState {
  ports: { postgres: number; redis: number };
}

function readState(layout: NativeLayout): NativeState | undefined {
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as NativeState;
  } catch {
    return undefined;
  }
}

/** Whether a native stack has been started from this data directory (and not reset). */
export function nativeStackExists(dataRoot: string): boolean {
  return existsSync(nativeLayout(dataRoot).stateFile);
}

/** Where the native PostgreSQL is, as the database scripts need it. */
export function databaseTarget(settings: LocalSettings, binaries: NativeBinaries): DatabaseTarget {
  return {
    port: settings.ports.postgres,
    superuser: settings.postgresSuperuser,
    superuserPassword: settings.postgresSuperuserPassword,
    serviceDbPassword: settings.serviceDbPassword,
    databaseSuffix: settings.databaseSuffix,
    psql: binaries.psql,
  };
}

/** Refuses before anything starts when a port we would bind is taken by something else. */
async function checkPorts(layout: NativeLayout, settings: LocalSettings): Promise<void> {
  const wanted = [
    { service: 'postgres', key: 'POSTGRES_PORT', port: settings.ports.postgres, ours: postgresPid(layout) !== undefined },
    { service: 'redis', key: 'REDIS_PORT', port: settings.ports.redis, ours: redisPid(layout) !== undefined },
  ];
  const problems: string[] = [];
  for (const { service, key, port, ours } of wanted) {
    if (!ours && !(await isPortFree(port))) problems.push(`${service}: port ${port} on 127.0.0.1 is already in use by another program`);
  }
  if (problems.length > 0) {
    const keys = wanted.filter((entry) => problems.some((problem) => problem.startsWith(`${entry.service}:`))).map((entry) => `${entry.key}=<free port>`);
    throw new UsageError(problems.join('\n'), `stop the program using it (a system service? \`ss -ltnp\` shows it), or set ${keys.join(' and ')} in local/.env`);
  }
}

export async function nativeUp(options: NativeOptions): Promise<ServiceStatus[]> {
  const { settings, catalog } = options;
  const log = options.log ?? (() => undefined);
  const layout = nativeLayout(options.dataRoot);
  const binaries = options.binaries ?? findNativeBinaries();
  const runAs = postgresRunAs();
  const running = readState(layout)?.ports;
  if (running !== undefined && (postgresPid(layout) !== undefined || redisPid(layout) !== undefined) &&
      (running.postgres !== settings.ports.postgres || running.redis !== settings.ports.redis)) {
    throw new UsageError(
      `the native stack in ${options.dataRoot} is running on ports ${running.postgres} (postgres) and ${running.redis} (redis), not the configured ${settings.ports.postgres} and ${settings.ports.redis}`,
      'run `npm run local:down` first, then `local:up` again with the new ports',
    );
  }
  await checkPorts(layout, settings);

  // The postgres account must be able to reach its directory under the data root.
  mkdirSync(layout.root, { recursive: true });
  chmodSync(layout.root, 0o755);

  const postgres = { port: settings.ports.postgres, superuser: settings.postgresSuperuser, superuserPassword: settings.postgresSuperuserPassword };
  const startedHere: (() => Promise<unknown>)[] = [];
  try {
    if (postgresPid(layout) === undefined) {
      if (await ensurePostgresCluster(layout, postgres, binaries, runAs)) log(`postgres: created a new cluster in ${layout.postgresData}`);
      await startPostgres(layout, postgres, binaries, runAs);
      startedHere.push(() => stopPostgres(layout, binaries, runAs));
      log(`postgres: started on 127.0.0.1:${settings.ports.postgres} (log ${layout.postgresLog})`);
    } else {
      log('postgres: already running');
    }

    if (redisPid(layout) === undefined) {
      await startRedis(layout, { port: settings.ports.redis, maxmemory: settings.redisMaxmemory, maxmemoryPolicy: settings.redisMaxmemoryPolicy }, binaries.redisServer);
      startedHere.push(() => stopRedis(layout));
      log(`redis: started on 127.0.0.1:${settings.ports.redis} (log ${layout.redisLog})`);
    } else {
      log('redis: already running');
    }

    const target = databaseTarget(settings, binaries);
    await initDatabases(target, catalog);
    log(`postgres: ${catalog.services.length} service databases, roles, extensions and RLS example ready`);
    if (options.seed ?? true) {
      await seedTestData(target, catalog);
      log('postgres: development data seeded for two tenants');
    }
  } catch (error) {
    // No half-started stack: stop what this run started, newest first.
    for (const stop of startedHere.reverse()) await stop().catch(() => undefined);
    throw error;
  }

  const state: NativeState = { ports: { postgres: settings.ports.postgres, redis: settings.ports.redis } };
  writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
  return nativeStatus(options);
}

export async function nativeStatus(options: Pick<NativeOptions, 'dataRoot' | 'settings'>): Promise<ServiceStatus[]> {
  const { settings } = options;
  const layout = nativeLayout(options.dataRoot);
  const ports = readState(layout)?.ports ?? { postgres: settings.ports.postgres, redis: settings.ports.redis };
  const rows: ServiceStatus[] = [];

  if (postgresPid(layout) === undefined) {
    rows.push({ service: 'postgres', port: ports.postgres, state: 'stopped', detail: 'not running' });
  } else {
    const health = await postgresHealth(ports.postgres, settings.postgresSuperuser, settings.postgresSuperuserPassword);
    rows.push({ service: 'postgres', port: ports.postgres, state: health.healthy ? 'healthy' : 'unhealthy', detail: health.detail });
  }
  if (redisPid(layout) === undefined) {
    rows.push({ service: 'redis', port: ports.redis, state: 'stopped', detail: 'not running' });
  } else {
    const health = await redisHealth(ports.redis);
    rows.push({ service: 'redis', port: ports.redis, state: health.healthy ? 'healthy' : 'unhealthy', detail: health.detail });
  }
  rows.push({ service: 'kafka', port: settings.ports.kafka, state: 'not available', detail: kafkaNotNativeReason });
  rows.push({ service: 'console', port: settings.ports.console, state: 'not available', detail: 'not available in native mode: Redpanda Console needs Kafka (Docker stack only)' });
  return rows;
}

/** Stops what runs from this data directory; returns the services it stopped. */
export async function nativeDown(options: Pick<NativeOptions, 'dataRoot' | 'binaries'>): Promise<string[]> {
  const layout = nativeLayout(options.dataRoot);
  const stopped: string[] = [];
  if (await stopRedis(layout)) stopped.push('redis');
  if (postgresPid(layout) !== undefined) {
    const binaries = options.binaries ?? findNativeBinaries();
    if (await stopPostgres(layout, binaries, postgresRunAs())) stopped.push('postgres');
  }
  return stopped;
}

/**
 * What reset removes: the native environment's own entries of its data directory, never the
 * directory itself — by default that is .local-data/, which also holds the ARM emulator's state and
 * CA and the lock store (and may hold run reports or whatever a --data-dir points at).
 */
export function nativeOwnData(dataRoot: string): string[] {
  const layout = nativeLayout(dataRoot);
  return [layout.postgresDir, layout.redisDir, layout.stateFile];
}

/** Stops the stack, deletes its own data (nativeOwnData) and starts it again from scratch. */
export async function nativeReset(options: NativeOptions): Promise<ServiceStatus[]> {
  await nativeDown(options);
  const removed = nativeOwnData(options.dataRoot).filter((entry) => existsSync(entry));
  for (const entry of removed) rmSync(entry, { recursive: true, force: true });
  options.log?.(removed.length === 0 ? `nothing to remove in ${options.dataRoot}` : `removed ${removed.join(', ')} (nothing else in ${options.dataRoot})`);
  return nativeUp(options);
}

export function nativeLogFiles(dataRoot: string): Record<'postgres' | 'redis', string> {
  const layout = nativeLayout(dataRoot);
  return { postgres: layout.postgresLog, redis: layout.redisLog };
}

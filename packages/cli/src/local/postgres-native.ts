// PostgreSQL from the locally installed binaries: a cluster in the project's data directory,
// listening on 127.0.0.1 only (no Unix socket), password (SCRAM) authentication.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CliError } from '@complianceflow/core/errors.ts';
import { processError, runNothrow } from '@complianceflow/core/process.ts';
import type { NativeBinaries } from './binaries.ts';
import type { NativeLayout } from './layout.ts';
import { tailOfFile } from './log-tail.ts';
import { isProcessAlive, type RunAs } from './processes.ts';

export interface PostgresSettings {
  port: number;
  superuser: string;
  superuserPassword: string;
}

function ownedDir(dir: string, runAs: RunAs): void {
  mkdirSync(dir, { recursive: true });
  if (runAs.owner !== undefined) chownSync(dir, runAs.owner.uid, runAs.owner.gid);
}

/** Creates the cluster when the data directory has none. Returns whether it did. */
export async function ensurePostgresCluster(layout: NativeLayout, settings: PostgresSettings, binaries: NativeBinaries, runAs: RunAs): Promise<boolean> {
  if (existsSync(path.join(layout.postgresData, 'PG_VERSION'))) return false;
  ownedDir(layout.postgresDir, runAs);
  rmSync(layout.postgresData, { recursive: true, force: true });
  const passwordFile = path.join(layout.postgresDir, '.initdb-password');
  writeFileSync(passwordFile, `${settings.superuserPassword}\n`, { mode: 0o600 });
  if (runAs.owner !== undefined) chownSync(passwordFile, runAs.owner.uid, runAs.owner.gid);
  try {
    const [command, args] = runAs.wrap(binaries.initdb, [
      '--pgdata', layout.postgresData,
      '--username', settings.superuser,
      '--pwfile', passwordFile,
      '--auth-host=scram-sha-256',
      '--auth-local=peer',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    const result = await runNothrow(command, args);
    if (result.code !== 0) {
      rmSync(layout.postgresData, { recursive: true, force: true });
      throw processError(command, args, result, { label: 'postgres: initdb' });
    }
  } finally {
    rmSync(passwordFile, { force: true });
  }
  return true;
}

/** The postmaster's pid when our cluster is running. */
export function postgresPid(layout: NativeLayout): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(layout.postgresData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startPostgres(layout: NativeLayout, settings: PostgresSettings, binaries: NativeBinaries, runAs: RunAs): Promise<void> {
  // The log file is written by the server, so it must belong to the account it runs as.
  if (!existsSync(layout.postgresLog)) writeFileSync(layout.postgresLog, '');
  if (runAs.owner !== undefined) chownSync(layout.postgresLog, runAs.owner.uid, runAs.owner.gid);
  chmodSync(layout.postgresLog, 0o644);
  const serverOptions = [
    `-c port=${settings.port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    // pg_stat_statements records statistics only when preloaded (as on Azure).
    '-c shared_preload_libraries=pg_stat_statements',
  ].join(' ');
  const [command, args] = runAs.wrap(binaries.pgCtl, ['start', '--pgdata', layout.postgresData, '--log', layout.postgresLog, '--wait', '--timeout=30', '--options', serverOptions]);
  const result = await runNothrow(command, args);
  if (result.code !== 0) {
    throw new CliError(`postgres: could not start on 127.0.0.1:${settings.port} (pg_ctl exit ${result.code}). Last lines of ${layout.postgresLog}:\n${tailOfFile(layout.postgresLog)}`);
  }
}

export async function stopPostgres(layout: NativeLayout, binaries: Pick<NativeBinaries, 'pgCtl'>, runAs: RunAs): Promise<boolean> {
  if (postgresPid(layout) === undefined) return false;
  const [command, args] = runAs.wrap(binaries.pgCtl, ['stop', '--pgdata', layout.postgresData, '--mode=fast', '--wait', '--timeout=30']);
  const result = await runNothrow(command, args);
  if (result.code !== 0) throw processError(command, args, result, { label: 'postgres: pg_ctl stop' });
  return true;
}

export interface PostgresHealth {
  healthy: boolean;
  detail: string;
}

/** A real query: the server version and how many service databases exist. */
export async function postgresHealth(port: number, user: string, password: string): Promise<PostgresHealth> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const result = await client.query<{ version: string; databases: string }>(
      "SELECT current_setting('server_version') AS version, (SELECT count(*) FROM pg_database WHERE datname LIKE 'complianceflow\\_%') AS databases",
    );
    const row = result.rows[0]!;
    return { healthy: true, detail: `PostgreSQL ${row.version}, ${row.databases} service databases` };
  } catch (error) {
    return { healthy: false, detail: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

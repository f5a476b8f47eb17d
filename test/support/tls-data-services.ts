// "Azure-like" local data services for the TLS paths of the validation checks: the machine's
// PostgreSQL with ssl=on, a server certificate of a test CA and a pg_hba that allows only hostssl
// (as require_secure_transport does on Azure), and redis-server with a TLS port only (as Azure
// Managed Redis), an ACL user named like an Entra object id. Both on loopback, in temp dirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import { findNativeBinaries } from '@complianceflow/cli/local/binaries.ts';
import { nativeLayout } from '@complianceflow/cli/local/layout.ts';
import { ensurePostgresCluster, startPostgres, stopPostgres } from '@complianceflow/cli/local/postgres-native.ts';
import { postgresRunAs } from '@complianceflow/cli/local/processes.ts';
import type { TlsMaterial } from '@complianceflow/arm-emulator/tls.ts';

export interface TlsPostgres {
  port: number;
  logins: { service: string; login: string; password: string; database: string }[];
  stop(): Promise<void>;
}

/** PostgreSQL that speaks TLS only (hostssl), with one login and database per service. */
export async function startTlsPostgres(root: string, tls: TlsMaterial, port: number, services: readonly string[]): Promise<TlsPostgres> {
  mkdirSync(root, { recursive: true });
  chmodSync(root, 0o755);
  const layout = nativeLayout(root);
  const binaries = findNativeBinaries();
  const runAs = postgresRunAs();
  const superuser = { port, superuser: 'postgres', superuserPassword: 'tls-superuser-pw-7d1c' };
  await ensurePostgresCluster(layout, superuser, binaries, runAs);
  const own = (file: string, mode: number): void => {
    chmodSync(file, mode);
    if (runAs.owner !== undefined) chownSync(file, runAs.owner.uid, runAs.owner.gid);
  };
  writeFileSync(path.join(layout.postgresData, 'server.crt'), tls.certPem);
  writeFileSync(path.join(layout.postgresData, 'server.key'), tls.keyPem);
  own(path.join(layout.postgresData, 'server.crt'), 0o644);
  own(path.join(layout.postgresData, 'server.key'), 0o600);
  appendFileSync(path.join(layout.postgresData, 'postgresql.conf'), "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
  writeFileSync(path.join(layout.postgresData, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  await startPostgres(layout, superuser, binaries, runAs);

  const logins = services.map((service) => ({ service, login: `cf_${service}`, password: `pw-${service}-5e0b`, database: `complianceflow_${service}_tls` }));
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: superuser.superuserPassword, database: 'postgres', ssl: { ca: tls.caPem, servername: '127.0.0.1' } });
  await admin.connect();
  try {
    for (const l of logins) {
      await admin.query(`CREATE ROLE ${l.login} LOGIN PASSWORD '${l.password}'`);
      await admin.query(`CREATE DATABASE ${l.database} OWNER ${l.login}`);
      await admin.query(`REVOKE ALL ON DATABASE ${l.database} FROM PUBLIC`);
    }
  } finally {
    await admin.end();
  }
  return { port, logins, stop: async () => void (await stopPostgres(layout, binaries, runAs)) };
}

export interface TlsRedis {
  port: number;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/** redis-server with --port 0 and a TLS port, no client certificates, an ACL user (username + password as with Entra). */
export async function startTlsRedis(root: string, tls: TlsMaterial, port: number): Promise<TlsRedis> {
  mkdirSync(root, { recursive: true });
  const files = { cert: path.join(root, 'redis.crt'), key: path.join(root, 'redis.key'), ca: path.join(root, 'ca.crt') };
  writeFileSync(files.cert, tls.certPem);
  writeFileSync(files.key, tls.keyPem, { mode: 0o600 });
  writeFileSync(files.ca, tls.caPem);
  const username = '0f3c2a9e-1b7d-4c55-9a0e-5d2f8c1b3a77';
  const password = 'entra-token-like-9b4e';
  const child: ChildProcess = spawn(findNativeBinaries().redisServer, [
    '--bind', '127.0.0.1', '--port', '0', '--tls-port', String(port),
    '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no',
    '--daemonize', 'no', '--save', '', '--appendonly', 'no', '--dir', root,
    '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru',
    '--user', 'default', 'off',
    '--user', username, 'on', `>${password}`, '~*', '&*', '+@all',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${output}`);
    const client = new Redis({ host: '127.0.0.1', port, username, password, tls: { ca: tls.caPem, servername: '127.0.0.1' }, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return { port, username, password, stop };
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`redis-server with TLS did not answer within 15 s: ${output}`);
}

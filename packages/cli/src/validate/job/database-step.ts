// The deploy's database step (issue 15, item 5): for each catalogue service, sql/service.sql as the
// server admin with the service's password from Key Vault — the SQL a person ran by hand from inside
// the VNet before. The validation job's image runs it (its `databases` task): inside the VNet on
// Azure, a local process behind the emulator. One check per service, so the results stream back
// through the job's results blob like the data checks.
//
// Idempotent: before the SQL, the role logs in to its database with the vault's password; only when
// that login is refused is the password set again (reset_password), so a rerun re-hashes nothing and
// sql/service.sql restates the rest without a catalog change (sql/README.md). psql never sees a
// password: it gets the role's SCRAM-SHA-256 verifier (computed here, as psql's \password does) through
// its environment (\getenv), so no statement the server could log (log_statement, an error's
// STATEMENT line) carries the password itself; everything it prints is masked.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { runNothrow } from '@complianceflow/core/process.ts';
import { fail, pass, type CheckDefinition, type CheckOutcome } from '../model.ts';
import { maskSecrets } from '../runner.ts';

export const serviceSqlFile = path.join(repoRoot, 'sql', 'service.sql');
export const databaseStepTroubleshooting = 'database-step';
/** psql, connection set-up and the SQL of one service (CREATE DATABASE, extensions) on a busy server. */
const perServiceTimeoutMs = 120_000;
const connectTimeoutMs = 10_000;

export interface AdminConnection {
  host: string;
  port: number;
  user: string;
  password: string;
  /** verify-full against the given root certificates file (Azure), or a plain connection (the local server). */
  tls: false | { rootCertFile: string };
}

export interface ServiceDatabase {
  service: string;
  role: string;
  database: string;
  /** The Key Vault secret holding the password. */
  secretName: string;
  /** Empty when it could not be read: then `problem` says why. */
  password: string;
  problem?: string;
}

export const databaseStepCheckName = (s: Pick<ServiceDatabase, 'role' | 'database'>): string => `database: ${s.role} on ${s.database}`;

type Probe = { ok: true } | { ok: false; code: string; message: string };

/** Whether the role logs in to its database with the vault's password (the SQLSTATE when not). */
async function probeLogin(admin: AdminConnection, s: ServiceDatabase): Promise<Probe> {
  const ssl = admin.tls === false ? false : { rejectUnauthorized: true, servername: admin.host };
  const { default: postgres } = await import('pg'); // only when the step runs
  const client = new postgres.Client({ host: admin.host, port: admin.port, user: s.role, password: s.password, database: s.database, ssl, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { ok: false, code: e.code ?? 'error', message: e.message ?? String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Pure: whether the password must be set again. PostgreSQL authenticates before it looks the database
 * up or checks CONNECT, so "database does not exist" (3D000) and "permission denied" (42501) mean the
 * password was accepted; anything else (28P01: wrong password or no such role) means set it.
 */
export function needsPassword(probe: Probe): boolean {
  return !probe.ok && probe.code !== '3D000' && probe.code !== '42501';
}

/** Pure: psql's arguments (no secret among them). */
export function psqlArgs(s: Pick<ServiceDatabase, 'role' | 'database'>, resetPassword: boolean, sqlFile: string = serviceSqlFile): string[] {
  return [
    '--no-psqlrc', '--quiet', '--set', 'ON_ERROR_STOP=1',
    '--set', `service_db=${s.database}`, '--set', `service_role=${s.role}`,
    ...(resetPassword ? ['--set', 'reset_password=1'] : []),
    '--command', '\\getenv service_password CF_ROLE_PASSWORD',
    '--file', sqlFile,
  ];
}

/** Pure: psql's environment — the libpq variables for the admin and the role's password, nothing inherited but PATH/HOME/LANG. */
export function psqlEnv(admin: AdminConnection, rolePassword: string, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG']) if (inherited[name] !== undefined) env[name] = inherited[name]!;
  return {
    ...env,
    PGHOST: admin.host,
    PGPORT: String(admin.port),
    PGUSER: admin.user,
    PGPASSWORD: admin.password,
    PGDATABASE: 'postgres',
    PGCONNECT_TIMEOUT: String(connectTimeoutMs / 1000),
    PGAPPNAME: 'cf-infra database step',
    ...(admin.tls === false ? { PGSSLMODE: 'disable' } : { PGSSLMODE: 'verify-full', PGSSLROOTCERT: admin.tls.rootCertFile }),
    CF_ROLE_PASSWORD: rolePassword,
  };
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password, `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
 * (RFC 5802/7677; PostgreSQL's docs "Password Authentication" and pg_authid.rolpassword). PostgreSQL
 * keeps a value already in this form as it is. The passwords here are base64url (ASCII), which
 * SASLprep leaves unchanged.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const describeProbe = (probe: Probe): string => (probe.ok ? 'logs in' : `${probe.code}: ${probe.message}`);

export interface DatabaseStepInput {
  admin: AdminConnection;
  services: readonly ServiceDatabase[];
  /** The psql program (psql 15+ for \getenv). */
  psql: string;
  sqlFile?: string;
}

/** One check per service. The SQL runs one service at a time (the catalog is shared: concurrent role and grant changes can collide). */
export function databaseStepChecks(input: DatabaseStepInput): CheckDefinition[] {
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const secrets = [input.admin.password, ...input.services.map((s) => s.password)];
  return input.services.map((s) => ({
    name: databaseStepCheckName(s),
    troubleshooting: databaseStepTroubleshooting,
    timeoutMs: perServiceTimeoutMs * input.services.length,
    run: () => serially(async (): Promise<CheckOutcome> => {
      if (s.password === '') return fail(`the password of ${s.role} could not be read from Key Vault secret ${s.secretName}: ${s.problem ?? 'empty'}; nothing was changed`);
      const before = await probeLogin(input.admin, s);
      const reset = needsPassword(before);
      const verifier = scramVerifier(s.password);
      const ran = await runNothrow(input.psql, psqlArgs(s, reset, input.sqlFile), { env: psqlEnv(input.admin, verifier) });
      if (ran.code !== 0) {
        const tail = ran.output.trim().split('\n').slice(-6).join('\n');
        return fail(maskSecrets(`sql/service.sql as ${input.admin.user} on ${input.admin.host}:${input.admin.port} failed (psql exit ${ran.code}): ${tail}`, [...secrets, verifier]));
      }
      const after = await probeLogin(input.admin, s);
      if (!after.ok) return fail(maskSecrets(`after sql/service.sql, ${s.role} still cannot log in to ${s.database} with the password of ${s.secretName} (${describeProbe(after)})`, secrets));
      return pass(reset
        ? `password of ${s.role} set from Key Vault secret ${s.secretName} (before: ${maskSecrets(describeProbe(before), secrets)}); role, database, grants, extensions and row-level security applied`
        : `${s.role} already logs in with its Key Vault password (not set again); database, grants, extensions and row-level security restated`);
    }),
  }));
}

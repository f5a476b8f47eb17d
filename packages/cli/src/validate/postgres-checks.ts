// PostgreSQL checks with the real `pg` client: TLS required, each service login reaches its own
// database (SELECT 1) and is refused by another service's, the three extensions present.
import type pg from 'pg';
import { fail, pass, skipped, type CheckDefinition, type CheckOutcome } from './model.ts';
import { describeConnectionError, localNoTlsPostgres, type PostgresTarget, type ServiceLogin } from './targets.ts';

export const requiredExtensions = ['pg_stat_statements', 'pg_trgm', 'uuid-ossp'] as const;
const connectTimeoutMs = 8000;
/** Per query, client side: a server that accepted the connection and then froze must not hold a check. */
const queryTimeoutMs = 8000;
/** How long a polite close (Terminate) may take before the socket is destroyed. */
const closeTimeoutMs = 2000;

type Ssl = false | { rejectUnauthorized: true; servername: string; ca?: string };

function sslOf(target: PostgresTarget): Ssl {
  return target.tls ? { rejectUnauthorized: true, servername: target.host, ...(target.ca === undefined ? {} : { ca: target.ca }) } : false;
}

/** pg's end() waits for the server to close; a frozen one never does, so the socket is destroyed after a bound. */
async function close(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.end().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, closeTimeoutMs)))]);
  clearTimeout(timer);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

async function withClient<T>(target: PostgresTarget, login: ServiceLogin, database: string, ssl: Ssl, body: (client: pg.Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
  // Loaded by the check that uses it: a deploy or --help that runs no PostgreSQL check never loads pg.
  const { default: postgres } = await import('pg');
  const client = new postgres.Client({ host: target.host, port: target.port, user: login.login, password: login.password, database, ssl, connectionTimeoutMillis: connectTimeoutMs, query_timeout: queryTimeoutMs });
  client.on('error', () => undefined);
  const onAbort = (): void => void close(client);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    return await body(client);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await close(client);
  }
}

function failure(target: PostgresTarget, login: ServiceLogin, database: string, error: unknown): CheckOutcome {
  const code = (error as { code?: string }).code;
  const where = `PostgreSQL at ${target.host}:${target.port}`;
  if (code === '28P01') return fail(`login ${login.login} was refused by ${where}: password authentication failed (check the password of ${login.login})`);
  if (code === '42501') return fail(`login ${login.login} may not connect to ${database} (permission denied)`);
  if (code === '3D000') return fail(`database ${database} does not exist on ${where} (login ${login.login})`);
  return fail(`login ${login.login} on ${database}: ${describeConnectionError(error, where, target.notRunningHint)}`);
}

function tlsCheck(target: PostgresTarget): CheckDefinition {
  return {
    name: 'postgres: TLS required, plain connection refused',
    troubleshooting: 'postgres-tls',
    async run(signal) {
      if (!target.tls) return skipped(localNoTlsPostgres);
      const login = target.logins[0];
      if (login === undefined) return fail('no service login to connect with');
      try {
        await withClient(target, login, login.database, sslOf(target), (c) => c.query('SELECT 1'), signal);
      } catch (error) {
        return failure(target, login, login.database, error);
      }
      try {
        await withClient(target, login, login.database, false, (c) => c.query('SELECT 1'), signal);
        return fail(`a connection without TLS as ${login.login} was accepted: the server must require TLS (require_secure_transport)`);
      } catch {
        return pass(`TLS with verify-full works as ${login.login}; a plain connection is refused`);
      }
    },
  };
}

function ownDatabaseCheck(target: PostgresTarget, login: ServiceLogin): CheckDefinition {
  return {
    name: `postgres: ${login.login} reaches ${login.database} (SELECT 1)`,
    troubleshooting: 'postgres-login',
    async run(signal) {
      try {
        const result = await withClient(target, login, login.database, sslOf(target), (c) => c.query<{ one: number }>('SELECT 1 AS one'), signal);
        return result.rows[0]?.one === 1 ? pass(`${login.login} connected to ${login.database}; SELECT 1 returned 1`) : fail(`SELECT 1 as ${login.login} returned ${JSON.stringify(result.rows)}`);
      } catch (error) {
        return failure(target, login, login.database, error);
      }
    },
  };
}

function otherDatabaseCheck(target: PostgresTarget, login: ServiceLogin, other: ServiceLogin): CheckDefinition {
  return {
    name: `postgres: ${login.login} refused by ${other.database}`,
    troubleshooting: 'postgres-isolation',
    async run(signal) {
      try {
        await withClient(target, login, other.database, sslOf(target), (c) => c.query('SELECT 1'), signal);
        return fail(`login ${login.login} can connect to ${other.database} (the database of ${other.service}): CONNECT must be granted only to ${other.login}`);
      } catch (error) {
        if ((error as { code?: string }).code === '42501') return pass(`${login.login} is refused by ${other.database} (permission denied)`);
        const outcome = failure(target, login, other.database, error);
        return fail(`cannot tell whether ${login.login} is refused by ${other.database}: ${outcome.reason}`);
      }
    },
  };
}

function extensionsCheck(target: PostgresTarget): CheckDefinition {
  return {
    name: `postgres: extensions ${requiredExtensions.join(', ')}`,
    troubleshooting: 'postgres-extensions',
    async run(signal) {
      const problems: string[] = [];
      for (const login of target.logins) {
        if (signal.aborted) break;
        try {
          const rows = await withClient(target, login, login.database, sslOf(target), async (c) => (await c.query<{ extname: string }>('SELECT extname FROM pg_extension')).rows, signal);
          const present = new Set(rows.map((r) => r.extname));
          const missing = requiredExtensions.filter((e) => !present.has(e));
          if (missing.length > 0) problems.push(`${login.database} lacks ${missing.join(', ')}`);
        } catch (error) {
          problems.push(failure(target, login, login.database, error).reason);
        }
      }
      return problems.length === 0 ? pass(`present in all ${target.logins.length} service databases`) : fail(problems.join('; '));
    },
  };
}

export function postgresChecks(target: PostgresTarget): CheckDefinition[] {
  const { logins } = target;
  return [
    tlsCheck(target),
    ...logins.map((login) => ownDatabaseCheck(target, login)),
    // Each login against the next service's database (the last against the first).
    ...(logins.length < 2 ? [] : logins.map((login, i) => otherDatabaseCheck(target, login, logins[(i + 1) % logins.length]!))),
    extensionsCheck(target),
  ];
}

// Runs the shared database SQL (scripts/init-databases.sh → sql/) and the seed against a server.
import { processError, runNothrow } from '@complianceflow/core/process.ts';
import type { LocalCatalog } from './catalog.ts';
import { initDatabasesScript, seedTestDataScript } from './paths.ts';

export interface DatabaseTarget {
  port: number;
  superuser: string;
  superuserPassword: string;
  serviceDbPassword: string;
  databaseSuffix: string;
  psql: string;
  /** Set the passwords of existing roles again (by default only a new role gets one). */
  resetPasswords?: boolean;
}

/** The scripts' environment: ours only, so a PG* variable of the caller cannot redirect them. */
function scriptEnv(target: DatabaseTarget, catalog: LocalCatalog): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG') && !key.startsWith('CF_')));
  return {
    ...inherited,
    PGHOST: '127.0.0.1',
    PGPORT: String(target.port),
    PGUSER: target.superuser,
    PGPASSWORD: target.superuserPassword,
    PGDATABASE: 'postgres',
    PGCONNECT_TIMEOUT: '10',
    PSQL: target.psql,
    CF_SERVICES: catalog.services.join(' '),
    CF_SERVICE_PASSWORD: target.serviceDbPassword,
    CF_DATABASE_SUFFIX: target.databaseSuffix,
    ...(target.resetPasswords === true ? { CF_RESET_PASSWORDS: '1' } : {}),
  };
}

async function runScript(script: string, target: DatabaseTarget, catalog: LocalCatalog): Promise<string> {
  const options = { env: scriptEnv(target, catalog), timeoutMs: 120_000, label: `postgres: ${script}` };
  const result = await runNothrow('bash', [script], options);
  if (result.code !== 0) throw processError('bash', [script], result, options);
  return result.stdout;
}

export async function initDatabases(target: DatabaseTarget, catalog: LocalCatalog): Promise<string> {
  return runScript(initDatabasesScript, target, catalog);
}

export async function seedTestData(target: DatabaseTarget, catalog: LocalCatalog): Promise<string> {
  return runScript(seedTestDataScript, target, catalog);
}

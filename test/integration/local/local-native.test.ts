// The local environment's native mode against real PostgreSQL and Redis (Debian packages), started
// by the same code as `npm run local:up -- --native`, in temp directories on free loopback ports.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { findNativeBinaries } from '@complianceflow/cli/local/binaries.ts';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { initDatabases, seedTestData, type DatabaseTarget } from '@complianceflow/cli/local/database-init.ts';
import { databaseName, serviceRoleName } from '@complianceflow/cli/naming/database-names.ts';
import { nativeLayout } from '@complianceflow/cli/local/layout.ts';
import { databaseTarget, nativeDown, nativeReset, nativeStatus, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import { envValues, interpolate, paths, settingsOnFreePorts, tempRoot } from '../../support/local-helpers.ts';
import { findFreePort, isPortFree } from '@complianceflow/cli/local/ports.ts';
import { postgresPid } from '@complianceflow/cli/local/postgres-native.ts';
import { runNothrow as run } from '@complianceflow/core/process.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';

const tenantA = '11111111-1111-4111-8111-111111111111';
const tenantB = '22222222-2222-4222-8222-222222222222';

describe('local environment, native mode (real PostgreSQL and Redis)', function () {
  this.timeout(60_000);
  const catalog = loadCatalog();
  const binaries = findNativeBinaries();
  let root: string;
  let dataRoot: string;
  let settings: LocalSettings;
  let target: DatabaseTarget;

  async function withClient<T>(user: string, password: string, database: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user, password, database, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }
  const asAdmin = <T>(database: string, body: (client: pg.Client) => Promise<T>) =>
    withClient(settings.postgresSuperuser, settings.postgresSuperuserPassword, database, body);
  const asService = <T>(service: string, database: string, body: (client: pg.Client) => Promise<T>) =>
    withClient(serviceRoleName(service), settings.serviceDbPassword, database, body);
  const ownDb = (service: string) => databaseName(service, settings.databaseSuffix);

  /** Everything the init may touch, with oids so a drop-and-recreate shows too. Password hashes only as digests. */
  async function catalogSnapshot(): Promise<unknown> {
    const server = await asAdmin('postgres', async (client) => ({
      roles: (await client.query(`SELECT oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,
                                         rolbypassrls, rolconnlimit, md5(coalesce(rolpassword, '')) AS password_digest
                                  FROM pg_authid ORDER BY rolname`)).rows,
      memberships: (await client.query('SELECT roleid::regrole::text AS role, member::regrole::text AS member FROM pg_auth_members ORDER BY 1, 2')).rows,
      databases: (await client.query('SELECT oid, datname, pg_get_userbyid(datdba) AS owner, datacl::text AS acl FROM pg_database ORDER BY datname')).rows,
    }));
    const perDatabase: Record<string, unknown> = {};
    for (const service of catalog.services) {
      perDatabase[service] = await asAdmin(ownDb(service), async (client) => ({
        extensions: (await client.query('SELECT oid, extname, extversion, extnamespace::regnamespace::text AS schema FROM pg_extension ORDER BY extname')).rows,
        schemas: (await client.query("SELECT oid, nspname, pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'")).rows,
        tables: (await client.query(`SELECT oid, relname, relkind, pg_get_userbyid(relowner) AS owner, relacl::text AS acl, relrowsecurity, relforcerowsecurity
                                     FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname`)).rows,
        policies: (await client.query(`SELECT oid, polname, polcmd, polpermissive, polroles::regrole[]::text AS roles,
                                              pg_get_expr(polqual, polrelid) AS using, pg_get_expr(polwithcheck, polrelid) AS check
                                       FROM pg_policy ORDER BY polname`)).rows,
        rows: (await client.query('SELECT id, tenant_id, name FROM public.tenant_example ORDER BY id')).rows,
      }));
    }
    return { server, perDatabase };
  }

  before(async function () {
    root = tempRoot();
    dataRoot = path.join(root, 'data');
    settings = await settingsOnFreePorts();
    target = databaseTarget(settings, binaries);
    await nativeUp({ dataRoot, settings, catalog, binaries });
  });

  after(async function () {
    if (dataRoot !== undefined) await nativeDown({ dataRoot, binaries });
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it('reports PostgreSQL and Redis healthy, Kafka and Console as not available natively', async function () {
    const rows = await nativeStatus({ dataRoot, settings });
    const byService = Object.fromEntries(rows.map((row) => [row.service, row]));
    expect(byService.postgres).to.include({ state: 'healthy', port: settings.ports.postgres });
    expect(byService.postgres!.detail).to.match(/PostgreSQL \d+.*, 8 service databases/);
    expect(byService.redis).to.include({ state: 'healthy', port: settings.ports.redis });
    expect(byService.kafka!.state).to.equal('not available');
    expect(byService.kafka!.detail).to.match(/Docker/);
    expect(byService.console!.state).to.equal('not available');
  });

  it('CLI: status exits 0 with each service healthy, logs shows the services\' log files', function () {
    const cli = (args: string[]) => spawnSync(process.execPath, [paths.cli, 'local', ...args, '--data-dir', dataRoot], { encoding: 'utf8', cwd: paths.repoRoot, timeout: 30_000 });
    const status = cli(['status']);
    expect(status.status, status.stderr).to.equal(0);
    expect(status.stdout).to.match(new RegExp(`^postgres\\s+127\\.0\\.0\\.1:${settings.ports.postgres}\\s+healthy`, 'm'));
    expect(status.stdout).to.match(new RegExp(`^redis\\s+127\\.0\\.0\\.1:${settings.ports.redis}\\s+healthy\\s+PONG, maxmemory-policy allkeys-lru`, 'm'));
    const logs = cli(['logs', '--lines', '200']);
    expect(logs.status, logs.stderr).to.equal(0);
    expect(logs.stdout).to.match(/==> postgres[\s\S]*database system is ready to accept connections/);
    expect(logs.stdout).to.match(/==> redis[\s\S]*Ready to accept connections/);
  });

  it('runs init and seed a second time successfully without changing the catalog', async function () {
    const before = await catalogSnapshot();
    await initDatabases(target, catalog);
    await seedTestData(target, catalog);
    const after = await catalogSnapshot();
    expect(after).to.deep.equal(before);
  });

  it('sets an existing role\'s password again only when asked to (rotation)', async function () {
    const formOnly = { services: ['form'], topics: [] };
    const connectsWith = (password: string) =>
      withClient('cf_form', password, ownDb('form'), async () => true).catch((error: { code?: string }) => error.code);
    await initDatabases({ ...target, serviceDbPassword: 'not-applied' }, formOnly);
    expect(await connectsWith(settings.serviceDbPassword), 'unchanged without reset').to.equal(true);
    try {
      await initDatabases({ ...target, serviceDbPassword: 'rotated-password', resetPasswords: true }, formOnly);
      expect(await connectsWith('rotated-password')).to.equal(true);
      expect(await connectsWith(settings.serviceDbPassword), 'old password refused').to.equal('28P01');
    } finally {
      await initDatabases({ ...target, resetPasswords: true }, formOnly);
    }
    expect(await connectsWith(settings.serviceDbPassword)).to.equal(true);
  });

  it('works with exactly the environment the Compose db-init container gives the scripts', async function () {
    const dbInit = (parse(readFileSync(path.join(paths.localDir, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment: Record<string, string>; entrypoint: string[]; env_file: string[] }>;
    }).services['db-init']!;
    const [job] = dbInit.entrypoint[2]!.split(' && touch /tmp/done');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PSQL: binaries.psql };
    for (const file of dbInit.env_file) Object.assign(env, Object.fromEntries(envValues(path.join(paths.localDir, file))));
    for (const [key, value] of Object.entries(dbInit.environment)) env[key] = interpolate(String(value));
    // The container reaches the server as postgres:5432; here it is loopback and the test's port.
    expect(env).to.include({ PGHOST: 'postgres', PGPORT: '5432' });
    Object.assign(env, { PGHOST: '127.0.0.1', PGPORT: String(settings.ports.postgres) });
    const result = await run('bash', ['-c', job!.replaceAll('/cf/scripts', path.join(paths.repoRoot, 'scripts'))], { env });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include(`init-databases: ${ownDb('analytics')} ready for role cf_analytics`);
    expect(result.stdout).to.include(`seed-test-data: ${ownDb('analytics')} seeded (2 tenants)`);
  });

  it('creates one database and one login role per catalogue service', async function () {
    const names = await asAdmin('postgres', async (client) => ({
      databases: (await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'complianceflow\\_%' ORDER BY 1")).rows.map((row) => row.datname as string),
      roles: (await client.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'cf\\_%' AND rolcanlogin AND NOT rolsuper AND NOT rolcreatedb AND NOT rolcreaterole AND NOT rolbypassrls ORDER BY 1")).rows.map((row) => row.rolname as string),
    }));
    expect(names.databases).to.deep.equal(catalog.services.map(ownDb).sort());
    expect(names.roles).to.deep.equal(catalog.services.map(serviceRoleName).sort());
  });

  it('lets each service role into its own database and refuses it every other one', async function () {
    const services = catalog.services;
    for (const [index, service] of services.entries()) {
      const user = await asService(service, ownDb(service), async (client) => (await client.query('SELECT current_user AS user')).rows[0].user as string);
      expect(user).to.equal(serviceRoleName(service));
      const other = services[(index + 1) % services.length]!;
      for (const database of [ownDb(other), 'postgres']) {
        const error = await asService(service, database, async () => undefined).then(() => undefined, (caught: unknown) => caught as { code?: string; message: string });
        expect(error, `${service} must not connect to ${database}`).to.not.equal(undefined);
        expect(error!.code).to.equal('42501');
        expect(error!.message).to.match(new RegExp(`permission denied for database "${database}"`));
      }
    }
  });

  it('installs uuid-ossp, pg_trgm and pg_stat_statements in every service database (statistics collected)', async function () {
    for (const service of catalog.services) {
      const extensions = await asAdmin(ownDb(service), async (client) => (await client.query('SELECT extname FROM pg_extension ORDER BY 1')).rows.map((row) => row.extname as string));
      expect(extensions).to.include.members(['uuid-ossp', 'pg_trgm', 'pg_stat_statements']);
    }
    const calls = await asAdmin(ownDb('user'), async (client) => (await client.query('SELECT count(*)::int AS n FROM pg_stat_statements')).rows[0].n as number);
    expect(calls).to.be.greaterThan(0);
  });

  it('forces row-level security on the example table for its owner, the service role', async function () {
    const table = await asAdmin(ownDb('review'), async (client) =>
      (await client.query("SELECT pg_get_userbyid(relowner) AS owner, relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.tenant_example'::regclass")).rows[0]);
    expect(table).to.deep.equal({ owner: 'cf_review', relrowsecurity: true, relforcerowsecurity: true });
  });

  it('returns only the current tenant\'s rows, and none (no error) when no tenant is set', async function () {
    await asService('user', ownDb('user'), async (client) => {
      const count = async () => (await client.query('SELECT count(*)::int AS n FROM tenant_example')).rows[0].n as number;
      expect(await count(), 'no tenant set').to.equal(0);

      for (const [tenant, prefix] of [[tenantA, 'Acme'], [tenantB, 'Globex']] as const) {
        await client.query('BEGIN');
        await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenant]);
        const rows = (await client.query('SELECT tenant_id, name FROM tenant_example ORDER BY name')).rows as { tenant_id: string; name: string }[];
        await client.query('COMMIT');
        expect(rows).to.have.length(2);
        expect(rows.every((row) => row.tenant_id === tenant && row.name.startsWith(prefix))).to.equal(true);
      }
      // After SET LOCAL ended the setting is '' rather than unset: still no rows, no cast error.
      expect(await count(), 'after the tenant transaction').to.equal(0);

      await client.query('BEGIN');
      await client.query("SELECT set_config('app.current_tenant_id', $1, true)", [tenantA]);
      const error = await client.query('INSERT INTO tenant_example (tenant_id, name) VALUES ($1, $2)', [tenantB, 'cross-tenant write']).then(() => undefined, (caught: unknown) => caught as { code?: string; message: string });
      await client.query('ROLLBACK');
      expect(error?.code).to.equal('42501');
      expect(error?.message).to.match(/violates row-level security policy/);
    });
  });

  it('seeds development data for two tenants in every service database', async function () {
    for (const service of catalog.services) {
      const tenants = await asAdmin(ownDb(service), async (client) =>
        (await client.query('SELECT tenant_id, count(*)::int AS n FROM tenant_example GROUP BY tenant_id ORDER BY tenant_id')).rows);
      expect(tenants).to.deep.equal([{ tenant_id: tenantA, n: 2 }, { tenant_id: tenantB, n: 2 }]);
    }
  });

  it('runs Redis with the configured eviction policy and memory cap', async function () {
    const client = new Redis({ host: '127.0.0.1', port: settings.ports.redis, lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      expect(await client.ping()).to.equal('PONG');
      expect(await client.config('GET', 'maxmemory-policy')).to.deep.equal(['maxmemory-policy', settings.redisMaxmemoryPolicy]);
      expect(await client.config('GET', 'maxmemory')).to.deep.equal(['maxmemory', String(256 * 1024 * 1024)]);
      expect(await client.config('GET', 'bind')).to.deep.equal(['bind', '127.0.0.1']);
    } finally {
      client.disconnect();
    }
  });

  it('refuses to start when a port is taken, naming the service, the port and the setting, and starts nothing', async function () {
    const blocker: Server = createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen({ port: 0, host: '127.0.0.1' }, () => resolve((blocker.address() as { port: number }).port)));
    const otherRoot = path.join(root, 'port-taken');
    try {
      const conflicting = { ...(await settingsOnFreePorts()) };
      conflicting.ports = { ...conflicting.ports, postgres: taken };
      const error = await nativeUp({ dataRoot: otherRoot, settings: conflicting, catalog, binaries }).then(() => undefined, (caught: unknown) => caught);
      expect(error).to.be.instanceOf(UsageError);
      expect((error as UsageError).message).to.equal(`postgres: port ${taken} on 127.0.0.1 is already in use by another program`);
      expect((error as UsageError).hint).to.include('POSTGRES_PORT=<free port>');
      expect(existsSync(otherRoot), 'no data directory created').to.equal(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses to start a running stack again on other ports, and leaves it running', async function () {
    const moved = { ...settings, ports: { ...settings.ports, postgres: await findFreePort() } };
    const error = await nativeUp({ dataRoot, settings: moved, catalog, binaries }).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(UsageError);
    expect((error as UsageError).message).to.include(`is running on ports ${settings.ports.postgres} (postgres) and ${settings.ports.redis} (redis), not the configured ${moved.ports.postgres}`);
    expect((await nativeStatus({ dataRoot, settings })).filter((row) => row.state === 'healthy')).to.have.length(2);
  });

  it('stops PostgreSQL again when Redis fails to start after it (no half-started stack)', async function () {
    const otherRoot = path.join(root, 'redis-fails');
    const otherSettings = await settingsOnFreePorts();
    const error = await nativeUp({ dataRoot: otherRoot, settings: otherSettings, catalog, binaries: { ...binaries, redisServer: '/bin/false' } }).then(() => undefined, (caught: unknown) => caught);
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).message).to.match(/^redis: could not start on 127\.0\.0\.1:\d+/);
    expect(postgresPid(nativeLayout(otherRoot)), 'postgres stopped').to.equal(undefined);
    expect(await isPortFree(otherSettings.ports.postgres), 'postgres port released').to.equal(true);
  });

  it('reset deletes the data and starts again from scratch: initialised and seeded, nothing else', async function () {
    await asAdmin(ownDb('case'), (client) => client.query('INSERT INTO tenant_example (tenant_id, name) VALUES ($1, $2)', [tenantA, 'added by hand']));
    // What else lives in .local-data (the emulator's state and CA, the lock store, run reports) stays.
    const others = ['arm-emulator/ca.pem', 'azurite/__azurite_db_blob__.json', 'runs/westeu-test-1/report.json'].map((f) => path.join(dataRoot, f));
    for (const file of others) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'not the local environment\'s');
    }
    const log: string[] = [];
    const rows = await nativeReset({ dataRoot, settings, catalog, binaries, log: (line) => log.push(line) });
    for (const file of others) expect(existsSync(file), `${file} kept`).to.equal(true);
    const layout = nativeLayout(dataRoot);
    expect(log).to.include(`removed ${[layout.postgresDir, layout.redisDir, layout.stateFile].join(', ')} (nothing else in ${dataRoot})`);
    expect(rows.filter((row) => row.state === 'healthy').map((row) => row.service)).to.deep.equal(['postgres', 'redis']);
    const count = await asAdmin(ownDb('case'), async (client) => (await client.query('SELECT count(*)::int AS n FROM tenant_example')).rows[0].n as number);
    expect(count).to.equal(4);
  });
});

// The local environment's bad-input handling: .env files, missing binaries, the CLI's exit codes.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { findNativeBinaries } from '@complianceflow/cli/local/binaries.ts';
import { catalogFromYaml, loadCatalog, renderCatalogEnv } from '@complianceflow/cli/local/catalog.ts';
import { loadSettings, parseEnvText, validateEnv } from '@complianceflow/cli/local/settings.ts';
import { paths } from '../../support/local-helpers.ts';

const allowed = [...parseEnvText(`POSTGRES_PORT=5432\nREDIS_PORT=6379\nREDIS_MAXMEMORY_POLICY=allkeys-lru\n`, 'example').keys()];

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [paths.cli, ...args], { encoding: 'utf8', cwd: paths.repoRoot, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('local environment settings and bad input', function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cf-local-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the defaults of local/.env.example: the story\'s ports and allkeys-lru', function () {
    const settings = loadSettings(paths.envExample);
    expect(settings.ports).to.include({ postgres: 5432, redis: 6379, kafka: 9092, console: 8080 });
    expect(settings.redisMaxmemoryPolicy).to.equal('allkeys-lru');
    expect(settings.databaseSuffix).to.equal('local');
  });

  it('parses comments, blank lines, export and quotes', function () {
    const entries = parseEnvText('# comment\n\nexport POSTGRES_PORT="5433"\nREDIS_PORT = \'6380\'\n', '.env');
    expect(Object.fromEntries([...entries].map(([key, entry]) => [key, entry.value]))).to.deep.equal({ POSTGRES_PORT: '5433', REDIS_PORT: '6380' });
  });

  it('names the file, line and allowed keys for an unknown key, and the service for a non-numeric port', function () {
    const problems = validateEnv(parseEnvText('POSTGRES_PORT=54x2\nREDIS_PROT=6379\nREDIS_PORT=70000\n', 'local/.env'), allowed, 'local/.env');
    expect(problems).to.deep.equal([
      'local/.env:1: POSTGRES_PORT (the postgres port) is "54x2"; it must be a number from 1 to 65535',
      'local/.env:2: unknown key REDIS_PROT; allowed keys: POSTGRES_PORT, REDIS_PORT, REDIS_MAXMEMORY_POLICY',
      'local/.env:3: REDIS_PORT (the redis port) is "70000"; it must be a number from 1 to 65535',
    ]);
  });

  it('refuses an unknown eviction policy and a line that is not KEY=VALUE', function () {
    expect(validateEnv(parseEnvText('REDIS_MAXMEMORY_POLICY=lru\n', 'f'), allowed, 'f')[0]).to.match(/^f:1: REDIS_MAXMEMORY_POLICY is "lru"; allowed: noeviction, allkeys-lru/);
    expect(() => parseEnvText('POSTGRES_PORT 5432\n', 'f')).to.throw(UsageError, 'f:1: "POSTGRES_PORT 5432" is not KEY=VALUE');
  });

  it('refuses two services on one host port', function () {
    const file = path.join(dir, 'same-port.env');
    writeFileSync(file, 'REDIS_PORT=5432\n');
    expect(() => loadSettings(file)).to.throw(UsageError, 'port 5432 is given to both postgres and redis; give each its own port');
  });

  it('names each missing program and the Debian package that provides it', function () {
    const empty = mkdtempSync(path.join(dir, 'empty-path-'));
    let error: unknown;
    try {
      findNativeBinaries({ pathDirs: [empty], postgresRoots: [], usePgConfig: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).to.include('initdb and pg_ctl (PostgreSQL server): install the Debian package postgresql');
    expect(message).to.include('psql: install the Debian package postgresql-client');
    expect(message).to.include('redis-server: install the Debian package redis-server');
  });

  it('finds the installed PostgreSQL and Redis programs', function () {
    const binaries = findNativeBinaries();
    expect(path.basename(binaries.initdb)).to.equal('initdb');
    expect(path.dirname(binaries.initdb)).to.equal(path.dirname(binaries.pgCtl));
    expect(path.basename(binaries.redisServer)).to.equal('redis-server');
  });

  it('CLI: exits 2 on a bad .env with the problem, before creating anything', function () {
    const envFile = path.join(dir, 'bad.env');
    const dataDir = path.join(dir, 'never-created');
    writeFileSync(envFile, 'POSTGRES_PORT=five\nKAFKA_HOST=localhost\n');
    const result = cli(['local', 'up', '--native', '--env-path', envFile, '--data-dir', dataDir]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include(`${envFile}:1: POSTGRES_PORT (the postgres port) is "five"; it must be a number from 1 to 65535`);
    expect(result.stderr).to.include(`${envFile}:2: unknown key KAFKA_HOST; allowed keys: POSTGRES_PORT,`);
    expect(result.stderr).to.not.match(/\n\s+at /, 'no stack trace');
    expect(existsSync(dataDir)).to.equal(false);
  });

  it('CLI: exits 2 on an unknown action, a missing env file and conflicting mode flags', function () {
    expect(cli(['local', 'start'])).to.include({ status: 2 }).and.have.property('stderr').that.includes('local needs an action: up, down, status, reset, logs, lockstore (got "start")');
    expect(cli(['local', 'up', '--env-path', path.join(dir, 'nope.env')]).stderr).to.include('nope.env does not exist');
    expect(cli(['local', 'up', '--native', '--docker'])).to.include({ status: 2 });
  });

  it('CLI: status of a data directory with nothing running says so and exits 1', function () {
    const dataDir = path.join(dir, 'empty-stack');
    const result = cli(['local', 'status', '--native', '--data-dir', dataDir]);
    expect(result.status).to.equal(1);
    expect(result.stdout).to.match(/^postgres\s+127\.0\.0\.1:5432\s+stopped/m);
    expect(result.stdout).to.match(/^kafka\s+127\.0\.0\.1:9092\s+not available\s+not available in native mode/m);
  });

  it('keeps local/catalog.env equal to what deployments/catalog.yaml generates', function () {
    const catalog = loadCatalog();
    const text = renderCatalogEnv(catalog);
    expect(text).to.include(`CF_SERVICES="${catalog.services.join(' ')}"`);
    expect(text).to.include('declaration-events:4');
    expect(existsSync(path.join(paths.localDir, 'catalog.env'))).to.equal(true);
    expect(spawnSync('cat', [path.join(paths.localDir, 'catalog.env')], { encoding: 'utf8' }).stdout).to.equal(text);
  });

  it('refuses a catalogue with a malformed event hub', function () {
    expect(() => catalogFromYaml('services: [user]\neventHubs:\n  - name: Bad_Name\n    partitions: 0\n', 'catalog.yaml')).to.throw(/needs a name \(lower-case, digits, dashes\) and partitions >= 1/);
  });
});

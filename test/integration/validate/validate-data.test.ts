// Post-deploy validation against the real local native environment (PostgreSQL and Redis started by
// the same code as `npm run local:up -- --native`, in a temp directory on free loopback ports).
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeLayout } from '@complianceflow/cli/local/layout.ts';
import { nativeDown, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import { stopRedis } from '@complianceflow/cli/local/redis-native.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { localPostgresTarget, localRedisTarget } from '@complianceflow/cli/validate/local-target.ts';
import { anyFailed, type CheckDefinition, type CheckResult } from '@complianceflow/cli/validate/model.ts';
import { postgresChecks } from '@complianceflow/cli/validate/postgres-checks.ts';
import { redisChecks } from '@complianceflow/cli/validate/redis-checks.ts';
import { renderJson, renderMarkdown, renderTable } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import { localNotRunningHint, secretsOf } from '@complianceflow/cli/validate/targets.ts';
import { settingsOnFreePorts, tempRoot } from '../../support/local-helpers.ts';

describe('validate: PostgreSQL and Redis checks against the local native environment', function () {
  this.timeout(120_000);
  const catalog = loadCatalog();
  let dataRoot: string;
  let settings: LocalSettings;

  const byName = (results: CheckResult[], pattern: RegExp): CheckResult[] => results.filter((r) => pattern.test(r.name));
  const run = (checks: CheckDefinition[], secrets: string[]) => runChecks(checks, { secrets, timeoutMs: 30_000 });
  const allChecks = (s: LocalSettings) => [...postgresChecks(localPostgresTarget(s, catalog.services)), ...redisChecks(localRedisTarget(s, 'allkeys-lru'))];

  before(async () => {
    settings = await settingsOnFreePorts();
    dataRoot = tempRoot('cf-validate-test-');
    await nativeUp({ dataRoot, settings, catalog, seed: false });
  });

  after(async () => {
    if (dataRoot !== undefined) {
      await nativeDown({ dataRoot }).catch(() => undefined);
      rmSync(dataRoot, { recursive: true, force: true });
    }
  });

  it('passes every PostgreSQL and Redis check on a healthy environment; TLS is skipped with the reason, never passed', async () => {
    const results = await run(allChecks(settings), [settings.serviceDbPassword]);
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).to.deep.equal([]);
    expect(anyFailed(results)).to.equal(false);
    expect(byName(results, /TLS/).map((r) => [r.status, r.reason])).to.deep.equal([
      ['skipped', 'the local environment serves PostgreSQL without TLS'],
      ['skipped', 'the local environment serves Redis without TLS'],
    ]);
    expect(byName(results, /reaches .* \(SELECT 1\)/)).to.have.length(catalog.services.length);
    expect(byName(results, /refused by/)).to.have.length(catalog.services.length);
    expect(results.find((r) => r.name === 'redis: eviction policy')?.reason).to.equal('maxmemory-policy is allkeys-lru');
    for (const r of results) {
      expect(r.durationMs).to.be.a('number');
      expect(r.troubleshooting).to.match(/^docs\/infrastructure\/Validation\.md#[a-z-]+$/);
    }
  });

  it('fails the eviction policy check when Redis runs another policy than the profile wants', async () => {
    const [result] = await run(redisChecks(localRedisTarget(settings, 'volatile-ttl')).filter((c) => c.name === 'redis: eviction policy'), []);
    expect(result).to.include({ status: 'fail', reason: 'maxmemory-policy is allkeys-lru; the profile wants volatile-ttl' });
  });

  it('a wrong password fails the PostgreSQL checks naming the login, and no password is in any output', async () => {
    const wrong = 'wrong-password-7c1e9a';
    const bad = { ...settings, serviceDbPassword: wrong };
    const results = await run(postgresChecks(localPostgresTarget(bad, catalog.services)), [wrong, settings.serviceDbPassword]);
    for (const service of catalog.services) {
      const own = results.find((r) => r.name === `postgres: cf_${service} reaches complianceflow_${service}_local (SELECT 1)`);
      expect(own?.status).to.equal('fail');
      expect(own?.reason).to.include(`login cf_${service}`).and.include('password authentication failed');
      // The isolation check cannot be judged without logging in: it fails rather than passes.
      expect(results.find((r) => r.name.startsWith(`postgres: cf_${service} refused by`))?.status).to.equal('fail');
    }
    for (const output of [renderJson(results), renderTable(results), renderMarkdown(results)]) {
      expect(output).not.to.include(wrong);
      expect(output).not.to.include(settings.serviceDbPassword);
      expect(output).to.include('cf_');
    }
    expect(secretsOf({ postgres: localPostgresTarget(bad, catalog.services) })).to.include(wrong);
  });

  it('a service login that can reach another service database fails that check, naming it', async () => {
    const [first, second] = catalog.services as [string, string];
    const otherDb = `complianceflow_${second}_local`;
    const admin = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user: settings.postgresSuperuser, password: settings.postgresSuperuserPassword, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`GRANT CONNECT ON DATABASE "${otherDb}" TO "cf_${first}"`);
      const results = await run(postgresChecks(localPostgresTarget(settings, catalog.services)), [settings.serviceDbPassword]);
      const leak = results.find((r) => r.name === `postgres: cf_${first} refused by ${otherDb}`);
      expect(leak?.status).to.equal('fail');
      expect(leak?.reason).to.equal(`login cf_${first} can connect to ${otherDb} (the database of ${second}): CONNECT must be granted only to cf_${second}`);
      expect(results.filter((r) => r.status === 'fail').map((r) => r.name)).to.deep.equal([leak!.name]);
    } finally {
      await admin.query(`REVOKE CONNECT ON DATABASE "${otherDb}" FROM "cf_${first}"`).catch(() => undefined);
      await admin.end();
    }
  });

  it('with Redis stopped the Redis checks fail with a clear message and the PostgreSQL checks still run and pass', async () => {
    await stopRedis(nativeLayout(dataRoot));
    const results = await run(allChecks(settings), [settings.serviceDbPassword]);
    const redis = byName(results, /^redis: /).filter((r) => r.status !== 'skipped');
    expect(redis).to.have.length(3);
    for (const r of redis) {
      expect(r.status).to.equal('fail');
      expect(r.reason).to.include(`Redis at 127.0.0.1:${settings.ports.redis} is not reachable`).and.include(localNotRunningHint);
    }
    const postgres = byName(results, /^postgres: /);
    expect(postgres.filter((r) => r.status === 'fail')).to.deep.equal([]);
    expect(postgres.filter((r) => r.status === 'pass')).to.have.length(2 * catalog.services.length + 1);
  });
});

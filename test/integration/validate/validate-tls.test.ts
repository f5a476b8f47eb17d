// The TLS paths of the PostgreSQL and Redis checks against "Azure-like" local servers: the machine's
// PostgreSQL with TLS only (hostssl) and a certificate of a test CA, redis-server with a TLS port only
// and a username + password login (the shape of an Entra login to Azure Managed Redis).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import type { CheckDefinition, CheckResult } from '@complianceflow/cli/validate/model.ts';
import { postgresChecks } from '@complianceflow/cli/validate/postgres-checks.ts';
import { redisChecks } from '@complianceflow/cli/validate/redis-checks.ts';
import { renderJson } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import type { PostgresTarget, RedisTarget } from '@complianceflow/cli/validate/targets.ts';
import { loadTls, type TlsMaterial } from '@complianceflow/arm-emulator/tls.ts';
import { startTlsPostgres, startTlsRedis, type TlsPostgres, type TlsRedis } from '../../support/tls-data-services.ts';

const only = (checks: CheckDefinition[], anchors: readonly string[]): CheckDefinition[] => checks.filter((c) => anchors.includes(c.troubleshooting));
const byAnchor = (results: CheckResult[], anchor: string): CheckResult[] => results.filter((r) => r.troubleshooting.endsWith(`#${anchor}`));

describe('validate: PostgreSQL and Redis over TLS against Azure-like local servers', function () {
  this.timeout(120_000);
  let root: string;
  let tls: TlsMaterial;
  let otherCa: TlsMaterial;
  let postgres: TlsPostgres;
  let redis: TlsRedis;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'cf-validate-tls-'));
    chmodSync(root, 0o755);
    tls = loadTls(mkdtempSync(path.join(root, 'ca-')));
    otherCa = loadTls(mkdtempSync(path.join(root, 'other-ca-')));
    const pgPort = await findFreePort();
    let redisPort = await findFreePort();
    while (redisPort === pgPort) redisPort = await findFreePort();
    postgres = await startTlsPostgres(path.join(root, 'pg'), tls, pgPort, ['user', 'form']);
    redis = await startTlsRedis(path.join(root, 'redis'), tls, redisPort);
  });

  after(async () => {
    await postgres?.stop().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  const pgTarget = (ca: string): PostgresTarget => ({ host: '127.0.0.1', port: postgres.port, tls: true, ca, logins: postgres.logins });
  const redisTarget = (ca: string, password = redis.password): RedisTarget => ({ host: '127.0.0.1', port: redis.port, tls: true, ca, username: redis.username, password, expectedEvictionPolicy: 'allkeys-lru' });

  it('postgres: TLS verified against the CA passes, the plain connection is refused, each login reaches its database, isolation holds', async () => {
    const results = await runChecks(only(postgresChecks(pgTarget(tls.caPem)), ['postgres-tls', 'postgres-login', 'postgres-isolation']));
    expect(results.filter((r) => r.status !== 'pass'), renderJson(results)).to.deep.equal([]);
    expect(byAnchor(results, 'postgres-tls')[0]!.reason).to.equal('TLS with verify-full works as cf_user; a plain connection is refused');
    expect(byAnchor(results, 'postgres-login').map((r) => r.name)).to.deep.equal(['postgres: cf_user reaches complianceflow_user_tls (SELECT 1)', 'postgres: cf_form reaches complianceflow_form_tls (SELECT 1)']);
  });

  it('postgres: a server certificate of another CA fails TLS and login with a clear reason', async () => {
    const results = await runChecks(only(postgresChecks(pgTarget(otherCa.caPem)), ['postgres-tls', 'postgres-login']));
    expect(results.every((r) => r.status === 'fail')).to.equal(true);
    for (const r of results) expect(r.reason).to.match(/the TLS certificate of PostgreSQL at 127\.0\.0\.1:\d+ is not trusted \((CERT_SIGNATURE_FAILURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });

  it('postgres: tls=false (the local setting) is skipped, never passed; a plain login to the hostssl-only server is refused, naming the login', async () => {
    const [tlsCheck] = only(postgresChecks({ ...pgTarget(tls.caPem), tls: false }), ['postgres-tls']);
    const [result] = await runChecks([tlsCheck!]);
    expect(result!.status).to.equal('skipped');
    // And a plain connection to the hostssl-only server is refused by pg_hba: the login check fails, naming it.
    const [login] = await runChecks(only(postgresChecks({ ...pgTarget(tls.caPem), tls: false }), ['postgres-login']).slice(0, 1));
    expect(login!.status).to.equal('fail');
    expect(login!.reason).to.match(/^login cf_user on complianceflow_user_tls: .*(no encryption|pg_hba\.conf)/);
  });

  it('redis: TLS with a verified certificate, username + password (the Entra shape), PING, SET/GET, eviction policy', async () => {
    const results = await runChecks(redisChecks(redisTarget(tls.caPem)), { secrets: [redis.password] });
    expect(results.filter((r) => r.status !== 'pass'), renderJson(results)).to.deep.equal([]);
    expect(byAnchor(results, 'redis-tls')[0]!.reason).to.equal('a TLS connection with a verified certificate answers');
  });

  it('redis: another CA fails with a clear reason; a wrong password fails and is not shown', async () => {
    const untrusted = await runChecks(only(redisChecks(redisTarget(otherCa.caPem)), ['redis-tls', 'redis-ping']));
    for (const r of untrusted) {
      expect(r.status).to.equal('fail');
      expect(r.reason).to.match(/the TLS certificate of Redis at 127\.0\.0\.1:\d+ is not trusted/);
    }
    const wrong = 'wrong-token-3c9d';
    const refused = await runChecks(only(redisChecks(redisTarget(tls.caPem, wrong)), ['redis-ping']), { secrets: [wrong] });
    expect(refused[0]!.status).to.equal('fail');
    expect(refused[0]!.reason).to.match(/WRONGPASS/).and.not.include(wrong);
  });
});

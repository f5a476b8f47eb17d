// The database step's pure parts: when a password is set again, psql's arguments and environment
// (no secret on the command line), the services' databases from the stack outputs, when the deploy
// phase does not run it. The step itself runs end to end in validate-job.test.ts.
import { expect } from 'chai';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { databasesNotRun, emulatorDatabasesReason } from '@complianceflow/cli/deploy/database-phase.ts';
import { serviceDatabases } from '@complianceflow/cli/validate/job/database-job.ts';
import { needsPassword, psqlArgs, psqlEnv, serviceSqlFile } from '@complianceflow/cli/validate/job/database-step.ts';
import { renderReportText } from '@complianceflow/cli/report/render.ts';

const admin = { host: 'psql-cf-westeu-test-1.postgres.database.azure.com', port: 5432, user: 'cfadmin', password: 'admin-secret', tls: { rootCertFile: '/etc/ssl/certs/ca-certificates.crt' } } as const;

describe('database step (pure)', () => {
  it('sets a password again only when the vault password was refused (authentication comes before the database and CONNECT checks)', () => {
    expect(needsPassword({ ok: true })).to.equal(false);
    expect(needsPassword({ ok: false, code: '3D000', message: 'database does not exist' })).to.equal(false);
    expect(needsPassword({ ok: false, code: '42501', message: 'permission denied' })).to.equal(false);
    expect(needsPassword({ ok: false, code: '28P01', message: 'password authentication failed' })).to.equal(true);
    expect(needsPassword({ ok: false, code: 'ECONNREFUSED', message: 'refused' })).to.equal(true);
  });

  it('psql gets the names on its command line and the passwords only in its environment', () => {
    const args = psqlArgs({ role: 'cf_user', database: 'complianceflow_user_westeu_test_1' }, true);
    expect(args).to.include.members(['service_db=complianceflow_user_westeu_test_1', 'service_role=cf_user', 'reset_password=1', '\\getenv service_password CF_ROLE_PASSWORD', serviceSqlFile]);
    expect(psqlArgs({ role: 'cf_user', database: 'd' }, false)).not.to.include('reset_password=1');
    const env = psqlEnv(admin, 'role-secret', { PATH: '/usr/bin', PGHOST: 'elsewhere', SECRET_OF_CALLER: 'x' });
    expect(env).to.deep.equal({
      PATH: '/usr/bin', PGHOST: admin.host, PGPORT: '5432', PGUSER: 'cfadmin', PGPASSWORD: 'admin-secret', PGDATABASE: 'postgres', PGCONNECT_TIMEOUT: '10',
      PGAPPNAME: 'cf-infra database step', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/ssl/certs/ca-certificates.crt', CF_ROLE_PASSWORD: 'role-secret',
    });
    expect(psqlEnv({ ...admin, tls: false }, 'p').PGSSLMODE).to.equal('disable');
  });

  it('takes each service\'s database from the stack outputs and its password from the vault, or says why there is none', () => {
    const outputs = { database: { databaseNames: { user: 'complianceflow_user_westeu_test_1', form: 'complianceflow_form_westeu_test_1' } } };
    const read = { values: new Map([['postgresql-user-password', 'u-secret']]), problems: new Map([['postgresql-form-password', 'missing: SecretNotFound: not in the vault']]) };
    expect(serviceDatabases(outputs, ['user', 'form'], read)).to.deep.equal([
      { service: 'user', role: 'cf_user', database: 'complianceflow_user_westeu_test_1', secretName: 'postgresql-user-password', password: 'u-secret' },
      { service: 'form', role: 'cf_form', database: 'complianceflow_form_westeu_test_1', secretName: 'postgresql-form-password', password: '', problem: 'missing: SecretNotFound: not in the vault' },
    ]);
    expect(() => serviceDatabases(outputs, ['user', 'case'], read)).to.throw('stack output database.databaseNames has no database for case');
  });

  it('the deploy phase says why it does not run: no database tier, CF_VALIDATE_JOB=skip, the emulator without a local environment', () => {
    const stack = (outputs: Record<string, unknown>) => ({ properties: { outputs } }) as unknown as DeploymentStack;
    const withDb = stack({ database: { value: { fqdn: 'psql.example' } } });
    const base = { deployment: 'westeu-test-1', emulator: false };
    expect(databasesNotRun({ ...base, stack: stack({}) }, {})).to.equal('the stack has no output database.fqdn (no database tier)');
    expect(databasesNotRun({ ...base, stack: withDb }, { CF_VALIDATE_JOB: 'skip' })).to.match(/^CF_VALIDATE_JOB=skip: .*rerun cf-infra deploy westeu-test-1/);
    expect(databasesNotRun({ ...base, emulator: true, stack: withDb }, {})).to.equal(emulatorDatabasesReason('westeu-test-1'));
    expect(databasesNotRun({ ...base, emulator: true, localEnvironment: {}, stack: withDb }, {})).to.equal(undefined);
    expect(databasesNotRun({ ...base, stack: withDb }, {})).to.equal(undefined);
  });

  it('the run report says what the step did', () => {
    const report = {
      runId: 'r', command: 'deploy x', deployment: 'x', environment: 'test', location: 'westeurope', stack: 'cf-x', target: 't', subscriptionId: 's', who: 'me', host: 'h',
      startedAt: '2026-12-04T00:00:00Z', finishedAt: '2026-12-04T00:00:01Z', outcome: 'succeeded' as const, exitCode: 0, phases: [],
      databases: { ran: true, results: [
        { name: 'database: cf_user on d1', status: 'pass' as const, reason: 'password of cf_user set from Key Vault secret postgresql-user-password (before: 28P01: x); ...' },
        { name: 'database: cf_form on d2', status: 'pass' as const, reason: 'cf_form already logs in with its Key Vault password (not set again); ...' },
      ] },
    };
    expect(renderReportText(report)).to.include('  databases: 2 of 2 service databases applied (1 password(s) set from Key Vault)');
    expect(renderReportText({ ...report, databases: { ran: false, notRun: 'why', results: [] } })).to.include('  databases: not run — why');
  });
});

// The in-VNet validation job, end to end against the ARM emulator (its job runner runs the job's
// entry point as a local process) + Azurite (the results blob) + a real local native environment:
// the deploy's database step runs through the job (task databases) and applies sql/service.sql with
// the vault's passwords, idempotently; `cf-infra validate --emulator --job` gets the data checks
// streamed back from the job and they match the direct run, the PostgreSQL logins being the
// deployment's (its databases, its vault's passwords); a job that dies before reporting is reported
// as failed naming the execution; no SAS URL or password shows up in any output.
import { capturingProgress } from '../../support/world.ts';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createArmClients, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import type { ResolvedDeployment } from '@complianceflow/cli/config/resolve.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { runDeploy } from '@complianceflow/cli/deploy/pipeline.ts';
import { resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeDown, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { dataChecksInJob } from '@complianceflow/cli/validate/job/in-command.ts';
import { runDatabasePhase } from '@complianceflow/cli/deploy/database-phase.ts';
import { resultsContainer } from '@complianceflow/cli/validate/job/results-blob.ts';
import { localJobRunner } from '@complianceflow/arm-emulator/job-runner.ts';
import pg from 'pg';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import type { RunReport } from '@complianceflow/cli/report/model.ts';
import { workloadIdentityOf } from '@complianceflow/cli/secrets/expected.ts';
import { readSecrets } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { scramVerifier } from '@complianceflow/cli/validate/job/database-step.ts';
import { bicepExpander, startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { paths, settingsOnFreePorts, tempRoot } from '../../support/local-helpers.ts';

interface Check { name: string; status: string; reason: string }

describe('validate through the validation job (emulator job runner + Azurite + local native environment)', function () {
  this.timeout(300_000);
  const deployment = 'westeu-test-1';
  const temps: string[] = [];
  const emulatorLog: string[] = [];
  let bicep: Bicep;
  let azurite: AzuriteBlob;
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let dataRoot: string;
  let settings: LocalSettings;
  let envFile: string;
  let cliEnv: NodeJS.ProcessEnv;
  let firstDeploy: { report: RunReport; lines: string[] };
  let savedAzuritePort: string | undefined;

  const deploy = async (): Promise<{ exitCode: number; report: RunReport; lines: string[] }> => {
    const runsDir = await mkdtemp(path.join(os.tmpdir(), 'cf-validate-job-runs-'));
    temps.push(runsDir);
    const { progress, lines } = capturingProgress();
    const deployed = await runDeploy(
      { deployment, command: `deploy ${deployment} --emulator --yes --local-env --env-path ${envFile}`, yes: true, allowDelete: false, format: 'text' },
      { bicep, openArm: async () => ({ clients, where: `the ARM emulator at ${emulator.endpoint}`, emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} }), openLockStore: async () => azurite.lockStore(), progress, runsDir, poll: { updateIntervalInMs: 10 }, localEnvironment: { envPath: envFile } },
    );
    return { exitCode: deployed.exitCode, report: deployed.report!, lines };
  };

  /** The service passwords in the emulator's vault, read as the workload identity. */
  const vaultPasswords = async (): Promise<Map<string, string>> => {
    const stack = (await armStackProvider(clients).state('cf-westeu-test-1', deployment))!;
    const security = (stack.properties!.outputs as Record<string, { value: { keyVaultUri: string } }>).security!.value;
    const principalId = workloadIdentityOf(stack).principalId;
    const reads = await readSecrets(security.keyVaultUri, loadCatalog().services.map((s) => `postgresql-${s}-password`), { credential: new EmulatorCredential(principalId === undefined ? {} : { principalId }), emulatorCaPem: emulator.caPem });
    return new Map(reads.map((r) => [r.name, r.readable ? r.value : '']));
  };

  /** What a rerun must not change: the service roles with their password digests, the databases with their ACLs, the policies with their oids. */
  const catalogDump = async (): Promise<string> => {
    const client = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user: settings.postgresSuperuser, password: settings.postgresSuperuserPassword, database: 'postgres' });
    await client.connect();
    try {
      const roles = await client.query("SELECT rolname, rolpassword, rolcanlogin, rolcreatedb, rolcreaterole FROM pg_authid WHERE rolname LIKE 'cf\\_%' ORDER BY rolname");
      const databases = await client.query("SELECT oid, datname, datacl::text FROM pg_database WHERE datname LIKE 'complianceflow\\_%' ORDER BY datname");
      return JSON.stringify({ roles: roles.rows, databases: databases.rows });
    } finally {
      await client.end();
    }
  };

  const cli = (args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [paths.cli, ...args], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  before(async () => {
    bicep = await openBicep({ onWarning: () => {} });
    azurite = await startAzuriteBlob();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cf-validate-job-'));
    temps.push(stateDir);
    emulator = await startEmulator({ stateDir, port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep), jobRunner: localJobRunner(), log: (line) => void emulatorLog.push(line) });
    clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }, { retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
    const preflight = await runPreflight(resolveTarget(deployment), bicep);
    for (const ns of requiredNamespaces(preflight.plan.resources)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });

    settings = await settingsOnFreePorts();
    dataRoot = tempRoot('cf-validate-job-local-');
    temps.push(dataRoot);
    await nativeUp({ dataRoot, settings, catalog: loadCatalog(), seed: false });
    envFile = path.join(dataRoot, 'local.env');
    writeFileSync(envFile, `POSTGRES_PORT=${settings.ports.postgres}\nREDIS_PORT=${settings.ports.redis}\n`);

    // The database step's results go through this test's Azurite (the deploy's lock store).
    savedAzuritePort = process.env.AZURITE_BLOB_PORT;
    process.env.AZURITE_BLOB_PORT = String(azurite.port);
    const deployed = await deploy();
    expect(deployed.exitCode, deployed.lines.join('\n')).to.equal(ExitCode.Success);
    firstDeploy = deployed;

    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ARM_EMULATOR_|CF_EMULATOR_URL$|AZURE_SUBSCRIPTION_ID$|AZURITE_BLOB_PORT$)/.test(k)));
    cliEnv = { ...inherited, ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_CA: emulator.caPath, ARM_EMULATOR_SUBSCRIPTION_ID: emulator.subscriptionId, ARM_EMULATOR_STATE_DIR: stateDir, AZURITE_BLOB_PORT: String(azurite.port), NO_COLOR: '1' };
  });

  after(async () => {
    if (savedAzuritePort === undefined) delete process.env.AZURITE_BLOB_PORT;
    else process.env.AZURITE_BLOB_PORT = savedAzuritePort;
    if (dataRoot !== undefined) await nativeDown({ dataRoot }).catch(() => undefined);
    await emulator?.close();
    await azurite?.stop();
    await bicep?.dispose();
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  it('deploy ran the database step in the job: every service role was created with its Key Vault password, reported per service; no password in any output', async () => {
    const { report, lines } = firstDeploy;
    const services = loadCatalog().services;
    expect(report.phases.map((p) => p.name).filter((n) => ['secrets', 'databases', 'validate'].includes(n))).to.deep.equal(['secrets', 'databases', 'validate']);
    expect(report.phases.find((p) => p.name === 'databases')!.outcome).to.equal('done');
    expect(report.databases!.ran).to.equal(true);
    expect(report.databases!.results.map((r) => `${r.name}: ${r.status}`)).to.deep.equal(services.map((s) => `database: cf_${s} on complianceflow_${s}_westeu_test_1: pass`));
    for (const r of report.databases!.results) expect(r.reason).to.match(/^password of cf_\w+ set from Key Vault secret postgresql-\w+-password \(before: 28P01: password authentication failed for user "cf_\w+"\); role, database, grants, extensions and row-level security applied$/);
    expect(lines.join('\n')).to.match(/databases: 8 of 8 service databases applied \(8 password\(s\) set from Key Vault\)/);
    expect(emulatorLog.some((l) => /^job caj-cf-westeu-test-1-val-\w+: cf-validate job \S+: databases: 8 checks for westeu-test-1 \(local\)$/.test(l))).to.equal(true);
    const passwords = await vaultPasswords();
    expect([...passwords.values()].every((p) => p.length >= 40)).to.equal(true);
    // Each role logs in to its own database with its vault password.
    for (const s of services) {
      const client = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user: `cf_${s}`, password: passwords.get(`postgresql-${s}-password`)!, database: `complianceflow_${s}_westeu_test_1` });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows[0].u).to.equal(`cf_${s}`);
      await client.end();
    }
    for (const text of [JSON.stringify(report), lines.join('\n'), emulatorLog.join('\n')]) for (const p of passwords.values()) expect(text).not.to.include(p);
    // The server holds the SCRAM verifier the step computed (psql got no password to send): the same
    // verifier, recomputed from the vault's password with the stored salt.
    const admin = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user: settings.postgresSuperuser, password: settings.postgresSuperuserPassword, database: 'postgres' });
    await admin.connect();
    const stored = (await admin.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'cf_user'")).rows[0]!.rolpassword;
    await admin.end();
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
    expect(stored).to.equal(scramVerifier(passwords.get('postgresql-user-password')!, Buffer.from(salt!, 'base64'), Number(iterations)));
  });

  it('deploy again: the database step reruns and changes nothing (no password re-hashed); a drifted password is set back from the vault', async () => {
    const before = await catalogDump();
    const again = await deploy();
    expect(again.exitCode, `${again.lines.join('\n')}\n${emulatorLog.filter((l) => l.startsWith('job ')).slice(-20).join('\n')}`).to.equal(ExitCode.Success);
    expect(again.report.databases!.results.every((r) => r.status === 'pass' && /already logs in with its Key Vault password \(not set again\)/.test(r.reason)), JSON.stringify(again.report.databases)).to.equal(true);
    expect(await catalogDump()).to.equal(before);

    const admin = new pg.Client({ host: '127.0.0.1', port: settings.ports.postgres, user: settings.postgresSuperuser, password: settings.postgresSuperuserPassword, database: 'postgres' });
    await admin.connect();
    await admin.query("ALTER ROLE cf_review PASSWORD 'drifted-by-hand'");
    await admin.end();
    const third = await deploy();
    expect(third.exitCode, third.lines.join('\n')).to.equal(ExitCode.Success);
    const changed = third.report.databases!.results.filter((r) => r.reason.startsWith('password of '));
    expect(changed.map((r) => r.name)).to.deep.equal(['database: cf_review on complianceflow_review_westeu_test_1']);
    const { status, stdout, stderr } = await cli(['validate', deployment, '--emulator', '--json', '--env-path', envFile]);
    expect(status, stderr).to.equal(ExitCode.Success);
    expect((JSON.parse(stdout) as { checks: Check[] }).checks.find((c) => c.name === 'postgres: cf_review reaches complianceflow_review_westeu_test_1 (SELECT 1)')).to.include({ status: 'pass' });
  });

  it('validate --emulator --job: the data checks come from the job and match the direct run; the ARM-level ones run here; no SAS in any output', async () => {
    const [viaJob, direct] = await Promise.all([
      cli(['validate', deployment, '--emulator', '--job', '--json', '--env-path', envFile]),
      cli(['validate', deployment, '--emulator', '--json', '--env-path', envFile]),
    ]);
    expect(viaJob.status, viaJob.stderr).to.equal(ExitCode.Success);
    expect(direct.status, direct.stderr).to.equal(ExitCode.Success);
    const jobChecks = (JSON.parse(viaJob.stdout) as { checks: Check[] }).checks;
    const directChecks = (JSON.parse(direct.stdout) as { checks: Check[] }).checks;
    const summary = (checks: Check[]) => checks.map((c) => `${c.name}: ${c.status}`).sort();
    expect(summary(jobChecks)).to.deep.equal(summary(directChecks));
    const data = jobChecks.filter((c) => /^(postgres|redis): /.test(c.name));
    expect(data.filter((c) => c.status === 'pass')).to.have.length(2 * loadCatalog().services.length + 1 + 3);
    expect(viaJob.stderr).to.match(/validation job caj-cf-westeu-test-1-val started \(execution caj-cf-westeu-test-1-val-[a-z0-9]{7}, results in validation\/westeu-test-1\/\S+\.jsonl\)/);
    // Each result is printed as it arrives (stderr with --json), before the final JSON.
    expect(viaJob.stderr).to.match(/^redis: PING: pass$/m).and.match(/^postgres: cf_user reaches complianceflow_user_westeu_test_1 \(SELECT 1\): pass$/m);
    // The job process ran (the emulator logged its lines) and the results blob is in Azurite.
    expect(emulatorLog.some((l) => /^job caj-cf-westeu-test-1-val-\w+: redis: PING: pass$/.test(l))).to.equal(true);
    const blobs: string[] = [];
    for await (const b of azurite.lockStore(resultsContainer).container.listBlobsFlat({ prefix: `${deployment}/` })) blobs.push(b.name);
    expect(blobs.length).to.be.at.least(1);
    for (const text of [viaJob.stdout, viaJob.stderr, emulatorLog.join('\n')]) {
      expect(text).not.to.match(/[?&]sig=|sp=a&|CF_VALIDATE_RESULTS_URL/);
      expect(text).not.to.include(settings.serviceDbPassword);
    }
  });

  it('a job whose set-up fails reports why through the results (not only its console log); the reason carries no SAS', async () => {
    const stack = (await armStackProvider(clients).state('cf-westeu-test-1', deployment))!;
    const lines: string[] = [];
    const run = await dataChecksInJob({
      deployment,
      resolved: resolveTarget(deployment).resolved as ResolvedDeployment,
      stack,
      clients,
      emulator: true,
      envPath: path.join(dataRoot, 'does-not-exist.env'),
      log: (line) => void lines.push(line),
      pollMs: 100,
      waitMs: 60_000,
      env: { ...process.env, ARM_EMULATOR_CA: emulator.caPath, AZURITE_BLOB_PORT: String(azurite.port) },
    });
    expect(run.execution).to.match(/^caj-cf-westeu-test-1-val-[a-z0-9]{7}$/);
    expect(run.results).to.have.length(1);
    expect(run.results[0]).to.include({ name: 'validation job: set-up', status: 'fail', troubleshooting: 'docs/infrastructure/Validation.md#validation-job' });
    expect(run.results[0]!.reason).to.equal(`env file ${path.join(dataRoot, 'does-not-exist.env')} does not exist`);
    expect(emulatorLog.some((l) => l.startsWith(`job ${run.execution}: cf-validate job: env file`))).to.equal(true);
    expect(run.secrets.some((s) => s.includes('sig='))).to.equal(true);
    for (const text of [...lines, run.results[0]!.reason, emulatorLog.join('\n')]) for (const secret of run.secrets) expect(text).not.to.include(secret);
  });

  it('the database step with a stack that lacks its database names: the deploy phase fails naming the output, nothing changed on the server', async () => {
    const stack = (await armStackProvider(clients).state('cf-westeu-test-1', deployment))!;
    const outputs = structuredClone(stack.properties!.outputs) as Record<string, { value: Record<string, unknown> }>;
    delete outputs.database!.value.databaseNames;
    const broken = { ...stack, properties: { ...stack.properties!, outputs } };
    const before = await catalogDump();
    const updates: string[] = [];
    let recorded: { ran: boolean; results: { name: string; status: string; reason: string }[] } | undefined;
    const error = await runDatabasePhase(
      { deployment, resolved: resolveTarget(deployment).resolved as ResolvedDeployment, stack: broken, clients, emulator: true, localEnvironment: { envPath: envFile }, pollMs: 100, env: { ...process.env, AZURITE_BLOB_PORT: String(azurite.port) } },
      (line) => void updates.push(line),
      (r) => (recorded = r),
    ).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).to.equal('database step: 1 of 1 service database(s) not applied:\n  - database step: set-up: stack output database.databaseNames has no database for user, declaration, form, ruleengine, review, case, notification, analytics (redeploy the database tier)');
    expect(recorded!.results.map((r) => `${r.name}: ${r.status}`)).to.deep.equal(['database step: set-up: fail']);
    expect(await catalogDump()).to.equal(before);
  });
});

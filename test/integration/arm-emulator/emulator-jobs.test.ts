// Container Apps jobs in the emulator, through the real @azure/arm-appcontainers SDK over HTTPS:
// start (long-running, the execution's name), executions list/get with the status following the
// job runner's local process (Running → Succeeded / Failed by exit code, Stopped when stopped), the
// start request's container replacing the template's, and ARM's errors for what cannot start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ContainerAppsAPIClient } from '@azure/arm-appcontainers';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { executionStatus, jobsClient, startJob, stopExecution, type JobRef } from '@complianceflow/cli/validate/job/start.ts';
import { localJobRunner } from '@complianceflow/arm-emulator/job-runner.ts';
import { startTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

const apiVersion = '2026-01-01';

describe('ARM emulator: Container Apps jobs (start, executions, stop) with the real SDK', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'emu-jobs-'));
  // The "container": prints its environment to OUT, sleeps SLEEP_MS, exits with EXIT_CODE.
  const entry = path.join(dir, 'job.mjs');
  writeFileSync(entry, [
    "import { writeFileSync } from 'node:fs';",
    "writeFileSync(process.env.OUT, JSON.stringify(process.env));",
    "console.log('job says hello');",
    "setTimeout(() => process.exit(Number(process.env.EXIT_CODE ?? 0)), Number(process.env.SLEEP_MS ?? 0));",
  ].join('\n'));
  let emu: TestEmulator;
  let bare: TestEmulator;
  let client: ContainerAppsAPIClient;
  const logs: string[] = [];
  const rg = 'rg-jobs';
  const job: JobRef = { resourceGroup: rg, name: 'caj-cf-test-val' };

  async function putJob(on: TestEmulator, name: string, triggerType: string, env: Record<string, string>): Promise<void> {
    const sub = on.subscriptionId;
    await on.clients.resources.providers.register('Microsoft.App');
    await on.clients.resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
    await on.clients.resources.resources.beginCreateOrUpdateByIdAndWait(`/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.App/jobs/${name}`, apiVersion, {
      location: 'westeurope',
      properties: {
        environmentId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.App/managedEnvironments/cae`,
        configuration: { triggerType, replicaTimeout: 600, replicaRetryLimit: 0 },
        template: { containers: [{ name: 'validate', image: 'placeholder', resources: { cpu: 0.5, memory: '1Gi' }, env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
      },
    }, { updateIntervalInMs: 10 });
  }

  async function until(client: ContainerAppsAPIClient, execution: string, done: (state: string) => boolean): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const { state, status } = await executionStatus(client, job, execution);
      if (done(state)) return status;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`execution ${execution} did not finish`);
  }

  before(async () => {
    emu = await startTestEmulator({ jobRunner: localJobRunner({ entry }), log: (line) => void logs.push(line) });
    client = await jobsClient({ credential: new EmulatorCredential(), subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem });
    await putJob(emu, job.name, 'Manual', { FROM_TEMPLATE: 'yes', EXIT_CODE: '0', OUT: path.join(dir, 'unused') });
  });
  after(async () => {
    await emu?.close();
    await bare?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('start returns the execution; it runs with the template env plus the start overrides and ends Succeeded; listed and got', async () => {
    const out = path.join(dir, 'ok.json');
    const started = await startJob(client, job, 'registry.example/cf-validate:abc', { OUT: out, RUN_ID: 'r1' }, 10);
    expect(started.name).to.match(new RegExp(`^${job.name}-[a-z0-9]{7}$`));
    expect(started.id).to.match(new RegExp(`/providers/Microsoft.App/jobs/${job.name}/executions/${started.name}$`));
    expect(await until(client, started.name, (s) => s !== 'running')).to.equal('Succeeded');
    const env = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    expect(env).to.include({ FROM_TEMPLATE: 'yes', RUN_ID: 'r1', OUT: out, CF_VALIDATE_TARGET: 'local' });
    const execution = await client.jobExecution(rg, job.name, started.name);
    expect(execution.template?.containers?.[0]?.image).to.equal('registry.example/cf-validate:abc');
    expect(execution.startTime).to.be.instanceOf(Date);
    expect(execution.endTime).to.be.instanceOf(Date);
    const listed: string[] = [];
    for await (const e of client.jobsExecutions.list(rg, job.name)) listed.push(`${e.name}:${e.status}`);
    expect(listed).to.include(`${started.name}:Succeeded`);
    expect(logs).to.include(`job ${started.name}: job says hello`);
  });

  it('a process exiting non-zero: Failed; a long one: Running until stopped, then Stopped', async () => {
    const failed = await startJob(client, job, undefined, { OUT: path.join(dir, 'f.json'), EXIT_CODE: '3' }, 10);
    expect(await until(client, failed.name, (s) => s !== 'running')).to.equal('Failed');
    const long = await startJob(client, job, undefined, { OUT: path.join(dir, 'l.json'), SLEEP_MS: '60000' }, 10);
    expect((await executionStatus(client, job, long.name)).status).to.equal('Running');
    await stopExecution(client, job, long.name);
    expect((await executionStatus(client, job, long.name)).status).to.equal('Stopped');
  });

  it('ARM errors: a missing job 404, a job that is not Manual 400, an unknown execution 404', async () => {
    const missing = await client.jobs.start(rg, 'caj-nope', { updateIntervalInMs: 10 }).then(() => undefined, (e: unknown) => e as { statusCode?: number; code?: string });
    expect(missing).to.include({ statusCode: 404, code: 'ResourceNotFound' });
    await putJob(emu, 'caj-scheduled', 'Schedule', {});
    const scheduled = await client.jobs.start(rg, 'caj-scheduled', { updateIntervalInMs: 10 }).then(() => undefined, (e: unknown) => e as { statusCode?: number; code?: string });
    expect(scheduled).to.include({ statusCode: 400, code: 'JobTriggerTypeNotManual' });
    const unknown = await client.jobExecution(rg, job.name, `${job.name}-0000000`).then(() => undefined, (e: unknown) => e as { statusCode?: number });
    expect(unknown).to.include({ statusCode: 404 });
  });

  it('without a job runner (ARM_EMULATOR_JOB_RUNNER=none) an execution fails at once', async () => {
    bare = await startTestEmulator();
    await putJob(bare, job.name, 'Manual', {});
    const bareClient = await jobsClient({ credential: new EmulatorCredential(), subscriptionId: bare.subscriptionId, endpoint: bare.endpoint, caPem: bare.caPem });
    const started = await startJob(bareClient, job, undefined, {}, 10);
    expect((await executionStatus(bareClient, job, started.name)).status).to.equal('Failed');
  });
});

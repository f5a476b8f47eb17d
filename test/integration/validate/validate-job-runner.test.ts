// The validation job's runner against the ARM emulator's jobs API and a real Azurite, with job
// processes written for the test; and `validate --job` refused as a process without --emulator.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { BlobServiceClient } from '@azure/storage-blob';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { azuriteCredential } from '@complianceflow/cli/lock/azurite.ts';
import { resultsContainer } from '@complianceflow/cli/validate/job/results-blob.ts';
import { runChecksInJob } from '@complianceflow/cli/validate/job/run.ts';
import { writeOnlySasUrl } from '@complianceflow/cli/validate/job/sas.ts';
import { jobsClient } from '@complianceflow/cli/validate/job/start.ts';
import { localJobRunner } from '@complianceflow/arm-emulator/job-runner.ts';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { paths } from '../../support/local-helpers.ts';

const result = { name: 'redis: PING', status: 'pass' as const, reason: 'PONG', durationMs: 3, troubleshooting: 'docs/infrastructure/Validation.md#redis-ping' };

describe('validate --job (process)', () => {
  it('validate --job is for --emulator: exit 2 with a clear message, nothing opened', () => {
    const run = spawnSync(process.execPath, [paths.cli, 'validate', 'westeu-test-1', '--job', '--subscription', '00000000-0000-0000-0000-000000000000'], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include('--job is for --emulator; against Azure the data checks run in the job already (unless --from-here)').and.not.match(/\n\s+at /);
  });
});

describe('runChecksInJob against the emulator jobs API + Azurite (job processes written for the test)', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'cf-job-units-'));
  const rg = 'rg-cf-units';
  let azurite: AzuriteBlob;
  let emulator: RunningEmulator;
  let service: BlobServiceClient;
  const logs: string[] = [];

  // A job that announces two checks, reports the first and then dies (or hangs, with HANG=1; or
  // dies before writing anything, with HANG=silent).
  const entry = path.join(dir, 'partial-job.ts');
  writeFileSync(entry, [
    `import { ResultsWriter } from '${path.resolve('packages/cli/src/validate/job/results-blob.ts')}';`,
    'const writer = new ResultsWriter(process.env.CF_VALIDATE_RESULTS_URL);',
    'const runId = process.env.CF_VALIDATE_RUN_ID;',
    "if (process.env.HANG === 'silent') process.exit(1);",
    "await writer.write({ kind: 'plan', runId, checks: ['redis: PING', 'redis: TLS'] });",
    `await writer.write({ kind: 'result', runId, result: ${JSON.stringify(result)} });`,
    "if (process.env.HANG === '1') setTimeout(() => {}, 60_000); else process.exit(1);",
  ].join('\n'));

  before(async () => {
    azurite = await startAzuriteBlob();
    service = new BlobServiceClient(azurite.url, azuriteCredential());
    emulator = await startEmulator({ stateDir: path.join(dir, 'emu'), port: 0, latency: { defaultMs: 0 }, jobRunner: localJobRunner({ entry }), log: (l) => void logs.push(l) });
    const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
    await clients.resources.providers.register('Microsoft.App');
    await clients.resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
    for (const [name, hang] of [['caj-dies', '0'], ['caj-hangs', '1'], ['caj-silent', 'silent']] as const) {
      await clients.resources.resources.beginCreateOrUpdateByIdAndWait(`/subscriptions/${emulator.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.App/jobs/${name}`, '2026-01-01', {
        location: 'westeurope',
        properties: { configuration: { triggerType: 'Manual' }, template: { containers: [{ name: 'validate', image: 'placeholder', env: [{ name: 'HANG', value: hang }] }] } },
      }, { updateIntervalInMs: 10 });
    }
  });
  after(async () => {
    await emulator?.close();
    await azurite?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (job: string, waitMs: number) =>
    runChecksInJob({
      deployment: 'westeu-test-1',
      jobs: await jobsClient({ credential: new EmulatorCredential(), subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }),
      job: { resourceGroup: rg, name: job },
      image: undefined,
      results: service,
      waitMs,
      pollMs: 100,
    });

  it('a job that dies after one result: that result kept, the announced rest failed naming the execution', async () => {
    const r = await run('caj-dies', 30_000);
    expect(r.results.map((x) => `${x.name}: ${x.status}`)).to.deep.equal(['redis: PING: pass', 'redis: TLS: fail']);
    expect(r.results[1]!.reason).to.equal(`the job's execution ${r.execution} ended Failed before reporting this check`);
    expect(r.results[1]!.troubleshooting).to.equal('docs/infrastructure/Validation.md#validation-job');
  });

  it('a job that dies before announcing anything: one failure standing for the run, naming the execution', async () => {
    const r = await run('caj-silent', 30_000);
    expect(r.results).to.have.length(1);
    expect(r.results[0]).to.include({ name: 'validation job caj-silent: data checks', status: 'fail', reason: `the job's execution ${r.execution} ended Failed before reporting any check (its console log: the environment's ContainerAppConsoleLogs in Log Analytics)` });
  });

  it('a job that overruns the wait is stopped; its missing check says so', async () => {
    const r = await run('caj-hangs', 8_000);
    expect(r.results.map((x) => `${x.name}: ${x.status}`)).to.deep.equal(['redis: PING: pass', 'redis: TLS: fail']);
    expect(r.results[1]!.reason).to.equal(`the job's execution ${r.execution} did not finish within 8 s (stopped) before reporting this check`);
  });

  it('the SAS is write-only: it appends, but cannot read or delete the blob', async () => {
    const container = service.getContainerClient(resultsContainer);
    await container.createIfNotExists();
    const blob = container.getAppendBlobClient('westeu-test-1/sas-probe.jsonl');
    await blob.create();
    const url = await writeOnlySasUrl({ service, container: resultsContainer, blob: 'westeu-test-1/sas-probe.jsonl', validForMs: 60_000 });
    const { AppendBlobClient, AnonymousCredential } = await import('@azure/storage-blob');
    const viaSas = new AppendBlobClient(url, new AnonymousCredential(), { retryOptions: { maxTries: 1 } });
    await viaSas.appendBlock('x\n', 2);
    expect(await viaSas.download().then(() => 'read', (e: { statusCode?: number }) => e.statusCode)).to.equal(403);
    expect(await viaSas.delete().then(() => 'deleted', (e: { statusCode?: number }) => e.statusCode)).to.equal(403);
    expect((await blob.downloadToBuffer()).toString()).to.equal('x\n');
  });
});

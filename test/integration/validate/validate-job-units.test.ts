// The validation job's pieces: the configuration it reads, the results protocol, the start request's
// container, the execution states, the image reference, the stack it is given, the SAS masking —
// and runChecksInJob against the emulator's jobs API (a job process written for the test) + Azurite:
// results that arrive are kept, what the job announced but never reported fails naming the
// execution, a job that overruns the wait is stopped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { BlobServiceClient } from '@azure/storage-blob';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { azuriteCredential } from '@complianceflow/cli/lock/azurite.ts';
import { jobEnv, readJobConfiguration } from '@complianceflow/cli/validate/job/config.ts';
import { jobSkippedReason, runSuiteWithJob, validationImage, type JobDataInput } from '@complianceflow/cli/validate/job/in-command.ts';
import { pass } from '@complianceflow/cli/validate/model.ts';
import { decodeLine, encodeLine, splitLines, type ResultLine } from '@complianceflow/cli/validate/job/protocol.ts';
import { resultsContainer } from '@complianceflow/cli/validate/job/results-blob.ts';
import { runChecksInJob } from '@complianceflow/cli/validate/job/run.ts';
import { sasSecrets, writeOnlySasUrl } from '@complianceflow/cli/validate/job/sas.ts';
import { stackForJob, stackFromJob } from '@complianceflow/cli/validate/job/stack-env.ts';
import { executionContainer, jobsClient, stateOf } from '@complianceflow/cli/validate/job/start.ts';
import { localJobRunner } from '@complianceflow/arm-emulator/job-runner.ts';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { paths } from '../../support/local-helpers.ts';

const result = { name: 'redis: PING', status: 'pass' as const, reason: 'PONG', durationMs: 3, troubleshooting: 'docs/infrastructure/Validation.md#redis-ping' };

describe('validation job: configuration, protocol, start request, image, stack, SAS (pure)', () => {
  it('reads its configuration, naming what is missing or wrong', () => {
    const base = { CF_VALIDATE_TARGET: 'local', CF_DEPLOYMENT: 'westeu-test-1', CF_VALIDATE_RUN_ID: 'r1', CF_VALIDATE_RESULTS_URL: 'https://a/b?sig=x' };
    expect(readJobConfiguration({ ...base, CF_VALIDATE_ENV_PATH: '/x.env' })).to.deep.equal({ target: 'local', task: 'validate', deployment: 'westeu-test-1', runId: 'r1', resultsUrl: 'https://a/b?sig=x', envPath: '/x.env' });
    expect(readJobConfiguration({ ...base, CF_JOB_TASK: 'databases' }).task).to.equal('databases');
    expect(() => readJobConfiguration({ ...base, CF_JOB_TASK: 'migrate' })).to.throw('CF_JOB_TASK must be validate or databases, got "migrate"');
    expect(() => readJobConfiguration({ ...base, CF_VALIDATE_TARGET: 'cloud' })).to.throw('CF_VALIDATE_TARGET must be azure or local, got "cloud"');
    expect(() => readJobConfiguration({ ...base, CF_VALIDATE_RESULTS_URL: '' })).to.throw('CF_VALIDATE_RESULTS_URL is not set');
    expect(() => readJobConfiguration({ ...base, CF_VALIDATE_TARGET: 'azure' })).to.throw(`${jobEnv.configuration.keyVaultUri} is not set`);
  });

  it('protocol: plan, result and done lines round-trip; anything else is ignored; partial lines wait', () => {
    for (const line of [{ kind: 'plan', runId: 'r', checks: ['a', 'b'] }, { kind: 'result', runId: 'r', result }, { kind: 'done', runId: 'r', count: 2 }] satisfies ResultLine[]) {
      expect(decodeLine(encodeLine(line).trim())).to.deep.equal(line);
    }
    expect(decodeLine('not json')).to.equal(undefined);
    expect(decodeLine('{"name":"x","status":"maybe"}')).to.equal(undefined);
    expect(splitLines('{"a":1}\n{"b"')).to.deep.equal({ lines: ['{"a":1}'], rest: '{"b"' });
  });

  it('the start request repeats the template container with the image and the run variables (replacing same-named ones)', () => {
    const template = { name: 'validate', image: 'placeholder', resources: { cpu: 0.5, memory: '1Gi' }, env: [{ name: 'CF_DEPLOYMENT', value: 'd' }, { name: 'CF_VALIDATE_RUN_ID', value: 'old' }] };
    expect(executionContainer(template, 'cr.azurecr.io/cf-validate:abc', { CF_VALIDATE_RUN_ID: 'new', X: 'y' })).to.deep.equal({
      name: 'validate',
      image: 'cr.azurecr.io/cf-validate:abc',
      resources: { cpu: 0.5, memory: '1Gi' },
      env: [{ name: 'CF_DEPLOYMENT', value: 'd' }, { name: 'CF_VALIDATE_RUN_ID', value: 'new' }, { name: 'X', value: 'y' }],
    });
    expect(executionContainer(template, undefined, {}).image).to.equal('placeholder');
    expect(() => executionContainer(undefined, 'i', {})).to.throw('the job template has no container');
  });

  it('execution states: Processing runs; Degraded and Unknown are failures', () => {
    expect(['Running', 'Processing', 'Succeeded', 'Failed', 'Degraded', 'Unknown', 'Stopped'].map(stateOf)).to.deep.equal(['running', 'running', 'succeeded', 'failed', 'failed', 'failed', 'stopped']);
  });

  it('the image: $CF_VALIDATE_IMAGE, else <registry>/cf-validate:<$CF_VALIDATE_IMAGE_TAG or latest>', () => {
    const stack = { properties: { outputs: { containerApps: { type: 'Object', value: { registryLoginServer: 'crcf.azurecr.io' } } } } } as unknown as DeploymentStack;
    expect(validationImage(stack, {})).to.equal('crcf.azurecr.io/cf-validate:latest');
    expect(validationImage(stack, { CF_VALIDATE_IMAGE_TAG: 'abc123' })).to.equal('crcf.azurecr.io/cf-validate:abc123');
    expect(validationImage(stack, { CF_VALIDATE_IMAGE: 'x/y:z' })).to.equal('x/y:z');
    expect(() => validationImage({ properties: { outputs: {} } } as DeploymentStack, {})).to.throw('containerApps.registryLoginServer is missing');
  });

  it('the stack the job gets: outputs and the Key Vault secret ids, nothing else; refused when not that JSON', () => {
    const secretId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/applicationinsights-connection-string';
    const stack = { properties: { outputs: { security: { value: { keyVaultUri: 'https://kv/' } } }, resources: [{ id: secretId }, { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v' }] } } as unknown as DeploymentStack;
    const back = stackFromJob(stackForJob(stack));
    expect(back.properties?.outputs).to.deep.equal({ security: { value: { keyVaultUri: 'https://kv/' } } });
    expect(back.properties?.resources).to.deep.equal([{ id: secretId }]);
    expect(() => stackFromJob('{')).to.throw('CF_VALIDATE_STACK is not JSON');
    expect(() => stackFromJob('{"outputs":{}}')).to.throw('CF_VALIDATE_STACK must be');
  });

  it('CF_VALIDATE_JOB=skip (a first deploy): the caller\'s checks run, the data checks are skipped saying why; another value is refused', async () => {
    const checks = ['arm: every managed resource Succeeded', 'event hubs: consumer groups exist', 'redis: PING', 'postgres: TLS required, plain connection refused'].map((name) => ({ name, troubleshooting: 'x', run: async () => pass('ran') }));
    const input = (value: string) => ({ env: { CF_VALIDATE_JOB: value } }) as unknown as JobDataInput;
    const { results } = await runSuiteWithJob({ checks, secrets: [] }, input('skip'));
    expect(results.map((r) => [r.name, r.status, r.reason])).to.deep.equal([
      ['arm: every managed resource Succeeded', 'pass', 'ran'],
      ['event hubs: consumer groups exist', 'pass', 'ran'],
      ['redis: PING', 'skipped', jobSkippedReason],
      ['postgres: TLS required, plain connection refused', 'skipped', jobSkippedReason],
    ]);
    const refused = await runSuiteWithJob({ checks, secrets: [] }, input('maybe')).then(() => undefined, (e: Error) => e.message);
    expect(refused).to.equal('environment variable CF_VALIDATE_JOB="maybe" is refused: not one of the allowed values; allowed: run or skip (whether validate starts the validation job)');
  });

  it('validate --job is for --emulator: exit 2 with a clear message, nothing opened', () => {
    const run = spawnSync(process.execPath, [paths.cli, 'validate', 'westeu-test-1', '--job', '--subscription', '00000000-0000-0000-0000-000000000000'], { encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include('--job is for --emulator; against Azure the data checks run in the job already (unless --from-here)').and.not.match(/\n\s+at /);
  });

  it('SAS secrets: the URL, its query and the signature, encoded and decoded', () => {
    const url = 'https://acct.blob.core.windows.net/validation/d/r.jsonl?sv=2025-01-05&sp=a&sig=ab%2Bcd%3D';
    expect(sasSecrets(url)).to.deep.equal([url, 'sv=2025-01-05&sp=a&sig=ab%2Bcd%3D', 'ab%2Bcd%3D', 'ab+cd=']);
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

  const run = (job: string, waitMs: number) =>
    runChecksInJob({
      deployment: 'westeu-test-1',
      jobs: jobsClient({ credential: new EmulatorCredential(), subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }),
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

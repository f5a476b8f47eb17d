// The validation job's pieces: the configuration it reads, the results protocol, the start request's
// container, the execution states, the image reference, the stack it is given, the SAS masking. The
// runner against the emulator's jobs API is in test/integration/validate/validate-job-runner.test.ts.
import { expect } from 'chai';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { jobEnv, readJobConfiguration } from '@complianceflow/cli/validate/job/config.ts';
import { jobSkippedReason, runSuiteWithJob, validationImage, type JobDataInput } from '@complianceflow/cli/validate/job/in-command.ts';
import { pass } from '@complianceflow/cli/validate/model.ts';
import { decodeLine, encodeLine, splitLines, type ResultLine } from '@complianceflow/cli/validate/job/protocol.ts';
import { sasSecrets } from '@complianceflow/cli/validate/job/sas.ts';
import { stackForJob, stackFromJob } from '@complianceflow/cli/validate/job/stack-env.ts';
import { executionContainer, stateOf } from '@complianceflow/cli/validate/job/start.ts';

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

  it('SAS secrets: the URL, its query and the signature, encoded and decoded', () => {
    const url = 'https://acct.blob.core.windows.net/validation/d/r.jsonl?sv=2025-01-05&sp=a&sig=ab%2Bcd%3D';
    expect(sasSecrets(url)).to.deep.equal([url, 'sv=2025-01-05&sp=a&sig=ab%2Bcd%3D', 'ab%2Bcd%3D', 'ab+cd=']);
  });
});

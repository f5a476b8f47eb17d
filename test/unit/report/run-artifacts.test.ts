// The pure parts of promote/rollback and outputs out: which parameters are stored (never a secure
// one), why a stored run is refused, GitHub's output file syntax, stack outputs as KEY=value lines.
import { expect } from 'chai';
import { formatOrJson } from '@complianceflow/cli/commands/args.ts';
import { envLines, outputPairs, shellValue } from '@complianceflow/cli/commands/stack-outputs.ts';
import { reportProblem } from '@complianceflow/cli/deploy/run-source.ts';
import { parametersText, secureParameterNames, storableParameters } from '@complianceflow/cli/report/artifacts.ts';
import type { RunReport } from '@complianceflow/cli/report/model.ts';
import { githubOutputText } from '@complianceflow/cli/runner/github-output.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { thrownBy } from '../../support/thrown.ts';

describe('kept parameters: secure values are never stored (report/artifacts.ts)', () => {
  const template = { parameters: { location: { type: 'string' }, adminPassword: { type: 'securestring' }, settings: { type: 'secureObject' }, tags: { type: 'object' } } };

  it('the template says which parameters are secure: securestring and secureObject, any case', () => {
    expect(secureParameterNames(template)).to.deep.equal(['adminPassword', 'settings']);
    expect(secureParameterNames({})).to.deep.equal([]);
  });

  it('drops them and names them; the rest are kept as sent', () => {
    const sent = { location: { value: 'westeurope' }, adminPassword: { value: 'p4ssw0rd-value' }, settings: { value: { k: 'v' } }, tags: { value: { env: 'test' } } };
    const { parameters, omitted } = storableParameters(template, sent);
    expect(parameters).to.deep.equal({ location: { value: 'westeurope' }, tags: { value: { env: 'test' } } });
    expect(omitted).to.deep.equal(['adminPassword', 'settings']);
    const text = parametersText(parameters);
    expect(text).not.to.include('p4ssw0rd-value');
    expect(JSON.parse(text)).to.deep.include({ contentVersion: '1.0.0.0', parameters });
  });
});

describe('a stored run refused, and why (deploy/run-source.ts reportProblem)', () => {
  const report = (change: Partial<RunReport>): RunReport =>
    ({ runId: '20261205T120000Z-a1b2c3', deployment: 'westeu-test-1', command: 'deploy westeu-test-1', outcome: 'succeeded', phases: [], artifact: { project: 'complianceflow-infra', templateSha256: 'a', parametersSha256: 'b', stored: true, secureParametersOmitted: [] }, ...change }) as RunReport;

  it('a successful deploy (or one that found nothing to change) of this project is usable', () => {
    expect(reportProblem(report({}), 'complianceflow-infra')).to.equal(undefined);
    expect(reportProblem(report({ outcome: 'no-changes' }), 'complianceflow-infra')).to.equal(undefined);
    expect(reportProblem(report({ command: 'rollback westeu-test-1' }), 'complianceflow-infra')).to.equal(undefined);
  });

  it('says why: not successful, no template kept, another project, not a deploy', () => {
    expect(reportProblem(report({ outcome: 'failed' }), 'complianceflow-infra')).to.include('did not succeed (outcome "failed")');
    expect(reportProblem(report({ outcome: 'cancelled' }), 'complianceflow-infra')).to.include('did not succeed');
    expect(reportProblem(report({ artifact: undefined }), 'complianceflow-infra')).to.include('kept no template');
    expect(reportProblem(report({ artifact: { ...report({}).artifact!, stored: false } }), 'complianceflow-infra')).to.include('kept no template');
    expect(reportProblem(report({}), 'other-infra')).to.include('belongs to another project ("complianceflow-infra"; this checkout is "other-infra")');
    expect(reportProblem(report({ command: 'destroy westeu-test-1' }), 'complianceflow-infra')).to.include('is not a deploy');
  });
});

describe('$GITHUB_OUTPUT lines (runner/github-output.ts)', () => {
  it('name=value, and the delimiter form for a value with a line break, with a delimiter the value does not hold', () => {
    let n = 0;
    const random = (): string => String(n++);
    expect(githubOutputText([['run-id', 'abc'], ['outcome', 'succeeded']], random)).to.equal('run-id=abc\noutcome=succeeded\n');
    expect(githubOutputText([['cert', 'a\nghadelimiter_0\nb']], random)).to.equal('cert<<ghadelimiter_1\na\nghadelimiter_0\nb\nghadelimiter_1\n');
  });
});

describe('stack outputs as KEY=value (commands/stack-outputs.ts)', () => {
  const outputs = {
    resourceGroupName: { type: 'String', value: 'rg-cf-westeu-test-1' },
    containerApps: { type: 'Object', value: { defaultDomain: 'x.westeurope.azurecontainerapps.io', subnets: [{ id: '/a/b' }] } },
    redis: { type: 'Object', value: { hostName: 'h', accessKey: 'k3y-value', connectionStringTemplate: 'rediss://:{password}@h' } },
    note: { type: 'String', value: "it's $HOME\nand more" },
  };

  it('one pair per leaf, the path in UPPER_SNAKE_CASE, secret-looking names left out', () => {
    expect(outputPairs(outputs)).to.deep.equal([
      ['RESOURCE_GROUP_NAME', 'rg-cf-westeu-test-1'],
      ['CONTAINER_APPS_DEFAULT_DOMAIN', 'x.westeurope.azurecontainerapps.io'],
      ['CONTAINER_APPS_SUBNETS_0_ID', '/a/b'],
      ['REDIS_HOST_NAME', 'h'],
      ['NOTE', "it's $HOME\nand more"],
    ]);
  });

  it('values are quoted as in POSIX sh only where needed', () => {
    expect(shellValue('rg-cf-westeu-test-1')).to.equal('rg-cf-westeu-test-1');
    expect(shellValue('')).to.equal('');
    expect(shellValue("it's $HOME")).to.equal(`'it'\\''s $HOME'`);
    expect(envLines([['NOTE', 'a\nb']])).to.deep.equal(["NOTE='a\nb'"]);
  });
});

describe('--json as --format json (commands/args.ts formatOrJson)', () => {
  it('--json is json; --format alone is itself; both with another format is refused', () => {
    expect(formatOrJson('what-if', { json: true })).to.equal('json');
    expect(formatOrJson('what-if', { json: false, format: 'markdown' })).to.equal('markdown');
    expect(formatOrJson('what-if', { json: false })).to.equal(undefined);
    expect(thrownBy(() => formatOrJson('what-if', { json: true, format: 'markdown' }), UsageError).message).to.include('--json and --format markdown');
  });
});

// deployments/what-if-rules.yaml through the real CLI on a scratch checkout: an expired rule fails
// `plan --check` (exit 1, before any Bicep process) with its file:line and reason; a broken rules
// file is refused by plan, what-if and deploy (exit 2) before anything starts or is written.
import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runNode, type CliRun, cliEntry } from '../../support/cli.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';

const rulesFile = 'deployments/what-if-rules.yaml';

function expectClean(result: CliRun): void {
  expect(result.stderr).to.not.match(/^\s+at /m);
  expect(result.stdout + result.stderr).to.not.include('.ts:');
}

describe('what-if noise rules through the CLI', function () {
  this.timeout(120_000);
  let root: string;
  let original: string;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runNode(root, cliEntry, args, { NO_COLOR: '1', ...env });

  before(() => {
    root = scratchCheckout('cf-noise-rules-', ['deployments', 'bicep']);
    original = readFileSync(path.join(root, rulesFile), 'utf8');
  });
  afterEach(() => writeFileSync(path.join(root, rulesFile), original));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('plan --check fails (exit 1) on an expired rule, naming file:line, the rule and its reason, before compiling anything', async () => {
    const expired = original.replace(/(path: "\*\*\.etag"\n\s+reason: "[^"]*"\n\s+expires: )"\d{4}-\d{2}-\d{2}"/, '$1"2020-01-31"');
    expect(expired).to.not.equal(original);
    writeFileSync(path.join(root, rulesFile), expired);
    const line = expired.split('\n').findIndex((l) => l.includes('path: "**.etag"'));
    const cacheDir = path.join(root, 'plan-cache');
    const result = await cli(['plan', 'westeu-test-1', '--check', '--cache-dir', cacheDir]);
    expect(result.code, result.stderr + result.stdout).to.equal(1);
    expect(result.stderr).to.include(`${rulesFile}:${line}:5: the what-if noise rule for * **.etag expired after 2020-01-31; its reason: Read-only concurrency token`);
    expect(result.stderr).to.include('1 what-if noise rule(s) expired: renew each');
    expectClean(result);
    expect(existsSync(cacheDir)).to.equal(false);
  });

  it('a broken rules file is refused with file:line:column by plan, what-if and deploy (exit 2), nothing started or written', async () => {
    writeFileSync(path.join(root, rulesFile), `${original}  - type: "*"\n    path: "properties.subnets[x].id"\n    reason: "a reason long enough"\n    expires: "2027-02-30"\n`);
    const lines = original.split('\n').length;
    const stateDir = path.join(root, '.state');
    const emulator = { ARM_EMULATOR_ENDPOINT: 'https://127.0.0.1:9', ARM_EMULATOR_CA: path.join(root, 'ca.pem'), ARM_EMULATOR_STATE_DIR: stateDir };
    writeFileSync(emulator.ARM_EMULATOR_CA, 'not used\n');
    for (const args of [['plan', 'westeu-test-1', '--cache-dir', path.join(root, 'plan-cache')], ['what-if', 'westeu-test-1', '--emulator'], ['deploy', 'westeu-test-1', '--emulator', '--yes']]) {
      const result = await cli(args, emulator);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(2);
      expect(result.stderr).to.include(`${rulesFile}:${lines + 1}:11: rules[19].path: "properties.subnets[x].id" has the index [x]; allowed: [n] (a number) or [*]`);
      expect(result.stderr).to.include(`${rulesFile}:${lines + 3}:14: rules[19].expires: "2027-02-30" is not a calendar date`);
      expectClean(result);
    }
    expect(existsSync(stateDir)).to.equal(false);
    expect(existsSync(path.join(root, 'plan-cache'))).to.equal(false);
  });
});

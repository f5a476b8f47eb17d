// Bad input as a class, through the real CLI and the real emulator entry point: every environment
// variable, every YAML file the project reads, oversized files and fields, look-alike characters and
// a BICEP_PATH that is not Bicep. Each is exit 2, a message naming what and where, no stack trace,
// and nothing written.
import { expect } from 'chai';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runNode, type CliRun, cliEntry } from '../../support/cli.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { envVariables, type EnvName } from '@complianceflow/core/env.ts';

/** Runs a project entry point from a checkout, with colour off, as CI runs it. */
function run(root: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runNode(root, entry, args, { NO_COLOR: '1', ...env });
}

const cli = (root: string, args: string[], env: NodeJS.ProcessEnv = {}) => run(root, cliEntry, args, env);

function expectRefused(result: CliRun, ...messages: (string | RegExp)[]): void {
  expect(result.code, result.stderr + result.stdout).to.equal(2);
  for (const message of messages) {
    if (typeof message === 'string') expect(result.stderr).to.include(message);
    else expect(result.stderr).to.match(message);
  }
  expect(result.stderr).to.not.match(/^\s+at /m);
  expect(result.stderr).to.not.match(/ReferenceError|RangeError|TypeError|ERR_[A-Z_]+/);
  expect(result.stdout + result.stderr).to.not.include('.ts:');
}

/** An alias bomb: ten levels of anchors, each a list of nine aliases to the one before (9^10 nodes). */
function aliasBomb(): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= 10; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

describe('bad input is refused cleanly (exit 2, a message, no trace, no side effect)', function () {
  this.timeout(120_000);
  const scratchDirs: string[] = [];
  let root: string;

  function scratch(): string {
    const dir = scratchCheckout('cf-bad-input-', ['deployments', 'bicep', 'policies', 'pricing']);
    scratchDirs.push(dir);
    return dir;
  }

  before(() => {
    root = scratch();
  });
  after(() => {
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  });

  describe('environment variables', () => {
    it('ARM_EMULATOR_PORT=99999 or abc: the variable, its value and what is allowed; no emulator state written', async () => {
      for (const value of ['99999', 'abc', '65536', '-1', '8443.5']) {
        const stateDir = path.join(root, '.state-port');
        const result = await cli(root, ['deploy', 'westeu-test-1', '--emulator', '--yes'], { ARM_EMULATOR_PORT: value, ARM_EMULATOR_STATE_DIR: stateDir });
        expectRefused(result, `environment variable ARM_EMULATOR_PORT=${JSON.stringify(value)} is refused`, 'allowed: an integer from 0 to 65535 (0: any free port)');
        expect(existsSync(stateDir), `nothing written for ${value}`).to.equal(false);
      }
      expect(existsSync(path.join(root, '.runs')), 'no run report').to.equal(false);
      expect(existsSync(path.join(root, '.local-data')), 'no local data').to.equal(false);
    });

    it('every variable the project reads is checked, all problems at once, each by name', async () => {
      // Longer than any variable allows: every one of them must refuse it.
      const tooLong = 'x'.repeat(2 * 1024 * 1024);
      const names = (Object.keys(envVariables) as EnvName[]).filter((name) => !envVariables[name].readBy.startsWith('job'));
      const result = await cli(root, ['cidr'], Object.fromEntries(names.map((name) => [name, tooLong.slice(0, 5000)])));
      expectRefused(result, `${names.length} environment variables are refused`);
      for (const name of names) expect(result.stderr).to.include(`environment variable ${name}=`);
    });

    it("the validation job's variables are checked by the job itself, naming each; a secret one is not shown", async () => {
      const names = (Object.keys(envVariables) as EnvName[]).filter((name) => envVariables[name].readBy.startsWith('job'));
      expect(names).to.include.members(['CF_VALIDATE_TARGET', 'CF_VALIDATE_RESULTS_URL', 'CF_REDIS_PORT']);
      const tooLong = 'x'.repeat(2 * 1024 * 1024);
      // CF_VALIDATE_TARGET=azure: the azure target's endpoints are checked too.
      const values = Object.fromEntries(names.map((name) => [name, tooLong.slice(0, (envVariables[name] as { maxLength?: number }).maxLength ?? 4096) + 'x']));
      const result = await run(root, 'packages/cli/src/validate/job-main.ts', [], { ...values, CF_VALIDATE_TARGET: 'azure' });
      names.splice(names.indexOf('CF_VALIDATE_TARGET'), 1);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`cf-validate job: ${names.length} environment variables are refused`);
      for (const name of names) expect(result.stderr).to.include(`environment variable ${name}=`);
      expect(result.stderr).to.include('environment variable CF_VALIDATE_RESULTS_URL=(a secret, not shown)');
      expect(result.stderr.length).to.be.below(20_000);
      const port = await run(root, 'packages/cli/src/validate/job-main.ts', [], { CF_VALIDATE_TARGET: 'azure', CF_REDIS_PORT: '6380x' });
      expect(port.stderr).to.include('environment variable CF_REDIS_PORT="6380x" is refused: not a TCP port; allowed: an integer from 1 to 65535');
    });

    const wrong: [EnvName, string, string][] = [
      ['AZURITE_BLOB_PORT', '70000', 'an integer from 1 to 65535'],
      ['ARM_EMULATOR_ENDPOINT', 'http://127.0.0.1:8443', 'an https:// URL'],
      ['ARM_EMULATOR_SUBSCRIPTION_ID', 'my-sub', 'a GUID'],
      ['AZURE_SUBSCRIPTION_ID', '123', 'a GUID'],
      ['ARM_EMULATOR_LATENCY_MS', 'default=fast', 'default=<ms>'],
      ['ARM_EMULATOR_TRANSIENT_RATE', '1.5', 'a number from 0 to 1'],
      ['ARM_EMULATOR_FAIL_TYPES', 'redis=Quota', '<Namespace/type>=<ErrorCode>'],
      ['ARM_EMULATOR_JOB_RUNNER', 'docker', 'local or none'],
      ['CF_LOCK_CONTAINER', 'Locks_1', '3-63 lower-case letters'],
      ['CF_ARTIFACTS_ACCOUNT_URL', 'not a url', 'an https:// URL'],
      ['CF_VALIDATE_JOB', 'maybe', 'run or skip'],
      ['CF_VALIDATE_IMAGE_TAG', '-bad', 'a tag'],
    ];
    it('a wrong value of each kind names the variable, the value and what is allowed', async () => {
      for (const [name, value, allowed] of wrong) {
        const result = await cli(root, ['cidr'], { [name]: value });
        expectRefused(result, `environment variable ${name}=${JSON.stringify(value)} is refused`, `allowed: ${allowed}`);
      }
    });

    it('npm run emulator: a bad variable is refused by name before the CA or any state is written', async () => {
      for (const [name, value] of [['ARM_EMULATOR_PORT', '99999'], ['ARM_EMULATOR_PORT', 'abc'], ['ARM_EMULATOR_RETRY_AFTER', 'soon'], ['ARM_EMULATOR_VERBOSE', 'yes']] as const) {
        const stateDir = path.join(root, '.state-emulator');
        const result = await run(root, 'packages/arm-emulator/src/main.ts', [], { [name]: value, ARM_EMULATOR_STATE_DIR: stateDir });
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.include(`arm-emulator: error: environment variable ${name}=${JSON.stringify(value)} is refused`);
        expect(result.stderr).to.not.match(/^\s+at /m);
        expect(existsSync(stateDir), `no state for ${name}=${value}`).to.equal(false);
      }
    });

    it('an empty variable counts as not set', async () => {
      const result = await cli(root, ['cidr', '--json'], { ARM_EMULATOR_PORT: '', AZURITE_BLOB_PORT: '' });
      expect(result.code, result.stderr).to.equal(0);
    });
  });

  describe('YAML files', () => {
    function brokenCheckout(file: string, text: string): string {
      const dir = scratch();
      writeFileSync(path.join(dir, file), text);
      return dir;
    }

    it('an alias bomb in one deployment file: commands about every deployment, or that one, name the file and line, no ReferenceError', async () => {
      const dir = brokenCheckout('deployments/westeu-test-2.yaml', aliasBomb());
      for (const args of [['cidr'], ['names', 'westeu-test-2'], ['plan', 'westeu-test-2', '--cache-dir', path.join(dir, 'cache')], ['list', '--emulator']]) {
        const result = await cli(dir, args, { ARM_EMULATOR_STATE_DIR: path.join(dir, '.state') });
        expectRefused(result, /deployments\/westeu-test-2\.yaml:2:\d+: invalid YAML: its aliases \(\*name\) expand too far/);
      }
      expect(existsSync(path.join(dir, 'cache'))).to.equal(false);
      expect(existsSync(path.join(dir, '.state'))).to.equal(false);
    });

    it('a broken unrelated deployment file does not stop a command about another deployment: it goes on, warning which file is broken', async () => {
      const dir = brokenCheckout('deployments/westeu-test-2.yaml', aliasBomb());
      const result = await cli(dir, ['names', 'westeu-test-1']);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/warning: deployments\/westeu-test-2\.yaml is broken and left out \(its address space is not checked against this command's deployments\): deployments\/westeu-test-2\.yaml:2:\d+: invalid YAML/);
      expect(result.stdout).to.include('rg-cf-westeu-test-1');
    });

    for (const file of ['deployments/regions.yaml', 'deployments/catalog.yaml', 'deployments/profiles/test.yaml']) {
      it(`an alias bomb or a syntax error in ${file} names that file`, async () => {
        const bomb = await cli(brokenCheckout(file, aliasBomb()), ['cidr']);
        expectRefused(bomb, new RegExp(`${file.replace(/[./]/g, '\\$&')}:2:\\d+: invalid YAML: its aliases`));
        const syntax = await cli(brokenCheckout(file, 'a: [1, 2\nb: {\n'), ['cidr']);
        expectRefused(syntax, new RegExp(`${file.replace(/[./]/g, '\\$&')}:\\d+:\\d+: invalid YAML`));
      });
    }

    it('deployments/bootstrap.yaml: an alias bomb is named by bootstrap before anything is sent', async () => {
      const dir = brokenCheckout('deployments/bootstrap.yaml', aliasBomb());
      // An emulator that is not there: bootstrap must refuse the file before it sends anything.
      writeFileSync(path.join(dir, 'ca.pem'), 'not used\n');
      const result = await cli(dir, ['bootstrap', '--emulator', '--yes', '--subscription', '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63'], { ARM_EMULATOR_ENDPOINT: 'https://127.0.0.1:9', ARM_EMULATOR_CA: path.join(dir, 'ca.pem'), ARM_EMULATOR_STATE_DIR: path.join(dir, '.state') });
      expectRefused(result, /deployments\/bootstrap\.yaml:2:\d+: invalid YAML: its aliases/);
      expect(existsSync(path.join(dir, '.state'))).to.equal(false);
    });

    it('a 10 MB deployment file (and a sparse 3 GB one) is refused by its size without being read', async () => {
      const dir = scratch();
      const big = path.join(dir, 'deployments/westeu-test-3.yaml');
      writeFileSync(big, `# ${'x'.repeat(10 * 1024 * 1024)}\n`);
      expectRefused(await cli(dir, ['cidr']), /deployments\/westeu-test-3\.yaml: the file is \d+ bytes; a configuration file may have at most 1048576 bytes \(1 MB\), so it was not read/);
      // Reading this one whole would fail in Node itself (over 2 GB): refused by the size alone.
      writeFileSync(big, '');
      truncateSync(big, 3 * 1024 * 1024 * 1024);
      expectRefused(await cli(dir, ['cidr']), 'deployments/westeu-test-3.yaml: the file is 3221225472 bytes');
    });

    it('a field longer than any setting needs is refused with its length, not echoed whole', async () => {
      const dir = scratch();
      const file = path.join(dir, 'deployments/westeu-test-1.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, `name: ${'a'.repeat(100_000)}`));
      const result = await cli(dir, ['cidr']);
      expectRefused(result, 'deployments/westeu-test-1.yaml: name: "aaaa', '(100000 characters) is longer than 512 characters');
      expect(result.stderr.length).to.be.below(5000);
    });
  });

  describe('look-alike characters', () => {
    it('a Cyrillic "е" in a deployment name on the command line: position and code point', async () => {
      const result = await cli(root, ['plan', 'westeu-t\u0435st-1', '--cache-dir', path.join(root, 'cache-cyr')]);
      expectRefused(result, 'it contains "\u0435" (U+0435, Cyrillic) at position 9, which is not a lower-case ASCII letter, digit or hyphen');
      expect(existsSync(path.join(root, 'cache-cyr'))).to.equal(false);
    });

    it('a Cyrillic "е" in a deployment file (its name field, and its file name): position and code point', async () => {
      const dir = scratch();
      const file = path.join(dir, 'deployments/westeu-test-1.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, 'name: westeu-t\u0435st-1'));
      expectRefused(await cli(dir, ['cidr']), 'deployments/westeu-test-1.yaml: name: "westeu-t\u0435st-1" is not allowed (it contains "\u0435" (U+0435, Cyrillic) at position 9, which is not a printable ASCII character)');
      writeFileSync(path.join(dir, 'deployments/westeu-t\u0435st-2.yaml'), 'name: x\n');
      expectRefused(await cli(dir, ['cidr']), 'the file name is not a deployment name (it contains "\u0435" (U+0435, Cyrillic) at position 9');
    });
  });

  describe('BICEP_PATH', () => {
    it('an executable that is not Bicep: says so and what it printed, exit 2, nothing written', async () => {
      const fake = path.join(root, 'not-bicep.sh');
      writeFileSync(fake, '#!/bin/sh\necho "hello from not-bicep"\nexit 127\n');
      chmodSync(fake, 0o755);
      for (const [bicepPath, printed] of [[fake, 'exited with code 127 and printed "hello from not-bicep"'], ['/bin/true', 'exited with code 0 and printed']] as const) {
        const cacheDir = path.join(root, 'cache-bicep');
        const result = await cli(root, ['plan', 'westeu-test-1', '--cache-dir', cacheDir], { BICEP_PATH: bicepPath });
        expectRefused(result, `${bicepPath} (found via BICEP_PATH) is not a Bicep CLI: \`${bicepPath} --version\` ${printed}`, 'a Bicep CLI prints "Bicep CLI version x.y.z"');
        expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).to.deep.equal([]);
      }
    });
  });
});

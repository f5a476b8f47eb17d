// Steps of .github/actions/deploy (deploy.yml, rollout.yml) run as GitHub runs them
// (`bash --noprofile --norc -eo pipefail`), each in a scratch directory: the container-registry lookup
// — a failing lookup fails the step instead of passing for a first deploy — and where the run
// directory for the artifact is found. The Azure CLI is a recorded stand-in on PATH (no Azure here);
// `npx cf-infra names` is the real CLI.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../../support/cli.ts';

interface Step { id?: string; run?: string }
const steps = (parseYaml(readFileSync(path.join(repoRoot, '.github/actions/deploy/action.yml'), 'utf8')) as { runs: { steps: Step[] } }).runs.steps;
const script = (id: string) => steps.find((s) => s.id === id)!.run!;

/** Runs one step's script in cwd; its GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files are fresh ones in io. */
function runStep(id: string, cwd: string, io: string, env: Record<string, string>) {
  const [output, summary] = [path.join(io, 'output'), path.join(io, 'summary')];
  for (const f of [output, summary]) writeFileSync(f, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script(id)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_SHA: 'abc123', GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '1', ...env },
  });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
  return { status: result.status, stdout: result.stdout, outputs: outputs as Record<string, string>, summary: readFileSync(summary, 'utf8') };
}

describe('.github/actions/deploy steps', function () {
  this.timeout(120000);
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(path.join(os.tmpdir(), 'cf-deploy-action-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** An `az` that logs its arguments and answers `az acr list` with the given exit code and output. */
  function azStandIn(listExit: number, listOutput: string): string {
    const bin = path.join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'az'), `#!/usr/bin/env bash\necho "az $*" >> "${scratch}/az.log"\nif [ "$1 $2" = "acr list" ]; then echo "${listOutput}"; [ ${listExit} -eq 0 ] || echo "ERROR: AADSTS700016 the token is not valid" >&2; exit ${listExit}; fi\nexit 0\n`);
    chmodSync(path.join(bin, 'az'), 0o755);
    return `${bin}:${path.join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}`;
  }
  const azCalls = () => readFileSync(path.join(scratch, 'az.log'), 'utf8').trim().split('\n');
  // The registry step runs in the checkout (npx cf-infra names), writing only into scratch.
  const image = (listExit: number, listOutput: string) => runStep('image', repoRoot, scratch, { PATH: azStandIn(listExit, listOutput), DEPLOYMENT: 'westeu-test-1' });

  it('a failing registry lookup fails the step: it is not taken for a first deploy', () => {
    const run = image(1, '');
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/::error::could not look up the container registry \S+ \(az acr list failed/);
    expect(run.outputs.pushed).to.equal(undefined);
    expect(azCalls().some((c) => c.startsWith('az acr build'))).to.equal(false);
  });

  it('no registry yet: a first deploy (pushed=false, no build); a registry: the image is built (pushed=true)', () => {
    const first = image(0, '0');
    expect([first.status, first.outputs.pushed]).to.deep.equal([0, 'false']);
    expect(first.stdout).to.include('::notice::registry');
    rmSync(path.join(scratch, 'bin'), { recursive: true });
    rmSync(path.join(scratch, 'az.log'));
    const existing = image(0, '1');
    expect([existing.status, existing.outputs.pushed]).to.deep.equal([0, 'true']);
    expect(azCalls().find((c) => c.startsWith('az acr build'))).to.include(`--registry ${existing.outputs.registry}`).and.to.include('--image cf-validate:abc123');
  });

  it('finds the run the deploy named, else the newest, else says none was written', () => {
    const none = runStep('report', scratch, scratch, { DEPLOYMENT: 'westeu-test-1', RUN_ID: '' });
    expect([none.status, none.outputs.dir, none.summary.trim()]).to.deep.equal([0, undefined, 'No run report was written (the deploy stopped before it).']);
    for (const [run, mtime] of [['20260101T000000Z-named', 1], ['20260102T000000Z-newest', 2]] as const) {
      mkdirSync(path.join(scratch, '.runs/westeu-test-1', run), { recursive: true });
      utimesSync(path.join(scratch, '.runs/westeu-test-1', run), mtime * 1e6, mtime * 1e6);
    }
    expect(runStep('report', scratch, scratch, { DEPLOYMENT: 'westeu-test-1', RUN_ID: '20260101T000000Z-named' }).outputs).to.deep.equal({ dir: '.runs/westeu-test-1/20260101T000000Z-named', artifact: 'run-report-westeu-test-1-7-1' });
    expect(runStep('report', scratch, scratch, { DEPLOYMENT: 'westeu-test-1', RUN_ID: '' }).outputs.dir).to.equal('.runs/westeu-test-1/20260102T000000Z-newest');
  });
});

// .github/scripts/rollout-rings.sh (rollout.yml's first job) run as the workflow runs it: the rings
// from the registry through the real CLI (`cf-infra list --registry`), and a registry without a test
// deployment refused (the rollout builds its template in one).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot as root } from '../../support/cli.ts';
import { deploymentNames } from '../../support/deployment-names.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';

function rings(cwd: string) {
  const result = spawnSync('bash', [path.join(root, '.github/scripts/rollout-rings.sh')], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}` } });
  return { status: result.status, stderr: result.stderr, outputs: Object.fromEntries(result.stdout.trim().split('\n').filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2))) as Record<string, string> };
}

const environmentOf = (d: string) => /^environment: (\w+)/m.exec(readFileSync(path.join(root, 'deployments', `${d}.yaml`), 'utf8'))![1]!;
const ofEnvironment = (env: string) => deploymentNames.filter((d) => environmentOf(d) === env);

describe('rollout-rings.sh (rollout.yml)', function () {
  this.timeout(120000);

  it('prints the source deployment and each ring as step outputs, every deployment once', () => {
    const { status, outputs, stderr } = rings(root);
    expect(status, stderr).to.equal(0);
    expect(Object.keys(outputs)).to.deep.equal(['source', 'test', 'stg', 'prod']);
    const test = JSON.parse(outputs.test!) as string[];
    expect([outputs.source!, ...test].sort()).to.deep.equal(ofEnvironment('test'));
    expect((JSON.parse(outputs.stg!) as string[]).sort()).to.deep.equal(ofEnvironment('stg'));
    expect((JSON.parse(outputs.prod!) as string[]).sort()).to.deep.equal(ofEnvironment('prod'));
  });

  it('refuses a registry with no test deployment (exit 2, saying why)', () => {
    const scratch = scratchCheckout('cf-rings-', ['deployments', 'bicep', 'policies', 'pricing']);
    try {
      for (const d of ofEnvironment('test')) rmSync(path.join(scratch, 'deployments', `${d}.yaml`));
      cpSync(path.join(root, '.github'), path.join(scratch, '.github'), { recursive: true });
      expect(readdirSync(path.join(scratch, 'deployments')).some((f) => f.includes('-test-'))).to.equal(false);
      const { status, stderr, outputs } = rings(scratch);
      expect(status).to.equal(2);
      expect(stderr).to.include('no deployment with environment: test in deployments/*.yaml');
      expect(outputs).to.deep.equal({});
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

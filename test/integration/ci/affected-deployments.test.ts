// .github/scripts/affected-deployments.sh (what-if.yml) in a scratch clone: a real git diff and
// `cf-infra plan --check` name the deployments whose golden snapshot changed on the branch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot as root } from '../../support/cli.ts';
import { deploymentNames } from '../../support/deployment-names.ts';


describe('affected-deployments.sh (what-if.yml)', function () {
  this.timeout(120000);

  it('lists the deployments whose golden snapshot changed on the branch, from a real git diff and plan --check', async () => {
    const clone = mkdtempSync(path.join(os.tmpdir(), 'cf-affected-'));
    try {
      const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
      execFileSync('git', ['clone', '--quiet', '--local', '--no-hardlinks', root, clone]);
      symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'));
      git('checkout', '--quiet', '-b', 'feature');
      const golden = path.join(clone, 'deployments/snapshots/westeu-stg-1.json');
      const snapshot = JSON.parse(readFileSync(golden, 'utf8')) as Record<string, unknown>;
      writeFileSync(golden, JSON.stringify({ ...snapshot, edited: true }, null, 2) + '\n');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '--quiet', '-am', 'edit a golden snapshot');
      const out = execFileSync('bash', ['.github/scripts/affected-deployments.sh', 'main'], {
        cwd: clone,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}`, BICEP_PATH: process.env.BICEP_PATH ?? path.join(root, '.tools/bicep/bicep'), RUNNER_TEMP: clone },
      });
      const affected = JSON.parse(out) as string[];
      expect(affected).to.include('westeu-stg-1');
      expect(affected.filter((d) => !deploymentNames.includes(d))).to.deep.equal([]);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});

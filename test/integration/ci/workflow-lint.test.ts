// The workflow lint (`npm run lint:workflows`, scripts/lint-workflows.ts) over the real workflows and
// actions — @action-validator/cli for the schema, Debian's shellcheck over every bash/sh `run:` block —
// and over a broken copy, to show it finds what it should, where it is.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatFinding, lintWorkflows, shellScripts, workflowFiles } from '../../../scripts/lint-workflows.ts';
import { repoRoot as root } from '../../support/cli.ts';

describe('workflow lint: action-validator and shellcheck', function () {
  this.timeout(120000);

  it('finds nothing in the workflows and actions of the repository (all of them, the what-if ones included)', async () => {
    expect(workflowFiles(root)).to.include.members(['.github/workflows/rollout.yml', '.github/workflows/deploy.yml', '.github/workflows/what-if.yml', '.github/workflows/what-if-comment.yml', '.github/actions/setup/action.yml', '.github/actions/deploy/action.yml']);
    expect(shellScripts(root)).to.include.members(['.github/scripts/rollout-rings.sh', '.github/scripts/affected-deployments.sh', 'scripts/setup.sh']);
    expect((await lintWorkflows(root)).map(formatFinding)).to.deep.equal([]);
  });

  it('reports a schema error and a shell finding in a broken workflow, with file and line', async () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'cf-wflint-'));
    try {
      mkdirSync(path.join(scratch, '.github/workflows'), { recursive: true });
      mkdirSync(path.join(scratch, '.github/actions/a'), { recursive: true });
      mkdirSync(path.join(scratch, '.github/scripts'), { recursive: true });
      mkdirSync(path.join(scratch, 'scripts'), { recursive: true });
      writeFileSync(path.join(scratch, 'scripts/s.sh'), '#!/usr/bin/env bash\nset -euo pipefail\ncd $1\n');
      symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
      writeFileSync(path.join(scratch, '.github/workflows/bad.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n    steps:\n      - run: |\n          echo ok\n          rm -rf $DIR/build\n');
      writeFileSync(path.join(scratch, '.github/actions/a/action.yml'), "name: a\ndescription: a\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo \"${{ inputs.x }}\" `date`\n");
      const findings = await lintWorkflows(scratch);
      const bad = findings.filter((f) => f.file === '.github/workflows/bad.yml');
      expect(bad.some((f) => f.tool === 'action-validator' && f.message.includes("Additional property 'stepz' is not allowed"))).to.equal(true);
      expect(bad.filter((f) => f.tool === 'shellcheck').map((f) => [f.line, f.message.slice(0, 6)])).to.deep.equal([[9, 'SC2086']]);
      const action = findings.filter((f) => f.file === '.github/actions/a/action.yml');
      expect(action.map((f) => [f.tool, f.line, f.message.slice(0, 6)])).to.deep.equal([['shellcheck', 7, 'SC2046'], ['shellcheck', 7, 'SC2006']]);
      expect(findings.filter((f) => f.file === 'scripts/s.sh').map((f) => [f.line, f.message.slice(0, 6)])).to.deep.equal([[3, 'SC2086']]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

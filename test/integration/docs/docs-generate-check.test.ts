// `npm run docs:generate -- --check` as a process: passes on the committed documents and writes nothing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { architectureDoc } from '@complianceflow/docs-tools/blocks.ts';

describe('docs:generate --check (process)', () => {
  it('`docs:generate --check` passes on the committed document and writes nothing', () => {
    const before = readFileSync(path.join(repoRoot, architectureDoc), 'utf8');
    const run = spawnSync(process.execPath, ['packages/docs-tools/src/generate.ts', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`${architectureDoc}: up to date`);
    expect(readFileSync(path.join(repoRoot, architectureDoc), 'utf8')).to.equal(before);
  });
});

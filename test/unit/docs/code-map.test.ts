import { expect } from 'chai';
import { codeMapViolations, folderOf, importCycles, readSources, type SourceFile } from '@complianceflow/docs-tools/code-map.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

const file = (pkg: string, rest: string, ...imports: string[]): SourceFile => ({ file: `packages/${pkg}/src/${rest}`, imports });
const owners = { 'core/': 'x', 'cli/': 'x', 'cli/deploy': 'x', 'arm-emulator/': 'x' };
const borders = { core: [], cli: ['core'], 'arm-emulator': ['core'] };

describe('code map (packages, folders, borders)', function () {
  it('the repository keeps the map: no border crossed, no import cycle, every folder owned', function () {
    const sources = readSources(repoRoot);
    expect(sources.length).to.be.greaterThan(100);
    expect(codeMapViolations(sources)).to.deep.equal([]);
  });

  it('names each import across a border the map does not allow, and what the package may import', function () {
    const sources = [file('cli', 'cli.ts', 'packages/arm-emulator/src/index.ts'), file('arm-emulator', 'index.ts', 'packages/core/src/env.ts'), file('core', 'env.ts')];
    expect(codeMapViolations(sources, owners, borders)).to.deep.equal([
      'cli/deploy: in folderOwners but holds no source file',
      'packages/cli/src/cli.ts imports packages/arm-emulator/src/index.ts: cli may import cli, core only',
    ]);
  });

  it('finds a circle of any length, and a folder without an owner line', function () {
    const sources = [
      file('cli', 'deploy/a.ts', 'packages/cli/src/deploy/b.ts'),
      file('cli', 'deploy/b.ts', 'packages/cli/src/cli.ts'),
      file('cli', 'cli.ts', 'packages/cli/src/deploy/a.ts'),
      file('cli', 'plan/c.ts'),
    ];
    expect(importCycles(sources)).to.deep.equal([['packages/cli/src/cli.ts', 'packages/cli/src/deploy/a.ts', 'packages/cli/src/deploy/b.ts']]);
    expect(codeMapViolations(sources, owners, borders)).to.include('cli/plan: no owner line in folderOwners (packages/docs-tools/src/code-map.ts)');
    expect(folderOf('packages/cli/src/cli.ts')).to.equal('cli/');
  });
});

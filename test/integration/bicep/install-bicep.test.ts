// scripts/install-bicep.sh when the single file cannot be laid out unpacked (here: a bundle format the
// unpacker does not read, as a future .NET may write): setup must not fail, it installs Microsoft's
// single file as it is and says why. Runs in a scratch folder holding the scripts, the real
// node_modules and the NuGet packages already restored (so nothing is downloaded again).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { singleFileBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { pinnedBicepVersion } from '@complianceflow/core/bicep/version.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

describe('install-bicep.sh', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cf-install-bicep-'));
    cpSync(path.join(repoRoot, 'scripts'), path.join(root, 'scripts'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    mkdirSync(path.join(root, '.tools'));
    symlinkSync(path.join(repoRoot, '.tools', 'nuget'), path.join(root, '.tools', 'nuget'), 'dir');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('installs the single file, with a warning that says why, when the bundle cannot be unpacked', () => {
    const bundle = path.join(root, 'scripts', 'bicep-unpack', 'bundle.ts');
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('const supportedMajorVersion = 6;', 'const supportedMajorVersion = 7;'));
    const result = spawnSync('bash', [path.join(root, 'scripts', 'install-bicep.sh')], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.include('unpack-bicep: bundle format 6.0 is not the one this unpacker reads (7.x)');
    expect(result.stderr).to.include(`warning: could not lay Bicep ${pinnedBicepVersion()} out unpacked; installing the single file`);
    expect(result.stdout).to.include(`Bicep CLI version ${pinnedBicepVersion()}`);
    const installed = path.join(root, '.tools', 'bicep', 'bicep');
    expect(readFileSync(installed).equals(readFileSync(singleFileBicepPath()))).to.equal(true);
    expect(existsSync(path.join(root, '.tools', 'bicep', 'bicep.dll'))).to.equal(false);
    expect(existsSync(path.join(root, '.tools', 'bicep.new'))).to.equal(false, 'no staged folder left behind');
  });
});

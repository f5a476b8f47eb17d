// The project's Bicep (.tools/bicep, scripts/install-bicep.sh) is Microsoft's single-file CLI laid out
// unpacked (scripts/unpack-bicep.ts): it must be the same Bicep, answering and compiling exactly as the
// single file NuGet delivered does, and it must be the layout, not the single file copied.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectBicepPath, singleFileBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { pinnedBicepVersion } from '@complianceflow/core/bicep/version.ts';
import { mainTemplate } from '@complianceflow/cli/plan/paths.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

const singleFile = singleFileBicepPath();
const run = (bicep: string, ...args: string[]) => execFileSync(bicep, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });

describe('the project Bicep, unpacked', () => {
  it('is the unpacked layout: the app, the runtime it was published with and an apphost', () => {
    const dir = path.dirname(projectBicepPath);
    for (const file of ['bicep.dll', 'bicep.runtimeconfig.json', 'System.Private.CoreLib.dll', 'libcoreclr.so', 'libhostfxr.so', 'libhostpolicy.so']) {
      expect(existsSync(path.join(dir, file)), file).to.equal(true);
    }
    // The single file's dependency list leaves the runtime's native files out; the host would refuse to start.
    expect(existsSync(path.join(dir, 'bicep.deps.json'))).to.equal(false);
    expect(readdirSync(dir)).not.to.include('libcoreclrtraceptprovider.so');
  });

  it('answers --version exactly as the single file does', () => {
    expect(run(projectBicepPath, '--version')).to.equal(run(singleFile, '--version')).and.to.include(pinnedBicepVersion());
  });

  it('compiles main.bicep to the same template, byte for byte', () => {
    expect(run(projectBicepPath, 'build', mainTemplate, '--stdout')).to.equal(run(singleFile, 'build', mainTemplate, '--stdout'));
  });

  it('unpack-bicep refuses packs of another runtime and a folder that exists, writing nothing', () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'cf-unpack-'));
    try {
      const unpack = (...args: string[]) => {
        try {
          execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'unpack-bicep.ts'), 'unpack', singleFile, ...args], { encoding: 'utf8', stdio: 'pipe' });
          return { status: 0, stderr: '' };
        } catch (error) {
          const failed = error as { status: number; stderr: string };
          return { status: failed.status, stderr: failed.stderr };
        }
      };
      const wrongPack = path.join(scratch, '9.9.9', 'native');
      const out = path.join(scratch, 'out');
      const result = unpack(wrongPack, wrongPack, out);
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/^unpack-bicep: .*9\.9\.9.* is not a pack of runtime \d+\.\d+\.\d+, the one the bundle was published with\n$/);
      expect(existsSync(out)).to.equal(false);
      expect(unpack(wrongPack, wrongPack, scratch).stderr).to.include('exists already');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

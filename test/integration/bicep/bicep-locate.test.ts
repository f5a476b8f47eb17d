import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { checkBicepVersion, locateBicep } from '@complianceflow/core/bicep/locate.ts';
import { projectBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { compareVersions, parseBicepVersion, pinnedBicepVersion } from '@complianceflow/core/bicep/version.ts';
import { thrownBy } from '../../support/thrown.ts';
import { CliError } from '@complianceflow/core/errors.ts';

function fakeBicep(file: string, version = '0.49.2'): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "Bicep CLI version ${version} (fake)"\n`);
  chmodSync(file, 0o755);
  return file;
}

const thrown = (fn: () => unknown): CliError => thrownBy(fn, CliError);

describe('bicep locator', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let home: string;
  let project: string;
  let onPath: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-locate-'));
    home = path.join(dir, 'home');
    project = path.join(dir, 'project', '.tools', 'bicep', 'bicep');
    onPath = path.join(dir, 'path-bin');
    mkdirSync(onPath, { recursive: true });
    env = { PATH: [path.join(dir, 'empty'), onPath].join(path.delimiter) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers BICEP_PATH, then PATH, then ~/.azure/bin, then the project copy', () => {
    const explicit = fakeBicep(path.join(dir, 'explicit', 'bicep'));
    const pathCopy = fakeBicep(path.join(onPath, 'bicep'));
    const azure = fakeBicep(path.join(home, '.azure', 'bin', 'bicep'));
    fakeBicep(project);
    const options = { env: { ...env, BICEP_PATH: explicit }, home, projectPath: project };
    expect(locateBicep(options)).to.deep.equal({ path: explicit, source: 'BICEP_PATH' });
    expect(locateBicep({ ...options, env })).to.deep.equal({ path: pathCopy, source: 'PATH' });
    rmSync(pathCopy);
    expect(locateBicep({ ...options, env })).to.deep.equal({ path: azure, source: 'Azure CLI' });
    rmSync(azure);
    expect(locateBicep({ ...options, env })).to.deep.equal({ path: project, source: 'project' });
  });

  it('skips a non-executable bicep on PATH', () => {
    writeFileSync(path.join(onPath, 'bicep'), 'not executable');
    fakeBicep(project);
    expect(locateBicep({ env, home, projectPath: project }).source).to.equal('project');
  });

  it('refuses a BICEP_PATH that does not exist, even when another bicep exists', () => {
    fakeBicep(project);
    const missing = path.join(dir, 'nope', 'bicep');
    const error = thrown(() => locateBicep({ env: { ...env, BICEP_PATH: missing }, home, projectPath: project }));
    expect(error.message).to.equal(`BICEP_PATH=${missing} does not exist (or is not a file).`);
    expect(error.exitCode).to.equal(2);
  });

  it('refuses a BICEP_PATH that is not executable', () => {
    const file = path.join(dir, 'bicep');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const error = thrown(() => locateBicep({ env: { ...env, BICEP_PATH: file }, home, projectPath: project }));
    expect(error.message).to.equal(`BICEP_PATH=${file} is not executable.`);
  });

  it('names every way to get Bicep when none is found', () => {
    const error = thrown(() => locateBicep({ env, home, projectPath: project }));
    expect(error.message).to.include('No Bicep CLI found').and.include(project).and.include(path.join(home, '.azure', 'bin', 'bicep'));
    for (const way of ['npm run bicep:install', 'scripts/install-bicep.sh', '.NET SDK', 'az bicep install', 'https://aka.ms/bicep-install', 'BICEP_PATH=']) {
      expect(error.hint).to.include(way);
    }
  });

  it('reads the pinned version from the restore project and compares versions numerically', () => {
    expect(pinnedBicepVersion()).to.equal('0.49.2');
    expect(parseBicepVersion('Bicep CLI version 0.49.2 (b34271ac51)')).to.equal('0.49.2');
    expect(compareVersions('0.9.0', '0.10.0')).to.be.lessThan(0);
    expect(compareVersions('1.0.0', '0.49.2')).to.be.greaterThan(0);
    expect(compareVersions('0.49.2', '0.49.2')).to.equal(0);
  });

  it('refuses an older bicep and warns about a newer one', () => {
    const found = { path: '/x/bicep', source: 'PATH' as const };
    const error = thrown(() => checkBicepVersion(found, '0.30.3', '0.49.2'));
    expect(error.message).to.equal('Bicep 0.30.3 at /x/bicep (found via PATH) is older than the pinned 0.49.2.');
    expect(error.hint).to.include('npm run bicep:install');
    expect(checkBicepVersion(found, '0.50.1', '0.49.2')).to.include('newer than the pinned 0.49.2');
    expect(checkBicepVersion(found, '0.49.2', '0.49.2')).to.equal(undefined);
  });

  it('refuses to open an older bicep found on the way (version asked from the binary itself)', async () => {
    const old = fakeBicep(path.join(dir, 'old', 'bicep'), '0.30.3');
    let error: unknown;
    await openBicep({ mode: 'process-per-file', locate: { env: { BICEP_PATH: old } } }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.include('Bicep 0.30.3').and.include('older than the pinned 0.49.2');
  });

  it('opens the real project copy and reports its version over jsonrpc', async () => {
    const bicep = await openBicep({ locate: { env: { BICEP_PATH: projectBicepPath } } });
    try {
      expect(bicep.version).to.equal(pinnedBicepVersion());
      expect(bicep.mode).to.equal('jsonrpc');
      expect(bicep.source).to.equal('BICEP_PATH');
    } finally {
      await bicep.dispose();
    }
  });

  it('an executable that never answers is stopped and named as not a Bicep CLI (wrapper script and its child included)', async () => {
    const hang = path.join(dir, 'hang', 'bicep');
    mkdirSync(path.dirname(hang), { recursive: true });
    // A wrapper whose child keeps the pipes open: the probe must not wait for them.
    writeFileSync(hang, '#!/bin/sh\nsleep 30\n');
    chmodSync(hang, 0o755);
    let error: unknown;
    await openBicep({ locate: { env: { BICEP_PATH: hang } }, startTimeoutMs: 1500, probeTimeoutMs: 1000 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).exitCode).to.equal(2);
    expect((error as Error).message).to.equal(`${hang} (found via BICEP_PATH) is not a Bicep CLI: \`${hang} --version\` gave no answer within 1 s; a Bicep CLI prints "Bicep CLI version x.y.z".`);
  });
});

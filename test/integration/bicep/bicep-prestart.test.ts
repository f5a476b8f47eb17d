import { expect } from 'chai';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lazyBicep, openBicep } from '@complianceflow/core/bicep/index.ts';
import { projectBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { bicepRuntimeDefaults, prestartBicep } from '@complianceflow/core/bicep/prestart.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { runNode, cliEntry } from '../../support/cli.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded by mocha's timeout, not asserted on time) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(50);
}

describe('Bicep started early (core/bicep/prestart.ts)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-prestart-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in `bicep` that records its pid, then runs `body`. */
  function script(body: string): string {
    const file = path.join(dir, 'bicep');
    writeFileSync(file, `#!/bin/sh\necho $$ >> ${path.join(dir, 'pids')}\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }
  const pids = (): number[] => (existsSync(path.join(dir, 'pids')) ? readFileSync(path.join(dir, 'pids'), 'utf8').trim().split('\n').map(Number) : []);

  it('the session adopts the process started early: the real Bicep answers through it and no second one starts', async () => {
    const early = prestartBicep({ env: { BICEP_PATH: projectBicepPath } });
    expect(early?.bicepPath).to.equal(projectBicepPath);
    const bicep = await openBicep({ locate: { env: { BICEP_PATH: projectBicepPath } }, prestarted: early! });
    try {
      expect(bicep.version).to.equal('0.49.2');
      expect(early!.take(), 'already taken by the session').to.equal(undefined);
    } finally {
      await bicep.dispose();
    }
  });

  it('a session that never needed Bicep ends the process started early', async () => {
    const early = prestartBicep({ env: { BICEP_PATH: script('exec cat') } });
    await until(() => pids().length === 1);
    const [pid] = pids();
    expect(alive(pid!)).to.equal(true);
    await lazyBicep({ locate: { env: { BICEP_PATH: early!.bicepPath } }, prestarted: early! }).dispose();
    await until(() => !alive(pid!));
    expect(early!.take(), 'released, not to be adopted later').to.equal(undefined);
  });

  it('a process that ended before it was adopted is replaced by a new one, which answers', async () => {
    // The first start exits at once; the second is the real Bicep.
    const marker = path.join(dir, 'started-once');
    const bicepPath = script(`if [ -e ${marker} ]; then exec ${projectBicepPath} "$@"; fi\ntouch ${marker}\nexit 3`);
    const early = prestartBicep({ env: { BICEP_PATH: bicepPath } });
    // Gone for kill(pid, 0) only once Node has reaped it, which is when its exit event fires.
    await until(() => pids().length === 1 && !alive(pids()[0]!));
    const bicep = await openBicep({ locate: { env: { BICEP_PATH: bicepPath } }, prestarted: early! });
    try {
      expect(bicep.version).to.equal('0.49.2');
      expect(pids()).to.have.length(2);
    } finally {
      await bicep.dispose();
    }
  });

  it("runs Bicep with cf-infra's .NET settings, except where the environment sets its own", async () => {
    const seen = path.join(dir, 'env');
    const bicepPath = script(`echo "$DOTNET_TieredCompilation $DOTNET_gcConcurrent $DOTNET_GCgen0size" > ${seen}.tmp && mv ${seen}.tmp ${seen}\nexec cat`);
    const before = process.env['DOTNET_gcConcurrent'];
    process.env['DOTNET_gcConcurrent'] = '1';
    const early = prestartBicep({ env: { BICEP_PATH: bicepPath } });
    if (before === undefined) delete process.env['DOTNET_gcConcurrent'];
    else process.env['DOTNET_gcConcurrent'] = before;
    try {
      await until(() => existsSync(seen));
      expect(readFileSync(seen, 'utf8').trim()).to.equal(`${bicepRuntimeDefaults['DOTNET_TieredCompilation']} 1 ${bicepRuntimeDefaults['DOTNET_GCgen0size']}`);
    } finally {
      early!.release();
    }
  });

  it('plan, deploy and what-if end the Bicep they started early when they refuse their input (exit 2, no Bicep left running)', async () => {
    // A stand-in Bicep is never a cached compile (the key holds the executable), so both start it early.
    const bicepPath = script('exec sleep 600');
    for (const args of [['plan', 'no-such-deployment'], ['deploy', 'no-such-deployment', '--emulator', '--yes'], ['what-if', 'no-such-deployment', '--emulator']]) {
      const before = pids().length;
      const result = await runNode(repoRoot, cliEntry, args, { BICEP_PATH: bicepPath, NO_COLOR: '1' });
      expect(result.code, result.stderr).to.equal(2);
      expect(result.stderr).to.include('no-such-deployment');
      expect(pids(), `${args[0]} started Bicep early`).to.have.length(before + 1);
      await until(() => !alive(pids().at(-1)!));
    }
  });

  it('starts nothing when no Bicep is found (the command reports that when it needs Bicep)', () => {
    expect(prestartBicep({ env: { BICEP_PATH: path.join(dir, 'missing') } })).to.equal(undefined);
  });
});

// scripts/quickstart.sh deploys only into an emulator it started itself or the one the user named
// (issue 16, item 7): whatever else listens on its port — on a shared machine, someone else's
// emulator — is refused with what to do, before anything is bootstrapped or deployed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../../support/azurite.ts';
import { repoRoot } from '../../support/cli.ts';
import { canConnect } from '@complianceflow/cli/lock/local-store.ts';

function quickstart(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['scripts/quickstart.sh'], { cwd: repoRoot, env: { ...process.env, QUICKSTART_SKIP_SETUP: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('scripts/quickstart.sh on a shared machine', function () {
  this.timeout(60_000);
  let other: net.Server;
  let port: number;
  let scratch: string;
  const accepted: net.Socket[] = [];

  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'cf-quickstart-'));
    // "Someone else's emulator": a server on the port that quickstart did not start.
    other = net.createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    port = (other.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => other?.close(resolve));
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses an emulator it did not start and nobody named, says what to set, and starts nothing', async () => {
    const lockPort = await freePort();
    const env: NodeJS.ProcessEnv = { ARM_EMULATOR_PORT: String(port), AZURITE_BLOB_PORT: String(lockPort), CF_LOCK_STORE_DIR: path.join(scratch, 'lockstore'), ARM_EMULATOR_STATE_DIR: path.join(scratch, 'emulator'), CF_RUNS_DIR: path.join(scratch, 'runs') };
    const run = await quickstart({ ...env, ARM_EMULATOR_ENDPOINT: '' });
    expect(run.code, run.output).to.equal(1);
    expect(run.output).to.include(`something already listens on 127.0.0.1:${port}`).and.include('ARM_EMULATOR_PORT=<free port>').and.include(`ARM_EMULATOR_ENDPOINT=https://127.0.0.1:${port}`);
    expect(run.output).not.to.include('Bootstrapping').and.not.include('Deploying');
    expect(await canConnect(lockPort), 'no lock store was started').to.equal(false);
  });
});

// --emulator commands start Azurite (the lock store) as a child when none listens. Interrupted
// mid-run — SIGINT or SIGTERM to cf-infra, or Ctrl-C to its whole process group as a terminal
// sends it — cf-infra still ends by that signal (the shell's 130 / 143) after releasing its lock,
// and the Azurite it started is gone with it; on a normal exit too.
// A real `node orchestrator/src/cli.ts destroy …` against an ARM emulator in this process whose
// stack delete takes ten minutes: the test waits for the stack to be "deleting" (the lock is held,
// Azurite is up, the CLI is waiting on ARM), then signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createArmClients, type ArmClients } from '../src/arm/clients.ts';
import { canConnect } from '../src/deploy/local-services.ts';
import { ExitCode } from '../src/exit-codes.ts';
import { startEmulator, type RunningEmulator } from '../../local/arm-emulator/index.ts';
import { tinyStack } from '../../local/arm-emulator/test/helpers.ts';
import { freePort } from './support/azurite.ts';
import { cliPath, repoRoot } from './support/cli.ts';

/** Polls `check` until it holds; fails naming `what` when it does not within `ms`. */
async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv, options: { ownGroup?: boolean } = {}): Started {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, CI: 'true', GITHUB_ACTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup === true });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

describe('cf-infra --emulator: the Azurite it started stops with it (signals, normal exit)', function () {
  this.timeout(120_000);
  // Mutable: the stacks are created at once, then every long-running operation takes ten minutes.
  const latency = { defaultMs: 0 };
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  let azuritePort: number;
  const deployments = ['westeu-test-1', 'westeu-stg-1', 'eastus-test-1'];

  before(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cf-azurite-signals-'));
    emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency });
    clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }, { retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
    for (const d of deployments) await clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(`cf-${d}`, tinyStack(`rg-signals-${d}`), { updateIntervalInMs: 10 });
    latency.defaultMs = 600_000;
    azuritePort = await freePort();
    env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: emulator.stateDir, AZURITE_BLOB_PORT: String(azuritePort), CF_RUNS_DIR: path.join(scratch, 'runs') };
  });
  after(async () => {
    await emulator?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  const cases: { what: string; deployment: string; signal: NodeJS.Signals; ownGroup: boolean }[] = [
    { what: 'SIGINT to cf-infra', deployment: 'westeu-test-1', signal: 'SIGINT', ownGroup: false },
    { what: 'SIGTERM to cf-infra', deployment: 'westeu-stg-1', signal: 'SIGTERM', ownGroup: false },
    { what: "Ctrl-C to cf-infra's process group (as a terminal sends it)", deployment: 'eastus-test-1', signal: 'SIGINT', ownGroup: true },
  ];
  for (const { what, deployment, signal, ownGroup } of cases) {
    it(`${what} mid-destroy: ends by ${signal}, and the Azurite port is free afterwards`, async () => {
      expect(await canConnect(azuritePort), 'nothing listens on the Azurite port before the run').to.equal(false);
      const run = startCli(['destroy', deployment, '--emulator', '--confirm', deployment], env, { ownGroup });
      const stackState = async (): Promise<string | undefined> => (await clients.stacks.deploymentStacks.getAtSubscription(`cf-${deployment}`)).properties?.provisioningState;
      await Promise.race([
        waitFor(`stack cf-${deployment} to be deleting`, async () => (await stackState()) === 'deleting'),
        run.exited.then(() => {
          throw new Error(`cf-infra ended before the stack delete started:\n${run.output()}`);
        }),
      ]);
      expect(await canConnect(azuritePort), 'Azurite (started by cf-infra) listens mid-run').to.equal(true);

      if (ownGroup) process.kill(-run.child.pid!, signal);
      else run.child.kill(signal);
      const end = await run.exited;
      expect(end, run.output()).to.deep.equal({ code: null, signal });
      await waitFor(`the Azurite port ${azuritePort} to be free`, async () => !(await canConnect(azuritePort)), 15_000);
    });
  }

  it('a normal exit: the port is free when cf-infra has ended', async () => {
    const run = startCli(['destroy', 'eastus-stg-1', '--emulator', '--confirm', 'eastus-stg-1'], env);
    const end = await run.exited;
    expect(end, run.output()).to.deep.equal({ code: ExitCode.Success, signal: null });
    expect(run.output()).to.include('nothing to delete');
    expect(await canConnect(azuritePort)).to.equal(false);
  });
});

// The deployment lock against a real Azurite blob service (leases, metadata, append blobs).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { expect } from 'chai';
import { acquireDeploymentLock, type DeploymentLock } from '@complianceflow/cli/lock/deployment-lock.ts';
import { DeploymentLockedError } from '@complianceflow/cli/lock/errors.ts';
import { breakDeploymentLock, readLockAuditLog, readLockStatus } from '@complianceflow/cli/lock/status.ts';
import { lockBlobName, type LockStore } from '@complianceflow/cli/lock/store.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';
import { startLockHolder } from '../../support/lock-holder-process.ts';
import { cliPath, repoRoot } from '../../support/cli.ts';


interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function waitExit(child: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const startHolder = (azurite: AzuriteBlob, container: string, deployment: string, leaseSeconds = 15): Promise<ChildProcess> =>
  startLockHolder(azurite.port, container, deployment, leaseSeconds);

function runCli(args: string[], azurite: AzuriteBlob, container: string): Promise<Run> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, AZURITE_BLOB_PORT: String(azurite.port), CF_LOCK_CONTAINER: container },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitExit(child);
}

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function expectLocked(store: LockStore, deployment: string): Promise<DeploymentLockedError> {
  try {
    const lock = await acquireDeploymentLock(store, { deployment, runId: 'intruder', command: `deploy ${deployment}`, leaseSeconds: 15, handleSignals: false });
    await lock.release();
  } catch (error) {
    expect(error).to.be.instanceOf(DeploymentLockedError);
    return error as DeploymentLockedError;
  }
  throw new Error(`expected deployment "${deployment}" to be locked, but the lock was free`);
}

describe('deployment lock (Azurite)', function () {
  let azurite: AzuriteBlob;
  let containerCount = 0;
  let container: string;
  let store: LockStore;
  const children: ChildProcess[] = [];

  /** Starts a process holding the deployment's lock, then ends it by the signal and checks it died of it. */
  async function endHolder(deployment: string, leaseSeconds: number, signal: NodeJS.Signals): Promise<void> {
    const child = await startHolder(azurite, container, deployment, leaseSeconds);
    children.push(child);
    await expectLocked(store, deployment);
    const exited = waitExit(child);
    child.kill(signal);
    expect((await exited).signal).to.equal(signal);
  }

  before(async () => {
    azurite = await startAzuriteBlob();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await azurite?.stop();
  });
  beforeEach(() => {
    // A fresh (not yet existing) container per test: also proves the container is created when missing.
    container = `locks-test-${++containerCount}`;
    store = azurite.lockStore(container);
  });

  it('acquires into a missing container, records the holder, and releases', async () => {
    const lock = await acquireDeploymentLock(store, { deployment: 'westeu-test-1', runId: 'run-1', command: 'deploy westeu-test-1', handleSignals: false });
    const properties = await store.container.getBlockBlobClient(lockBlobName('westeu-test-1')).getProperties();
    expect(properties.leaseState).to.equal('leased');
    expect(properties.leaseDuration).to.equal('fixed'); // finite, never infinite
    const status = await readLockStatus(store, 'westeu-test-1');
    expect(status.locked).to.equal(true);
    expect(status.holder).to.include({ runId: 'run-1', command: 'deploy westeu-test-1', pid: process.pid });
    await lock.release();
    await lock.release(); // idempotent
    // Released: unlocked, and the record is emptied so no later contender names a finished run.
    expect(await readLockStatus(store, 'westeu-test-1')).to.deep.include({ locked: false, holder: undefined });
    const again = await acquireDeploymentLock(store, { deployment: 'westeu-test-1', runId: 'run-2', command: 'deploy westeu-test-1', handleSignals: false });
    expect((await readLockStatus(store, 'westeu-test-1')).holder?.runId).to.equal('run-2');
    await again.release();
  });

  it('refuses a second run at once with exit code 3 naming holder, since, host and run', async () => {
    const lock = await acquireDeploymentLock(store, { deployment: 'westeu-stg-1', runId: 'run-first', command: 'deploy westeu-stg-1', handleSignals: false });
    try {
      const error = await expectLocked(store, 'westeu-stg-1');
      expect(error.exitCode).to.equal(ExitCode.Locked);
      expect(error.message).to.include(lock.holder.who).and.include(lock.holder.host).and.include('run-first');
      expect(error.message).to.include(`since ${lock.holder.startedAt}`).and.include(`pid ${process.pid}`);
      expect(error.hint).to.include('cf-infra unlock westeu-stg-1 --force');
    } finally {
      await lock.release();
    }
  });

  it('refused in the instant the lock is taken, before the holder wrote its details: waits for them and names the holder', async () => {
    const blob = store.container.getBlockBlobClient(lockBlobName('westeu-test-1'));
    const earlier = await acquireDeploymentLock(store, { deployment: 'westeu-test-1', runId: 'run-earlier', command: 'deploy westeu-test-1', handleSignals: false });
    await earlier.release();
    // Another run takes the lease and writes its record a moment later, as acquireDeploymentLock does.
    const lease = blob.getBlobLeaseClient();
    await lease.acquireLease(15);
    const refused = expectLocked(store, 'westeu-test-1');
    await new Promise((r) => setTimeout(r, 300));
    const record = JSON.stringify({ who: 'ci', host: 'runner-7', pid: 42, runId: 'run-now', command: 'deploy westeu-test-1', startedAt: new Date().toISOString() });
    await blob.upload(record, Buffer.byteLength(record), { conditions: { leaseId: lease.leaseId } });
    try {
      expect((await refused).message).to.include('run run-now').and.not.include('run-earlier');
    } finally {
      await lease.releaseLease();
    }
  });

  it('never makes different deployments wait for each other', async () => {
    const [a, b] = await Promise.all([
      acquireDeploymentLock(store, { deployment: 'westeu-test-1', runId: 'a', command: 'deploy westeu-test-1', handleSignals: false }),
      acquireDeploymentLock(store, { deployment: 'northeu-test-1', runId: 'b', command: 'deploy northeu-test-1', handleSignals: false }),
    ]);
    expect((await readLockStatus(store, 'westeu-test-1')).holder?.runId).to.equal('a');
    expect((await readLockStatus(store, 'northeu-test-1')).holder?.runId).to.equal('b');
    await Promise.all([a.release(), b.release()]);
  });

  it('refuses a name that could escape the locks/ prefix', async () => {
    try {
      await acquireDeploymentLock(store, { deployment: '../other', runId: 'x', command: 'deploy', handleSignals: false });
      expect.fail('expected a UsageError');
    } catch (error) {
      expect((error as { exitCode: number }).exitCode).to.equal(ExitCode.BadInput);
      expect((error as Error).message).to.include('not a deployment name');
    }
  });

  it('after the lease duration: a live holder still has it (renewed), a SIGKILLed holder has lost it', async function () {
    this.timeout(60_000);
    let lost: Error | undefined;
    const live: DeploymentLock = await acquireDeploymentLock(store, {
      deployment: 'westeu-prod-1', runId: 'live', command: 'deploy westeu-prod-1', leaseSeconds: 15, renewEveryMs: 4000,
      handleSignals: false, onLost: (e) => (lost = e),
    });
    await endHolder('northeu-prod-1', 15, 'SIGKILL');
    // Still locked right after the kill: the lease outlives the process until it expires.
    await expectLocked(store, 'northeu-prod-1');

    // Waits on the condition, not for a fixed time: the next run takes the lock once the dead holder's lease ran out.
    const next = await acquireDeploymentLock(store, { deployment: 'northeu-prod-1', runId: 'next', command: 'deploy northeu-prod-1', handleSignals: false, waitMs: 55_000, waitPollMs: 250 });
    // The live holder's first lease began before the dead one's and has run out as well: it holds the lock by renewing.
    expect(lost).to.equal(undefined);
    expect((await expectLocked(store, 'westeu-prod-1')).holder?.runId).to.equal('live');
    await next.release();
    await live.release();
  });

  it('releases at once when the holder gets SIGTERM, and the holder exits as terminated', async () => {
    await endHolder('westeu-test-2', 60, 'SIGTERM');
    expect((await readLockStatus(store, 'westeu-test-2')).locked).to.equal(false);
    const next = await acquireDeploymentLock(store, { deployment: 'westeu-test-2', runId: 'next', command: 'deploy westeu-test-2', handleSignals: false });
    await next.release();
  });

  it('releases at once on Ctrl-C (SIGINT)', async () => {
    await endHolder('westeu-test-3', 60, 'SIGINT');
    expect((await readLockStatus(store, 'westeu-test-3')).locked).to.equal(false);
  });

  it('unlock without --force refuses (exit 2) and shows the holder; with --force breaks it and records who broke whose lock', async () => {
    const child = await startHolder(azurite, container, 'westeu-stg-2', 60);
    children.push(child);

    const refused = await runCli(['unlock', 'westeu-stg-2', '--emulator'], azurite, container);
    expect(refused.code, refused.stderr).to.equal(ExitCode.BadInput);
    expect(refused.stderr).to.include('without --force').and.include(`child-${child.pid}`).and.include(`pid ${child.pid}`);
    expect(refused.stderr).to.not.match(/\n\s+at /); // no stack trace
    expect((await readLockStatus(store, 'westeu-stg-2')).locked).to.equal(true);

    const forced = await runCli(['unlock', 'westeu-stg-2', '--emulator', '--force'], azurite, container);
    expect(forced.code, forced.stderr).to.equal(ExitCode.Success);
    expect(forced.stdout).to.include('broke the lock held by').and.include(`child-${child.pid}`);
    expect((await readLockStatus(store, 'westeu-stg-2')).locked).to.equal(false);
    const audit = await readLockAuditLog(store, 'westeu-stg-2');
    expect(audit.trim().split('\n')).to.have.length(1);
    expect(audit).to.include('broke the lock held by').and.include(`run child-${child.pid}`);

    // The next run gets the lock although the old holder is still alive; the old one finds out at its next renewal.
    const next = await acquireDeploymentLock(store, { deployment: 'westeu-stg-2', runId: 'after-break', command: 'deploy westeu-stg-2', handleSignals: false });
    await next.release();
    child.kill('SIGKILL');
  });

  it('tells the run when its lock was broken: the next renewal fails and onLost fires', async () => {
    let onLost: (e: Error) => void = () => {};
    const lostReported = new Promise<Error>((resolve) => (onLost = resolve));
    const lock = await acquireDeploymentLock(store, {
      deployment: 'westeu-test-4', runId: 'victim', command: 'deploy westeu-test-4', renewEveryMs: 300,
      handleSignals: false, onLost: (e) => onLost(e),
    });
    const result = await breakDeploymentLock(store, 'westeu-test-4', { by: 'admin on ops-box' });
    expect(result.broken).to.equal(true);
    expect(result.auditLine).to.match(/^\d{4}-\d\d-\d\dT.* admin on ops-box broke the lock held by .*run victim/);
    const lost = await lostReported;
    expect(lock.lost?.message).to.include('lost the lock of deployment "westeu-test-4"');
    expect(lost).to.equal(lock.lost);
    await lock.release(); // nothing to release any more, and no error
  });

  it('unlock: bad input is refused with exit code 2 and nothing touched', async () => {
    const noName = await runCli(['unlock', '--emulator', '--force'], azurite, container);
    expect(noName.code).to.equal(ExitCode.BadInput);
    expect(noName.stderr).to.include('exactly one deployment name');
    const unknownFlag = await runCli(['unlock', 'westeu-test-1', '--frce'], azurite, container);
    expect(unknownFlag.code).to.equal(ExitCode.BadInput);
    expect(unknownFlag.stderr).to.include("Unknown option '--frce'");
    const nowhere = await runCli(['unlock', 'westeu-test-1', '--force'], azurite, container);
    expect(nowhere.code).to.equal(ExitCode.BadInput);
    expect(nowhere.stderr).to.include('CF_ARTIFACTS_ACCOUNT_URL').and.include('--emulator');
    const closed = await runCli(['unlock', 'westeu-test-1', '--emulator'], { port: await unusedPort() } as AzuriteBlob, container);
    expect(closed.code).to.equal(ExitCode.Failed);
    expect(closed.stderr).to.include('cannot read the lock of "westeu-test-1" in http://127.0.0.1:').and.include('is the local lock store running').and.include('cf-infra local lockstore start');
    expect(closed.stderr).to.not.match(/\n\s+at /);
    const notLocked = await runCli(['unlock', 'westeu-test-1', '--emulator', '--force'], azurite, container);
    expect(notLocked.code).to.equal(ExitCode.Success);
    expect(notLocked.stdout).to.include('not locked');
    expect(await readLockAuditLog(store, 'westeu-test-1')).to.equal('');
  });
});

// The per-deployment run lock: a finite blob lease, renewed while the run lives, released on
// success, failure, Ctrl-C and SIGTERM, and expiring on its own when the process dies.
import { envNumber } from '@complianceflow/core/env.ts';
import { RestError, type BlobLeaseClient, type BlockBlobClient } from '@azure/storage-blob';
import { DeploymentLockedError } from './errors.ts';
import { currentHolder, parseHolder, type LockHolder } from './holder.ts';
import { assertLockableDeploymentName, lockBlobName, lockStoreError, type LockStore } from './store.ts';

/** Azure allows finite leases of 15-60 s (or infinite, which we never use: a dead holder must not lock forever). */
export const minLeaseSeconds = 15;
export const maxLeaseSeconds = 60;
export const defaultLeaseSeconds = 60;
/** Environment variable setting the lease duration (15-60 s): tests use 15 to see a dead holder's lease expire sooner. */
export const leaseSecondsEnv = 'CF_LOCK_LEASE_SECONDS';

/** $CF_LOCK_LEASE_SECONDS, else defaultLeaseSeconds; a value outside 15-60 is bad input. */
export function leaseSecondsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return envNumber(leaseSecondsEnv, defaultLeaseSeconds, env); // 15-60, checked by env.ts
}

export interface AcquireOptions {
  deployment: string;
  /** The run id of this run (names its run directory / report). */
  runId: string;
  /** The command line, e.g. "deploy westeu-test-1". */
  command: string;
  /** 15-60; default $CF_LOCK_LEASE_SECONDS, else 60. */
  leaseSeconds?: number;
  /** Default: a third of the lease, so two renewals can fail before the lease runs out. */
  renewEveryMs?: number;
  /** Release on SIGINT/SIGTERM while held (default true). */
  handleSignals?: boolean;
  /** Called once when a renewal fails (the lease was broken or taken): the run should stop. */
  onLost?: (error: Error) => void;
  /** How long to wait for another holder's lease to be released or to expire (default 0: refuse at once). */
  waitMs?: number;
  /** How often to try again while waiting (default 1000 ms). */
  waitPollMs?: number;
  /** Called at each try while waiting, with the holder and how long this run has waited. */
  onWaiting?: (holder: LockHolder | undefined, waitedMs: number) => void;
}

export interface DeploymentLock {
  readonly deployment: string;
  readonly holder: LockHolder;
  readonly leaseId: string;
  /** Set when a renewal failed: the lock is no longer ours. */
  readonly lost: Error | undefined;
  /** Releases the lease (idempotent); stops renewal and removes the signal handlers. */
  release(): Promise<void>;
}

const releaseTimeoutMs = 5000;

function isRestError(error: unknown, status: number, code?: string): error is RestError {
  return error instanceof RestError && error.statusCode === status && (code === undefined || error.code === code);
}

async function readHolder(blob: BlockBlobClient): Promise<LockHolder | undefined> {
  try {
    return parseHolder((await blob.downloadToBuffer()).toString('utf8'));
  } catch (error) {
    if (isRestError(error, 404)) return undefined;
    throw error;
  }
}

/** How long a refused run waits for the new holder to write its details (it does so right after taking the lease). */
const holderGraceMs = 3000;

/**
 * The holder of a lease just refused: its record, waiting up to holderGraceMs while the blob is still
 * empty (taken an instant ago, details not yet written; a release empties it, so an earlier run is
 * never named). Undefined when nothing can be read.
 */
async function readNewHolder(blob: BlockBlobClient): Promise<LockHolder | undefined> {
  const until = Date.now() + holderGraceMs;
  for (;;) {
    const holder = await readHolder(blob).catch(() => undefined);
    if (holder !== undefined || Date.now() >= until) return holder;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function acquireLease(lease: BlobLeaseClient, blob: BlockBlobClient, store: LockStore, leaseSeconds: number): Promise<string> {
  try {
    return (await lease.acquireLease(leaseSeconds)).leaseId!;
  } catch (error) {
    if (!isRestError(error, 404)) throw error;
  }
  // First lock of this deployment (or of this account): create the container and an empty blob.
  await store.container.createIfNotExists();
  try {
    await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
  } catch (error) {
    // Another run created it (409) or holds it already (412): the acquire below decides.
    if (!isRestError(error, 409) && !isRestError(error, 412)) throw error;
  }
  return (await lease.acquireLease(leaseSeconds)).leaseId!;
}

/** The lease, taken at once or after waiting up to `waitMs` for the holder to release it or for its lease to expire. */
async function takeLease(store: LockStore, blob: BlockBlobClient, lease: BlobLeaseClient, options: AcquireOptions, leaseSeconds: number): Promise<string> {
  const waitStarted = Date.now();
  for (;;) {
    try {
      return await acquireLease(lease, blob, store, leaseSeconds);
    } catch (error) {
      if (!isRestError(error, 409)) throw lockStoreError(store, `take the lock of "${options.deployment}"`, error);
      const other = await readNewHolder(blob);
      const waited = Date.now() - waitStarted;
      if (waited >= (options.waitMs ?? 0)) throw new DeploymentLockedError(options.deployment, other);
      options.onWaiting?.(other, waited);
      await new Promise((r) => setTimeout(r, options.waitPollMs ?? 1000));
    }
  }
}

async function recordHolder(store: LockStore, blob: BlockBlobClient, lease: BlobLeaseClient, leaseId: string, options: AcquireOptions): Promise<LockHolder> {
  const holder = currentHolder({ runId: options.runId, command: options.command });
  const body = JSON.stringify(holder, null, 2);
  try {
    await blob.upload(body, Buffer.byteLength(body), { conditions: { leaseId }, blobHTTPHeaders: { blobContentType: 'application/json' } });
  } catch (error) {
    await lease.releaseLease().catch(() => undefined);
    throw lockStoreError(store, `record the holder of "${options.deployment}"`, error);
  }
  return holder;
}

/** Empties the holder record, then releases the lease: a run refused in the instant of a later holder's take never names this one. */
async function releaseLease(blob: BlockBlobClient, lease: BlobLeaseClient): Promise<void> {
  try {
    await blob.upload('', 0, { conditions: { leaseId: lease.leaseId }, abortSignal: AbortSignal.timeout(releaseTimeoutMs) });
    await lease.releaseLease({ abortSignal: AbortSignal.timeout(releaseTimeoutMs) });
  } catch (error) {
    // Already expired and taken by another run (409, or 412 for the write): it is not ours any more.
    if (!isRestError(error, 409) && !isRestError(error, 412)) throw error;
  }
}

/** Renews the lease every `renewEveryMs` until released or lost; releases it on SIGINT/SIGTERM. */
function keepLease(blob: BlockBlobClient, lease: BlobLeaseClient, options: AcquireOptions, leaseSeconds: number): Pick<DeploymentLock, 'lost' | 'release'> {
  const renewEveryMs = options.renewEveryMs ?? Math.floor((leaseSeconds * 1000) / 3);
  let lost: Error | undefined;
  let released: Promise<void> | undefined;
  let renewing = false;
  let renewedAt = Date.now();
  const markLost = (error: unknown): void => {
    lost = new Error(`lost the lock of deployment "${options.deployment}": ${error instanceof Error ? error.message : String(error)}`);
    clearInterval(timer);
    options.onLost?.(lost);
  };
  const renew = async (): Promise<void> => {
    if (renewing || released !== undefined || lost !== undefined) return;
    renewing = true;
    try {
      await lease.renewLease({ abortSignal: AbortSignal.timeout(Math.max(1000, renewEveryMs)) });
      renewedAt = Date.now();
    } catch (error) {
      if (released !== undefined) return;
      // 409/412: the lease was broken or another run holds it now. Anything else (network, 5xx)
      // is retried at the next tick, until the lease would have run out.
      if (isRestError(error, 409) || isRestError(error, 412) || Date.now() - renewedAt >= leaseSeconds * 1000) markLost(error);
    } finally {
      renewing = false;
    }
  };
  // unref: renewal alone must not keep a finished process alive.
  const timer = setInterval(() => void renew(), renewEveryMs);
  timer.unref();
  const signals: NodeJS.Signals[] = options.handleSignals === false ? [] : ['SIGINT', 'SIGTERM'];
  const onSignal = (signal: NodeJS.Signals): void => {
    void release().finally(() => {
      // Our handler replaced the default action; when nobody else handles the signal, re-raise it
      // so the process ends as it would have (exit status 128 + signal).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  for (const signal of signals) process.on(signal, onSignal);
  function release(): Promise<void> {
    released ??= (async () => {
      clearInterval(timer);
      for (const signal of signals) process.off(signal, onSignal);
      if (lost === undefined) await releaseLease(blob, lease);
    })();
    return released;
  }
  return {
    get lost() {
      return lost;
    },
    release,
  };
}

/**
 * Takes the deployment's lock, or fails with DeploymentLockedError (exit code 3) naming the holder:
 * at once, or after waiting up to `waitMs` for the holder to release it or for its lease to expire
 * (a killed holder's lease runs out by itself, as in a storage account).
 */
export async function acquireDeploymentLock(store: LockStore, options: AcquireOptions): Promise<DeploymentLock> {
  const { deployment } = options;
  assertLockableDeploymentName(deployment);
  const leaseSeconds = options.leaseSeconds ?? leaseSecondsFromEnv();
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < minLeaseSeconds || leaseSeconds > maxLeaseSeconds) {
    throw new RangeError(`lease duration must be ${minLeaseSeconds}-${maxLeaseSeconds} s, got ${leaseSeconds}`);
  }
  const blob = store.container.getBlockBlobClient(lockBlobName(deployment));
  const lease = blob.getBlobLeaseClient();
  const leaseId = await takeLease(store, blob, lease, options, leaseSeconds);
  const holder = await recordHolder(store, blob, lease, leaseId, options);
  const kept = keepLease(blob, lease, options, leaseSeconds);
  return {
    deployment,
    holder,
    leaseId,
    get lost() {
      return kept.lost;
    },
    release: kept.release,
  };
}

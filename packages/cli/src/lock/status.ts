// Reading and breaking a deployment lock from outside the run that holds it.
import os from 'node:os';
import { RestError } from '@azure/storage-blob';
import { currentActor, describeHolder, parseHolder, type LockHolder } from './holder.ts';
import { assertLockableDeploymentName, auditBlobName, lockBlobName, lockStoreError, type LockStore } from './store.ts';

export interface LockStatus {
  deployment: string;
  locked: boolean;
  /** The holder's details while locked (undefined when released, or taken an instant ago and not yet written). */
  holder: LockHolder | undefined;
}

export async function readLockStatus(store: LockStore, deployment: string): Promise<LockStatus> {
  assertLockableDeploymentName(deployment);
  const blob = store.container.getBlockBlobClient(lockBlobName(deployment));
  try {
    const download = await blob.downloadToBuffer();
    const properties = await blob.getProperties();
    // "breaking" still refuses a new lease; "expired"/"broken"/"available" do not.
    const locked = properties.leaseState === 'leased' || properties.leaseState === 'breaking';
    return { deployment, locked, holder: parseHolder(download.toString('utf8')) };
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return { deployment, locked: false, holder: undefined };
    throw lockStoreError(store, `read the lock of "${deployment}"`, error);
  }
}

export interface BreakResult {
  /** False when the deployment was not locked: nothing was broken, nothing logged. */
  broken: boolean;
  previousHolder: LockHolder | undefined;
  /** The line appended to the audit log (locks/<deployment>.log). */
  auditLine: string | undefined;
}

/** Breaks the lease at once (breakLease(0)) and appends who broke whose lock to the audit log. */
export async function breakDeploymentLock(
  store: LockStore,
  deployment: string,
  options: { by?: string; now?: Date } = {},
): Promise<BreakResult> {
  const status = await readLockStatus(store, deployment);
  if (!status.locked) return { broken: false, previousHolder: status.holder, auditLine: undefined };
  const blob = store.container.getBlockBlobClient(lockBlobName(deployment));
  try {
    await blob.getBlobLeaseClient().breakLease(0);
  } catch (error) {
    throw lockStoreError(store, `break the lock of "${deployment}"`, error);
  }
  const by = options.by ?? `${currentActor()} on ${os.hostname()} (pid ${process.pid})`;
  const auditLine = `${(options.now ?? new Date()).toISOString()} ${by} broke the lock held by ${describeHolder(status.holder)}\n`;
  const audit = store.container.getAppendBlobClient(auditBlobName(deployment));
  try {
    await audit.createIfNotExists({ blobHTTPHeaders: { blobContentType: 'text/plain; charset=utf-8' } });
    await audit.appendBlock(auditLine, Buffer.byteLength(auditLine));
  } catch (error) {
    throw lockStoreError(store, `record the break of "${deployment}"'s lock (the lock IS broken)`, error);
  }
  return { broken: true, previousHolder: status.holder, auditLine };
}

/** The audit log's content ('' when nothing was ever broken). */
export async function readLockAuditLog(store: LockStore, deployment: string): Promise<string> {
  assertLockableDeploymentName(deployment);
  try {
    return (await store.container.getAppendBlobClient(auditBlobName(deployment)).downloadToBuffer()).toString('utf8');
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return '';
    throw error;
  }
}

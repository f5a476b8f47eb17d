// The deployment lock: one finite blob lease per deployment. See deployment-lock.ts.
export { acquireDeploymentLock, defaultLeaseSeconds, maxLeaseSeconds, minLeaseSeconds } from './deployment-lock.ts';
export type { AcquireOptions, DeploymentLock } from './deployment-lock.ts';
export { DeploymentLockedError, formatAge, lockWaitLine } from './errors.ts';
export { currentActor, currentHolder, describeHolder } from './holder.ts';
export type { LockHolder } from './holder.ts';
export { breakDeploymentLock, readLockAuditLog, readLockStatus } from './status.ts';
export type { BreakResult, LockStatus } from './status.ts';
export { auditBlobName, lockBlobName, lockStoreError, openLockStore } from './store.ts';
export type { LockStore } from './store.ts';
export { artifactsAccountUrlEnv, defaultLockContainer, lockContainerEnv } from './location.ts';
export { resolveLockStore } from './connection.ts';
export type { LockConnectionOptions } from './connection.ts';

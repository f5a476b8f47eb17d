// Where deployment locks live: one container in the artifacts storage account (created by
// bootstrap), one blob per deployment. Different deployments are different blobs, so they never
// wait for each other.
import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type ContainerClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { UsageError } from '../errors.ts';

/** The container holding the lock blobs; created when missing. Override: $CF_LOCK_CONTAINER / --container. */
export const defaultLockContainer = 'deployment-locks';

export interface LockStore {
  container: ContainerClient;
  /** For messages: the container URL. */
  location: string;
}

export function openLockStore(options: {
  accountUrl: string;
  credential: TokenCredential | StorageSharedKeyCredential;
  container?: string;
}): LockStore {
  const service = new BlobServiceClient(options.accountUrl, options.credential);
  const container = service.getContainerClient(options.container ?? defaultLockContainer);
  return { container, location: container.url };
}

// Deployment names are short kebab-case words (westeu-test-1); anything else could escape the
// locks/ prefix or collide, so refuse it before talking to storage.
const deploymentNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function assertLockableDeploymentName(deployment: string): void {
  if (!deploymentNamePattern.test(deployment)) {
    throw new UsageError(
      `"${deployment}" is not a deployment name: use 1-63 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. westeu-test-1).`,
    );
  }
}

export function lockBlobName(deployment: string): string {
  return `locks/${deployment}.lock`;
}

/** Append blob with one line per forced unlock: who broke whose lock, when. */
export function auditBlobName(deployment: string): string {
  return `locks/${deployment}.log`;
}

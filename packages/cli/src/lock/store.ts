// Where deployment locks live: one container in the artifacts storage account (created by
// bootstrap), one blob per deployment. Different deployments are different blobs, so they never
// wait for each other.
import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type ContainerClient, type StorageSharedKeyCredential } from '@azure/storage-blob';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { artifactsAccountUrlEnv, defaultLockContainer } from './location.ts';

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
  // Few, short retries: a lock must fail fast, and an unreachable store should say so in seconds.
  const service = new BlobServiceClient(options.accountUrl, options.credential, {
    retryOptions: { maxTries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000, tryTimeoutInMs: 15_000 },
  });
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

/** A storage failure as a CliError that says where and what to check (never a stack trace). */
export function lockStoreError(store: LockStore, doing: string, error: unknown): CliError {
  const status = (error as { statusCode?: number }).statusCode;
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  let hint: string;
  if (status === 403 || status === 401) {
    hint = 'the identity needs the "Storage Blob Data Contributor" role on the artifacts storage account (Entra auth, no account keys).';
  } else if (status === undefined) {
    hint = store.location.startsWith('http://127.0.0.1')
      ? 'is the local lock store running on that port? cf-infra local lockstore status (start: cf-infra local lockstore start; port: AZURITE_BLOB_PORT, default 10000)'
      : `check the account URL (--account-url / $${artifactsAccountUrlEnv}) and the network.`;
  } else {
    hint = `storage answered ${status}${code ? ` ${code}` : ''}.`;
  }
  return new CliError(`cannot ${doing} in ${store.location}: ${message}`, { hint, cause: error });
}

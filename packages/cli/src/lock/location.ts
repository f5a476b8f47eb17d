// Where deployment locks live, as names only (light: help texts and other modules read them
// without loading the storage SDK): the artifacts account's variable, the container's variable and
// its default.
import type { EnvName } from '@complianceflow/core/env.ts';

/** Environment variable naming the artifacts storage account's blob endpoint (bootstrap creates the account). */
export const artifactsAccountUrlEnv = 'CF_ARTIFACTS_ACCOUNT_URL' satisfies EnvName;

/** Environment variable overriding the lock container name. */
export const lockContainerEnv = 'CF_LOCK_CONTAINER' satisfies EnvName;

/** The container holding the lock blobs; created when missing. Override: $CF_LOCK_CONTAINER / --container. */
export const defaultLockContainer = 'deployment-locks';

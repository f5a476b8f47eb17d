// Which storage account the locks live in, for commands run outside a deploy (unlock, list):
// Azurite with --emulator, else the artifacts account created by bootstrap.
import { azureCredential } from '../arm/azure-credential.ts';
import type { TokenCredential } from '@azure/core-auth';
import { envString } from '@complianceflow/core/env.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { azuriteBlobPort, azuriteBlobUrl, azuriteCredential } from './azurite.ts';
import { artifactsAccountUrlEnv, defaultLockContainer, lockContainerEnv } from './location.ts';
import { openLockStore, type LockStore } from './store.ts';

export interface LockConnectionOptions {
  emulator: boolean;
  accountUrl?: string | undefined;
  container?: string | undefined;
  /** Azure only; default: DefaultAzureCredential (Azure CLI login, workload identity in CI). */
  credential?: TokenCredential;
}

export function resolveLockStore(options: LockConnectionOptions, env: NodeJS.ProcessEnv = process.env): LockStore {
  const container = options.container ?? envString(lockContainerEnv, env) ?? defaultLockContainer;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container)) {
    throw new UsageError(`lock container "${container}" is not a valid container name: 3-63 lower-case letters, digits and single hyphens.`);
  }
  if (options.emulator) {
    let port: number;
    try {
      port = azuriteBlobPort(env);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return openLockStore({ accountUrl: azuriteBlobUrl(port), credential: azuriteCredential(), container });
  }
  const accountUrl = options.accountUrl ?? envString(artifactsAccountUrlEnv, env);
  if (accountUrl === undefined || accountUrl === '') {
    throw new UsageError(
      'where is the lock? Pass --emulator (Azurite), or the artifacts storage account with --account-url or ' +
        `$${artifactsAccountUrlEnv} (e.g. https://<account>.blob.core.windows.net).`,
    );
  }
  let url: URL;
  try {
    url = new URL(accountUrl);
  } catch {
    throw new UsageError(`--account-url / $${artifactsAccountUrlEnv} "${accountUrl}" is not a URL (expected https://<account>.blob.core.windows.net).`);
  }
  if (url.protocol !== 'https:') {
    throw new UsageError(`the artifacts account URL must use https (Entra tokens are never sent over http), got "${accountUrl}".`);
  }
  return openLockStore({ accountUrl, credential: options.credential ?? azureCredential(), container });
}

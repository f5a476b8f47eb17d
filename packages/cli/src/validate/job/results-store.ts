// Where run results go: the artifacts storage account (bootstrap creates it; $CF_ARTIFACTS_ACCOUNT_URL),
// or with --emulator Azurite's development account — the same account the deployment locks use.
import type { TokenCredential } from '@azure/core-auth';
import { azureCredential } from '../../arm/azure-credential.ts';
import { BlobServiceClient } from '@azure/storage-blob';
import { UsageError } from '@complianceflow/core/errors.ts';
import { azuriteBlobPort, azuriteBlobUrl, azuriteCredential } from '../../lock/azurite.ts';
import { artifactsAccountUrlEnv } from '../../lock/location.ts';

export function openResultsService(options: { emulator: boolean; credential?: TokenCredential }, env: NodeJS.ProcessEnv = process.env): BlobServiceClient {
  const retryOptions = { maxTries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 4000, tryTimeoutInMs: 20_000 };
  if (options.emulator) return new BlobServiceClient(azuriteBlobUrl(azuriteBlobPort(env)), azuriteCredential(), { retryOptions });
  const accountUrl = env[artifactsAccountUrlEnv];
  if (accountUrl === undefined || accountUrl === '') {
    throw new UsageError(`the validation job streams its results through the artifacts storage account: set $${artifactsAccountUrlEnv} (https://<account>.blob.core.windows.net)`, 'or run the checks from inside the VNet with --from-here');
  }
  if (!accountUrl.startsWith('https://')) throw new UsageError(`$${artifactsAccountUrlEnv} must be an https URL, got "${accountUrl}"`);
  return new BlobServiceClient(accountUrl, options.credential ?? azureCredential(), { retryOptions });
}

// The Key Vault data-plane client (@azure/keyvault-secrets), for Azure or the local ARM emulator.
// The emulator serves each vault under a path of its own origin (https://127.0.0.1:<port>/keyvault/<vault>/,
// because *.vault.azure.net cannot point at loopback), so there — and only there — the challenge's
// resource (https://vault.azure.net) cannot match the host, and the emulator's CA is trusted; TLS
// verification stays on.
import type { TokenCredential } from '@azure/core-auth';
import { azureCredential } from '../arm/azure-credential.ts';
import { SecretClient } from '@azure/keyvault-secrets';

export interface VaultAccess {
  /** Who reads or writes: the caller's credential (default: DefaultAzureCredential — the workload identity in the in-VNet job). */
  credential?: TokenCredential;
  /** The emulator's CA certificate (PEM): set only for a vault of the local ARM emulator. */
  emulatorCaPem?: string;
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export function secretClient(vaultUrl: string, access: VaultAccess = {}): SecretClient {
  const credential = access.credential ?? azureCredential();
  const retryOptions = access.retryOptions ?? { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 8000 };
  return access.emulatorCaPem === undefined
    ? new SecretClient(vaultUrl, credential, { retryOptions })
    : new SecretClient(vaultUrl, credential, { retryOptions, disableChallengeResourceVerification: true, tlsOptions: { ca: access.emulatorCaPem } });
}

/** An SDK/REST error as code + status (never the request, which may carry a value). */
export function errorCode(error: unknown): { code: string; statusCode: number | undefined; message: string } {
  const e = error as { code?: string; statusCode?: number; message?: string };
  return { code: e.code ?? 'Error', statusCode: e.statusCode, message: (e.message ?? String(error)).split('\n')[0]!.trim() };
}

/**
 * The vault cannot be reached from this caller: no route/DNS (inside a network without the private
 * zone), or Key Vault's network denial from outside the VNet — 403 ForbiddenByConnection ("Public
 * network access is disabled and request is not from a trusted service nor via an approved private
 * link") or ForbiddenByFirewall ("Client address is not authorized…").
 */
export function isUnreachable(error: unknown): boolean {
  const { code, statusCode } = errorCode(error);
  const text = `${code} ${(error as { message?: string }).message ?? ''}`;
  if (statusCode === 403) return /ForbiddenByConnection|ForbiddenByFirewall|Public network access is disabled|approved private link|Client address is not authorized/i.test(text);
  return statusCode === undefined && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up/i.test(text);
}

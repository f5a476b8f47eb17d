// A write-only, short-lived SAS URL for one results blob: with the account key when it is known
// (Azurite's development account), else a user delegation SAS signed with a key Entra ID issues to
// the caller (no account key anywhere). Permission `a` (add: append blocks) only — the job can
// neither read nor delete, and the URL names one blob. The URL is a secret: callers mask it.
import { BlobSASPermissions, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters, type BlobServiceClient } from '@azure/storage-blob';

export interface SasRequest {
  service: BlobServiceClient;
  container: string;
  blob: string;
  /** How long the URL is valid. */
  validForMs: number;
  now?: Date;
}

/** Clock skew allowance: the job's clock may run behind the caller's. */
const skewMs = 5 * 60_000;

export async function writeOnlySasUrl(request: SasRequest): Promise<string> {
  const now = request.now ?? new Date();
  const startsOn = new Date(now.getTime() - skewMs);
  const expiresOn = new Date(now.getTime() + request.validForMs);
  const https = request.service.url.startsWith('https:');
  const values = {
    containerName: request.container,
    blobName: request.blob,
    permissions: BlobSASPermissions.parse('a'),
    startsOn,
    expiresOn,
    // Azurite serves plain http on loopback; anything real is https only.
    protocol: https ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
  };
  const credential = request.service.credential;
  const blobUrl = request.service.getContainerClient(request.container).getBlobClient(request.blob).url;
  if (credential instanceof StorageSharedKeyCredential) {
    return `${blobUrl}?${generateBlobSASQueryParameters(values, credential).toString()}`;
  }
  const key = await request.service.getUserDelegationKey(startsOn, expiresOn);
  return `${blobUrl}?${generateBlobSASQueryParameters(values, key, request.service.accountName).toString()}`;
}

/** The parts of a SAS URL to mask wherever it could show up (the URL, its query, its signature). */
export function sasSecrets(url: string): string[] {
  const parsed = new URL(url);
  const rawSig = /[?&]sig=([^&]+)/.exec(url)?.[1] ?? '';
  return [url, parsed.search.slice(1), rawSig, parsed.searchParams.get('sig') ?? ''].filter((s) => s !== '');
}

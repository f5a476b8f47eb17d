// The Key Vault data plane's stored records: each vault's secrets (versions, oldest first) and its soft-deleted ones.
export interface SecretVersionRecord {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  /** Seconds since the epoch, as the data plane answers. */
  created: number;
  updated: number;
  exp?: number;
  nbf?: number;
}

export interface SecretRecord {
  name: string;
  /** Oldest first; the last is the current version. */
  versions: SecretVersionRecord[];
}

export interface DeletedSecretRecord extends SecretRecord {
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface VaultSecrets {
  secrets: Record<string, SecretRecord>;
  deleted: Record<string, DeletedSecretRecord>;
}

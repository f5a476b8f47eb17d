// Which expected secrets a vault holds, from the secrets' properties only (list rights; no value is
// ever read): ok, missing, disabled, expired, not yet valid, or soft-deleted.
import { errorCode, secretClient, type VaultAccess } from './client.ts';
import type { ExpectedSecrets } from './expected.ts';

export type SecretSource = 'template' | 'generated' | 'operator';
export type SecretState = 'ok' | 'missing' | 'disabled' | 'expired' | 'not yet valid' | 'deleted';

export interface InventoryRow {
  name: string;
  source: SecretSource;
  state: SecretState;
  /** ISO date of the expiry, when set. */
  expires?: string;
}

export interface SecretProperties {
  name: string;
  enabled?: boolean;
  expiresOn?: Date;
  notBefore?: Date;
}

/** Pure: the row of each expected secret, given the properties listed and the soft-deleted names. */
export function inventoryRows(expected: ExpectedSecrets, listed: readonly SecretProperties[], deleted: ReadonlySet<string>, now: Date = new Date()): InventoryRow[] {
  const byName = new Map(listed.map((p) => [p.name.toLowerCase(), p]));
  const template = new Set(expected.templateWritten);
  const sourceOf = (name: string): SecretSource => (template.has(name) ? 'template' : expected.operatorSet.includes(name) ? 'operator' : 'generated');
  return [...expected.required, ...expected.operatorSet].map((name) => {
    const p = byName.get(name.toLowerCase());
    const expires = p?.expiresOn?.toISOString();
    const state: SecretState =
      p === undefined
        ? deleted.has(name.toLowerCase())
          ? 'deleted'
          : 'missing'
        : p.enabled === false
          ? 'disabled'
          : p.expiresOn !== undefined && p.expiresOn.getTime() <= now.getTime()
            ? 'expired'
            : p.notBefore !== undefined && p.notBefore.getTime() > now.getTime()
              ? 'not yet valid'
              : 'ok';
    return { name, source: sourceOf(name), state, ...(expires === undefined ? {} : { expires }) };
  });
}

export async function secretInventory(vaultUrl: string, expected: ExpectedSecrets, access: VaultAccess): Promise<InventoryRow[]> {
  const client = secretClient(vaultUrl, access);
  const listed: SecretProperties[] = [];
  try {
    for await (const p of client.listPropertiesOfSecrets()) listed.push({ name: p.name, ...(p.enabled === undefined ? {} : { enabled: p.enabled }), ...(p.expiresOn === undefined ? {} : { expiresOn: p.expiresOn }), ...(p.notBefore === undefined ? {} : { notBefore: p.notBefore }) });
  } catch (error) {
    const { code, statusCode, message } = errorCode(error);
    throw new Error(`cannot list the secrets of ${vaultUrl}: ${code}${statusCode === undefined ? '' : ` (${statusCode})`}: ${message}`);
  }
  const deleted = new Set<string>();
  try {
    for await (const d of client.listDeletedSecrets()) deleted.add(d.name.toLowerCase());
  } catch {
    // Soft delete off or no right to list deleted secrets: a deleted one then shows as missing.
  }
  return inventoryRows(expected, listed, deleted);
}

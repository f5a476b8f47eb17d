// The Key Vault data plane's state: the secrets of each vault (by vault name — vault names are
// global), each with its versions (the last is current) and the soft-deleted ones. A vault of the
// emulator is served under the emulator's own origin (https://127.0.0.1:<port>/keyvault/<vault>/:
// *.vault.azure.net cannot point at loopback), which is its vaultUri. A template-written secret
// (Microsoft.KeyVault/vaults/secrets) becomes a data-plane secret with its properties.value; the ARM
// resource never answers with the value (as in Azure). Deleting a vault removes its secrets.
import { randomBytes } from 'node:crypto';
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { asObject } from './http.ts';
import { key } from './ids.ts';
import { resolveExpression } from './outputs.ts';
import type { StoredResource } from './state.ts';
import type { DeletedSecretRecord, SecretRecord, SecretVersionRecord, VaultSecrets } from './keyvault-records.ts';

export interface SecretInput {
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  exp?: number;
  nbf?: number;
}

const vaultType = 'microsoft.keyvault/vaults';
const secretType = 'microsoft.keyvault/vaults/secrets';
export const keyVaultPathPrefix = 'keyvault';
const now = (): number => Math.floor(Date.now() / 1000);

/** Vault and secret name of a …/vaults/{vault}/secrets/{secret} id (a stored name may be either form). */
function secretIdParts(id: string): [string | undefined, string | undefined] {
  const seg = id.split('/');
  const at = seg.map((x) => x.toLowerCase()).lastIndexOf('vaults');
  return at < 0 ? [undefined, undefined] : [seg[at + 1], seg[at + 3]];
}

/** The vault URI the emulator gives a vault: a path of its own origin (Azure's form when no origin is known). */
export function emulatorVaultUri(ctx: Context, vaultName: string): string {
  return ctx.origin === undefined ? `https://${vaultName.toLowerCase()}.vault.azure.net/` : `${ctx.origin}/${keyVaultPathPrefix}/${vaultName.toLowerCase()}/`;
}

/** Ids inside data-plane answers keep Azure's form: the SDK parses them as https://<host>/secrets/<name>[/<version>]. */
export const azureVaultUrl = (vaultName: string): string => `https://${vaultName.toLowerCase()}.vault.azure.net`;

export function findVault(ctx: Context, vaultName: string): StoredResource | undefined {
  const name = vaultName.toLowerCase();
  return Object.values(ctx.store.data.resources).find((r) => r.type.toLowerCase() === vaultType && r.name.toLowerCase() === name);
}

export function vaultSecrets(ctx: Context, vaultName: string): VaultSecrets {
  const all = (ctx.store.data.keyVaultSecrets ??= {});
  return (all[vaultName.toLowerCase()] ??= { secrets: {}, deleted: {} });
}

/** Recovery level and days as Key Vault reports them, from the vault's soft-delete settings. */
export function recoveryOf(vault: StoredResource | undefined): { recoveryLevel: string; recoverableDays?: number } {
  const p = asObject(vault?.body.properties) ?? {};
  if (p.enableSoftDelete === false) return { recoveryLevel: 'Purgeable' };
  const days = typeof p.softDeleteRetentionInDays === 'number' ? p.softDeleteRetentionInDays : 90;
  return { recoveryLevel: p.enablePurgeProtection === true ? 'Recoverable' : 'Recoverable+Purgeable', recoverableDays: days };
}

const sameContent = (a: SecretVersionRecord, b: SecretInput): boolean => a.value === b.value && (a.contentType ?? '') === (b.contentType ?? '');

/**
 * Writes a secret. A new version unless `keepUnchanged` and the value and content type are the same
 * (a redeployed template then only updates tags/attributes in place, like Key Vault's RP).
 * A name in the deleted state cannot be reused (409, as in Key Vault).
 */
export function writeSecret(ctx: Context, vaultName: string, name: string, input: SecretInput, keepUnchanged = false): SecretRecord {
  const store = vaultSecrets(ctx, vaultName);
  const key = name.toLowerCase();
  if (store.deleted[key] !== undefined) {
    throw new ArmError(409, 'Conflict', `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`);
  }
  const record = (store.secrets[key] ??= { name, versions: [] });
  const current = record.versions.at(-1);
  const t = now();
  const attributes = { enabled: input.enabled ?? true, ...(input.exp === undefined ? {} : { exp: input.exp }), ...(input.nbf === undefined ? {} : { nbf: input.nbf }) };
  if (keepUnchanged && current !== undefined && sameContent(current, input)) {
    Object.assign(current, attributes, { updated: t, ...(input.tags === undefined ? {} : { tags: input.tags }) });
    return record;
  }
  record.versions.push({
    version: randomBytes(16).toString('hex'),
    value: input.value,
    ...(input.contentType === undefined ? {} : { contentType: input.contentType }),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    ...attributes,
    created: t,
    updated: t,
  });
  return record;
}

function armSecretProperties(ctx: Context, vaultName: string, record: SecretRecord): Record<string, unknown> {
  const current = record.versions.at(-1)!;
  const base = `${emulatorVaultUri(ctx, vaultName)}secrets/${record.name}`;
  return {
    ...(current.contentType === undefined ? {} : { contentType: current.contentType }),
    attributes: { enabled: current.enabled, created: current.created, updated: current.updated, ...(current.exp === undefined ? {} : { exp: current.exp }), ...(current.nbf === undefined ? {} : { nbf: current.nbf }) },
    secretUri: base,
    secretUriWithVersion: `${base}/${current.version}`,
  };
}

/** Called for every resource written: a vault gets its emulator vaultUri; a secret goes to the data plane and loses its value. */
export function onKeyVaultResourcePut(ctx: Context, stored: StoredResource): void {
  const type = stored.type.toLowerCase();
  const properties = asObject(stored.body.properties);
  if (properties === undefined) return;
  if (type === vaultType) {
    properties.vaultUri = emulatorVaultUri(ctx, stored.name);
    return;
  }
  if (type !== secretType) return;
  const [vaultName, secretName] = secretIdParts(stored.id);
  if (vaultName === undefined || secretName === undefined || typeof properties.value !== 'string') return;
  // A template value ARM only knows at deploy time (reference(…).ConnectionString, listKeys(…)) is evaluated against what the emulator holds.
  const resolved = resolveExpression(properties.value, (id) => ctx.store.data.resources[key(id)]);
  if (!resolved.resolved || typeof resolved.value !== 'string') {
    throw new ArmError(400, 'InvalidTemplate', `The value of secret '${secretName}' in vault '${vaultName}' cannot be evaluated by the emulator (a reference to a resource it does not hold yet?).`);
  }
  const value = resolved.value;
  const attrs = asObject(properties.attributes) ?? {};
  const record = writeSecret(
    ctx,
    vaultName,
    secretName,
    {
      value,
      ...(typeof properties.contentType === 'string' ? { contentType: properties.contentType } : {}),
      ...(asObject(stored.body.tags) === undefined ? {} : { tags: stored.body.tags as Record<string, string> }),
      ...(typeof attrs.enabled === 'boolean' ? { enabled: attrs.enabled } : {}),
      ...(typeof attrs.exp === 'number' ? { exp: attrs.exp } : {}),
      ...(typeof attrs.nbf === 'number' ? { nbf: attrs.nbf } : {}),
    },
    true,
  );
  delete properties.value;
  Object.assign(properties, armSecretProperties(ctx, vaultName, record));
}

/** Called for every resource deleted: a vault takes its secrets with it; a secret resource leaves the data plane. */
export function onKeyVaultResourceDeleted(ctx: Context, r: StoredResource): void {
  const type = r.type.toLowerCase();
  if (type === vaultType) delete ctx.store.data.keyVaultSecrets?.[r.name.toLowerCase()];
  if (type === secretType) {
    const [vaultName, secretName] = secretIdParts(r.id);
    if (vaultName !== undefined && secretName !== undefined) delete ctx.store.data.keyVaultSecrets?.[vaultName.toLowerCase()]?.secrets[secretName.toLowerCase()];
  }
}

const emulatorVaultUrl = /^https:\/\/127\.0\.0\.1:\d+(\/keyvault\/)/;

/** A value with every emulator vault URL (any earlier port) moved to the current origin. */
function rebased(ctx: Context, v: unknown): unknown {
  if (typeof v === 'string') return ctx.origin !== undefined && emulatorVaultUrl.test(v) ? v.replace(emulatorVaultUrl, `${ctx.origin}$1`) : v;
  if (Array.isArray(v)) return v.map((x) => rebased(ctx, x));
  const o = asObject(v);
  return o === undefined ? v : Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rebased(ctx, x)]));
}

/**
 * After a restart on another port (cf-infra --emulator starts one on a free port when none runs):
 * the stored vault and secret URIs, and the stack and deployment outputs that carry them
 * (security.keyVaultUri), follow the emulator's origin.
 */
export function rebaseVaultUris(ctx: Context): boolean {
  let changed = false;
  for (const record of [...Object.values(ctx.store.data.stacks), ...Object.values(ctx.store.data.deployments)]) {
    const properties = asObject(record.body.properties);
    if (properties?.outputs === undefined) continue;
    const next = rebased(ctx, properties.outputs);
    if (JSON.stringify(next) !== JSON.stringify(properties.outputs)) {
      properties.outputs = next;
      changed = true;
    }
  }
  for (const r of Object.values(ctx.store.data.resources)) {
    const properties = asObject(r.body.properties);
    if (properties === undefined) continue;
    const type = r.type.toLowerCase();
    if (type === vaultType && properties.vaultUri !== emulatorVaultUri(ctx, r.name)) {
      properties.vaultUri = emulatorVaultUri(ctx, r.name);
      changed = true;
    }
    if (type === secretType && typeof properties.secretUri === 'string') {
      const [vaultName, secretName] = secretIdParts(r.id);
      const record = ctx.store.data.keyVaultSecrets?.[vaultName!.toLowerCase()]?.secrets[secretName!.toLowerCase()];
      if (record !== undefined && record.versions.length > 0) {
        const next = armSecretProperties(ctx, vaultName!, record);
        if (next.secretUri !== properties.secretUri) {
          Object.assign(properties, next);
          changed = true;
        }
      }
    }
  }
  return changed;
}

// The post-deploy step of the secrets no template writes (names.ts): every `generated` secret that
// is missing is written once with a value from a cryptographic source; an existing secret is never
// overwritten (whatever its state: a disabled or soft-deleted one is reported, not replaced);
// `operator` secrets that are missing are listed with how to set them. Values never leave this
// module except into the vault.
import { randomBytes } from 'node:crypto';
import { errorCode, isUnreachable, secretClient, type VaultAccess } from './client.ts';
import { expandPostDeploySecrets } from './names.ts';

/** Generated secrets expire after this many days, so Key Vault's near-expiry alert has something to watch (rotation is explicit). */
export const generatedSecretLifetimeDays = 180;

export function randomSecretValue(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export interface SecretsPlan {
  /** Generated secrets missing from the vault, with their random bytes. */
  create: { name: string; bytes: number; contentType: string }[];
  /** Generated secrets already there (never touched). */
  kept: string[];
  /** Operator secrets missing from the vault. */
  operatorMissing: string[];
}

/** Pure: what the step does, given the names the vault has (current or soft-deleted). */
export function planPostDeploySecrets(existing: ReadonlySet<string>, services: readonly string[]): SecretsPlan {
  const plan: SecretsPlan = { create: [], kept: [], operatorMissing: [] };
  for (const { name, secret } of expandPostDeploySecrets(services)) {
    const there = existing.has(name.toLowerCase());
    if (secret.source === 'operator') {
      if (!there) plan.operatorMissing.push(name);
    } else if (there) plan.kept.push(name);
    else plan.create.push({ name, bytes: secret.bytes ?? 32, contentType: `text/plain; ${secret.holds}` });
  }
  return plan;
}

export interface PostDeployInput {
  vaultUrl: string;
  services: readonly string[];
  /** app, env, deployment: the tags every generated secret carries (plus source: post-deploy). */
  tags: Record<string, string>;
  access: VaultAccess;
  /** Values generated earlier in this run that must be stored as they are (the admin password passed at server creation). */
  pending?: ReadonlyMap<string, string>;
  /** Called with each value just stored (never logged): what else must take it (the server's admin password). */
  afterCreate?: (name: string, value: string, fromPending: boolean) => Promise<void>;
}

export interface PostDeployResult {
  vaultUrl: string;
  created: string[];
  kept: string[];
  operatorMissing: string[];
  /** Secrets that could not be written (or the vault could not be listed), each with the reason. */
  failed: { name: string; reason: string }[];
}

/** How an operator sets an operator secret (the value never goes on a command line). */
export function operatorHint(vaultName: string, name: string): string {
  return `az keyvault secret set --vault-name ${vaultName} --name ${name} --file <file holding the value>`;
}

const deletedStateReason = 'in the deleted state (soft-deleted): recover it (az keyvault secret recover) to keep its value, or purge it to get a new one, then redeploy';
export const unreachablePrefix = 'the vault is not reachable from here';

function reasonOf(error: unknown): string {
  const { code, statusCode, message } = errorCode(error);
  if (isUnreachable(error)) return `${unreachablePrefix} (${code}${statusCode === undefined ? '' : ` ${statusCode}`}): it is reachable through its private endpoint only — run this from inside the VNet`;
  if (statusCode === 409) return `${code}: ${deletedStateReason}`;
  if (statusCode === 403) return `${code} (403): the identity in use needs Key Vault Secrets Officer on the vault — ${message}`;
  return `${code}${statusCode === undefined ? '' : ` (${statusCode})`}: ${message}`;
}

export async function ensurePostDeploySecrets(input: PostDeployInput, update: (detail: string) => void = () => undefined): Promise<PostDeployResult> {
  const client = secretClient(input.vaultUrl, input.access);
  const result: PostDeployResult = { vaultUrl: input.vaultUrl, created: [], kept: [], operatorMissing: [], failed: [] };
  const existing = new Set<string>();
  try {
    for await (const p of client.listPropertiesOfSecrets()) existing.add(p.name.toLowerCase());
  } catch (error) {
    result.failed.push({ name: '(listing the vault)', reason: reasonOf(error) });
    return result;
  }
  const deleted = new Set<string>();
  try {
    for await (const d of client.listDeletedSecrets()) deleted.add(d.name.toLowerCase());
  } catch {
    // Soft delete off, or no list-deleted right: a name in the deleted state then fails at its set (409).
  }
  const plan = planPostDeploySecrets(existing, input.services);
  result.kept = plan.kept;
  result.operatorMissing = plan.operatorMissing;
  const expiresOn = new Date(Date.now() + generatedSecretLifetimeDays * 24 * 3600 * 1000);
  for (const item of plan.create) {
    // Soft-deleted: never replaced by a new value (the deleted one may be the one in use).
    if (deleted.has(item.name.toLowerCase())) {
      result.failed.push({ name: item.name, reason: deletedStateReason });
      continue;
    }
    const pending = input.pending?.get(item.name);
    const value = pending ?? randomSecretValue(item.bytes);
    try {
      await client.setSecret(item.name, value, { contentType: item.contentType, tags: { ...input.tags, source: 'post-deploy' }, expiresOn });
    } catch (error) {
      result.failed.push({ name: item.name, reason: reasonOf(error) });
      continue;
    }
    result.created.push(item.name);
    update(`created ${item.name}`);
    try {
      await input.afterCreate?.(item.name, value, pending !== undefined);
    } catch (error) {
      const { code, statusCode, message } = errorCode(error);
      result.failed.push({ name: item.name, reason: `stored, but not applied where it is used: ${code}${statusCode === undefined ? '' : ` (${statusCode})`}: ${message}` });
    }
  }
  return result;
}

/** One line for the progress and the report (names only). */
export function summariseSecrets(r: PostDeployResult): string {
  const parts = [`${r.created.length} created${r.created.length === 0 ? '' : ` (${r.created.join(', ')})`}`, `${r.kept.length} kept`];
  if (r.operatorMissing.length > 0) parts.push(`operator secret(s) missing: ${r.operatorMissing.join(', ')}`);
  if (r.failed.length > 0) parts.push(`${r.failed.length} failed: ${r.failed.map((f) => `${f.name}: ${f.reason}`).join('; ')}`);
  return parts.join('; ');
}

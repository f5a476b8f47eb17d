// The Key Vault secret operations behind keyvault-secrets.ts's route table, and the shapes they answer
// with (specification/keyvault/data-plane/Microsoft.KeyVault/stable/7.5/secrets.json: SecretBundle,
// SecretItem, SecretListResult, DeletedSecretBundle, KeyVaultError). Values are never logged.
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, reply, type Reply } from '../http.ts';
import { azureVaultUrl, emulatorVaultUri, recoveryOf, writeSecret } from '../keyvault-store.ts';
import type { DeletedSecretRecord, SecretRecord, SecretVersionRecord, VaultSecrets } from '../keyvault-records.ts';
import type { Params } from '../route-table.ts';

const maxPage = 25;
const dayS = 24 * 60 * 60;
const nameRule = /^[0-9a-zA-Z-]{1,127}$/;

type Recovery = ReturnType<typeof recoveryOf>;

/** One data-plane request on one vault, past authentication and authorization. */
export interface VaultCall {
  ctx: Context;
  url: URL;
  method: string;
  rawBody: string;
  vault: string;
  store: VaultSecrets;
  recovery: Recovery;
  p: Params;
}

export const kvError = (status: number, code: string, message: string, inner?: string): ArmError => new ArmError(status, code, message, inner === undefined ? {} : ({ innererror: { code: inner } } as Record<string, unknown>));

export const notAllowed = (method: string, url: URL): ArmError => kvError(405, 'MethodNotAllowed', `The method ${method} is not allowed on ${url.pathname}.`);

const methodNotAllowed = (c: VaultCall): never => {
  throw notAllowed(c.method, c.url);
};

export function checkName(name: string): string {
  if (!nameRule.test(name)) throw kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
  return name;
}

const notFound = (name: string): ArmError =>
  kvError(404, 'SecretNotFound', `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);

function attributesOf(v: SecretVersionRecord, recovery: Recovery): Record<string, unknown> {
  return { enabled: v.enabled, ...(v.nbf === undefined ? {} : { nbf: v.nbf }), ...(v.exp === undefined ? {} : { exp: v.exp }), created: v.created, updated: v.updated, ...recovery };
}

function item(c: VaultCall, record: SecretRecord, v: SecretVersionRecord, withVersion: boolean): Record<string, unknown> {
  return {
    id: `${azureVaultUrl(c.vault)}/secrets/${record.name}${withVersion ? `/${v.version}` : ''}`,
    attributes: attributesOf(v, c.recovery),
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
  };
}

const bundle = (c: VaultCall, record: SecretRecord, v: SecretVersionRecord): Record<string, unknown> => ({ value: v.value, ...item(c, record, v, true) });

const deletedBundle = (c: VaultCall, d: DeletedSecretRecord, withVersion: boolean): Record<string, unknown> => ({
  ...item(c, d, d.versions.at(-1)!, withVersion),
  recoveryId: `${azureVaultUrl(c.vault)}/deletedsecrets/${d.name}`,
  deletedDate: d.deletedDate,
  scheduledPurgeDate: d.scheduledPurgeDate,
});

function page(c: VaultCall, items: Record<string, unknown>[]): Reply {
  const requested = Number(c.url.searchParams.get('maxresults') ?? String(maxPage));
  if (!Number.isInteger(requested) || requested < 1 || requested > maxPage) throw kvError(400, 'BadParameter', `maxresults must be between 1 and ${maxPage}.`);
  const skip = Number(c.url.searchParams.get('$skiptoken') ?? '0') || 0;
  const value = items.slice(skip, skip + requested);
  let nextLink: string | null = null;
  if (skip + requested < items.length) {
    const next = new URLSearchParams(c.url.searchParams);
    next.set('$skiptoken', String(skip + requested));
    nextLink = `${emulatorVaultUri(c.ctx, c.vault)}${c.url.pathname.split('/').slice(3).join('/')}?${next.toString()}`;
  }
  return reply(200, { value, nextLink });
}

function parseBody(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw kvError(400, 'BadParameter', 'The request body is not valid JSON.');
  }
  const body = asObject(parsed);
  if (body === undefined) throw kvError(400, 'BadParameter', 'The request body must be a JSON object.');
  return body;
}

function tagsOf(body: Record<string, unknown>): Record<string, string> | undefined {
  const tags = asObject(body.tags);
  if (tags === undefined) return undefined;
  if (Object.keys(tags).length > 15 || Object.values(tags).some((t) => typeof t !== 'string')) throw kvError(400, 'BadParameter', 'Tags: at most 15, each a string.');
  return tags as Record<string, string>;
}

function attributeInput(body: Record<string, unknown>): { enabled?: boolean; exp?: number; nbf?: number } {
  const a = asObject(body.attributes) ?? {};
  return { ...(typeof a.enabled === 'boolean' ? { enabled: a.enabled } : {}), ...(typeof a.exp === 'number' ? { exp: a.exp } : {}), ...(typeof a.nbf === 'number' ? { nbf: a.nbf } : {}) };
}

/** The secret and its current version; 404 when there is none. */
function current(c: VaultCall): { record: SecretRecord; v: SecretVersionRecord } {
  const record = c.store.secrets[checkName(c.p.name).toLowerCase()];
  const v = record?.versions.at(-1);
  if (record === undefined || v === undefined) throw notFound(c.p.name);
  return { record, v };
}

function readable(v: SecretVersionRecord): void {
  if (!v.enabled) throw kvError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
}

/** GET secrets: the current version of each, without its value. */
export function listSecrets(c: VaultCall): Reply {
  const items = Object.values(c.store.secrets).flatMap((r) => (r.versions.length === 0 ? [] : [item(c, r, r.versions.at(-1)!, false)]));
  return page(c, items);
}

export function getSecret(c: VaultCall): Reply {
  const { record, v } = current(c);
  readable(v);
  return reply(200, bundle(c, record, v));
}

/** PUT secrets/{name}: a new version. */
export function setSecret(c: VaultCall): Reply {
  const name = checkName(c.p.name);
  const body = parseBody(c.rawBody);
  if (typeof body.value !== 'string') throw kvError(400, 'BadParameter', "Property 'value' is required and must be a string.");
  if (body.value.length > 25 * 1024) throw kvError(400, 'BadParameter', 'The secret value exceeds 25 KB.');
  const tags = tagsOf(body);
  const record = writeSecret(c.ctx, c.vault, name, { value: body.value, ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}), ...(tags === undefined ? {} : { tags }), ...attributeInput(body) });
  c.ctx.store.save();
  return reply(200, bundle(c, record, record.versions.at(-1)!));
}

/** DELETE secrets/{name}: kept as deleted for the vault's retention when it has soft delete. */
export function deleteSecret(c: VaultCall): Reply {
  const { record, v } = current(c);
  const key = c.p.name.toLowerCase();
  delete c.store.secrets[key];
  const deletedDate = Math.floor(Date.now() / 1000);
  const deleted = { ...record, deletedDate, scheduledPurgeDate: deletedDate + (c.recovery.recoverableDays ?? 0) * dayS };
  if (c.recovery.recoverableDays !== undefined) c.store.deleted[key] = deleted;
  c.ctx.store.save();
  return reply(200, { ...item(c, record, v, true), recoveryId: `${azureVaultUrl(c.vault)}/deletedsecrets/${record.name}`, deletedDate, scheduledPurgeDate: deleted.scheduledPurgeDate });
}

export function listVersions(c: VaultCall): Reply {
  const { record } = current(c);
  return page(c, record.versions.map((v) => item(c, record, v, true)));
}

/** GET or PATCH secrets/{name}/{version}: the version is looked up before the method is. */
export function secretVersion(c: VaultCall): Reply {
  const { record } = current(c);
  const v = record.versions.find((x) => x.version === c.p.version);
  if (v === undefined) throw notFound(`${c.p.name}/${c.p.version}`);
  if (c.method === 'GET') {
    readable(v);
    return reply(200, bundle(c, record, v));
  }
  if (c.method !== 'PATCH') return methodNotAllowed(c);
  const body = parseBody(c.rawBody);
  const tags = tagsOf(body);
  Object.assign(v, attributeInput(body), typeof body.contentType === 'string' ? { contentType: body.contentType } : {}, tags === undefined ? {} : { tags }, { updated: Math.floor(Date.now() / 1000) });
  c.ctx.store.save();
  return reply(200, item(c, record, v, true));
}

export function listDeleted(c: VaultCall): Reply {
  return page(c, Object.values(c.store.deleted).map((d) => deletedBundle(c, d, false)));
}

/** The deleted secret; 404 when there is none. */
function deletedOf(c: VaultCall): { key: string; deleted: DeletedSecretRecord } {
  const name = checkName(c.p.name);
  const key = name.toLowerCase();
  const deleted = c.store.deleted[key];
  if (deleted === undefined) throw kvError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
  return { key, deleted };
}

/** Any other method below deletedsecrets/{name}: the name is checked first, as Key Vault does. */
export function refuseDeleted(c: VaultCall): Reply {
  checkName(c.p.name);
  return methodNotAllowed(c);
}

export const getDeleted = (c: VaultCall): Reply => reply(200, deletedBundle(c, deletedOf(c).deleted, true));

/** DELETE deletedsecrets/{name}: purge, refused while the vault has purge protection. */
export function purgeDeleted(c: VaultCall): Reply {
  const { key } = deletedOf(c);
  if (c.recovery.recoveryLevel === 'Recoverable') throw kvError(403, 'Forbidden', `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.`, 'ForbiddenByPolicy');
  delete c.store.deleted[key];
  c.ctx.store.save();
  return reply(204);
}

export function recoverDeleted(c: VaultCall): Reply {
  const { key, deleted } = deletedOf(c);
  const { deletedDate: _d, scheduledPurgeDate: _s, ...record } = deleted;
  delete c.store.deleted[key];
  c.store.secrets[key] = record;
  c.ctx.store.save();
  return reply(200, bundle(c, record, record.versions.at(-1)!));
}

// The Key Vault secrets data plane under https://<emulator>/keyvault/<vault>/ (the vaultUri the
// emulator gives its vaults): GET/PUT/DELETE secrets/{name}[/{version}], PATCH secrets/{name}/{version},
// GET secrets (paged, maxresults ≤ 25), GET secrets/{name}/versions, GET/DELETE deletedsecrets/{name},
// POST deletedsecrets/{name}/recover. Shapes from the Key Vault data-plane spec
// (specification/keyvault/data-plane/Microsoft.KeyVault/stable/7.5/secrets.json: SecretBundle,
// SecretItem, SecretListResult, DeletedSecretBundle, KeyVaultError). Authentication is Key Vault's
// challenge: a request without a bearer token gets 401 with
// `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`
// (what @azure/keyvault-secrets answers with a token). With EmulatorOptions.keyVaultRbac, Key Vault RBAC
// (keyvault-rbac.ts); without it any valid emulator token may act. Values are never logged.
import { readEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import { asObject, reply, type Reply } from '../http.ts';
import { authorize } from '../keyvault-rbac.ts';
import { azureVaultUrl, emulatorVaultUri, findVault, keyVaultPathPrefix, recoveryOf, vaultSecrets, writeSecret } from '../keyvault-store.ts';
import type { SecretRecord, SecretVersionRecord } from '../keyvault-records.ts';

/** The data-plane versions @azure/keyvault-secrets 4.x can send (its serviceVersion values). */
export const keyVaultApiVersions = ['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01', '2026-04-01'] as const;
const maxPage = 25;
const dayS = 24 * 60 * 60;
const nameRule = /^[0-9a-zA-Z-]{1,127}$/;

export interface DataPlaneRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  rawBody: string;
}

export const isKeyVaultPath = (pathname: string): boolean => pathname.split('/')[1]?.toLowerCase() === keyVaultPathPrefix;

const kvError = (status: number, code: string, message: string, inner?: string): ArmError => new ArmError(status, code, message, inner === undefined ? {} : ({ innererror: { code: inner } } as Record<string, unknown>));

function challenge(ctx: Context, message: string): ArmError {
  return new ArmError(401, 'Unauthorized', message, {}, { 'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${ctx.tenantId}", resource="https://vault.azure.net"` });
}

/** The caller's object id; 401 with the challenge without a valid token. */
function authenticate(ctx: Context, authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (match === null) throw challenge(ctx, 'AKV10000: Request is missing a Bearer or PoP token.');
  const claims = readEmulatorToken(match[1]!);
  if ('refused' in claims) throw challenge(ctx, `AKV10022: ${claims.refused}`);
  return claims.oid;
}

function checkApiVersion(url: URL): string {
  const given = url.searchParams.get('api-version');
  if (given === null || given === '') throw kvError(400, 'BadParameter', 'The api-version query parameter is missing.');
  if (!(keyVaultApiVersions as readonly string[]).includes(given)) {
    throw kvError(400, 'BadParameter', `The specified version (${given}) is not recognized. Consider using the latest supported version (${keyVaultApiVersions.at(-1)}).`);
  }
  return given;
}

function checkName(name: string): string {
  if (!nameRule.test(name)) throw kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
  return name;
}

const notFound = (name: string): ArmError =>
  kvError(404, 'SecretNotFound', `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);

function attributesOf(v: SecretVersionRecord, recovery: ReturnType<typeof recoveryOf>): Record<string, unknown> {
  return { enabled: v.enabled, ...(v.nbf === undefined ? {} : { nbf: v.nbf }), ...(v.exp === undefined ? {} : { exp: v.exp }), created: v.created, updated: v.updated, ...recovery };
}

function item(vault: string, record: SecretRecord, v: SecretVersionRecord, recovery: ReturnType<typeof recoveryOf>, withVersion: boolean): Record<string, unknown> {
  return {
    id: `${azureVaultUrl(vault)}/secrets/${record.name}${withVersion ? `/${v.version}` : ''}`,
    attributes: attributesOf(v, recovery),
    ...(v.tags === undefined ? {} : { tags: v.tags }),
    ...(v.contentType === undefined ? {} : { contentType: v.contentType }),
  };
}

const bundle = (vault: string, record: SecretRecord, v: SecretVersionRecord, recovery: ReturnType<typeof recoveryOf>): Record<string, unknown> => ({ value: v.value, ...item(vault, record, v, recovery, true) });

function page(ctx: Context, vault: string, url: URL, items: Record<string, unknown>[]): Reply {
  const requested = Number(url.searchParams.get('maxresults') ?? String(maxPage));
  if (!Number.isInteger(requested) || requested < 1 || requested > maxPage) throw kvError(400, 'BadParameter', `maxresults must be between 1 and ${maxPage}.`);
  const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
  const value = items.slice(skip, skip + requested);
  let nextLink: string | null = null;
  if (skip + requested < items.length) {
    const next = new URLSearchParams(url.searchParams);
    next.set('$skiptoken', String(skip + requested));
    nextLink = `${emulatorVaultUri(ctx, vault)}${url.pathname.split('/').slice(3).join('/')}?${next.toString()}`;
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

export function keyVaultRequest(ctx: Context, req: DataPlaneRequest): Reply {
  const seg = req.url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const vaultName = seg[1];
  const vault = vaultName === undefined ? undefined : findVault(ctx, vaultName);
  if (vaultName === undefined || vault === undefined) {
    throw kvError(404, 'VaultNotFound', `No Key Vault named '${vaultName ?? ''}' exists in the emulator: deploy it first (its vaultUri is ${ctx.origin ?? 'https://127.0.0.1:<port>'}/${keyVaultPathPrefix}/<vault>/).`);
  }
  const principalId = authenticate(ctx, req.authorization);
  checkApiVersion(req.url);
  // Reads (GET) need Secrets User or more; everything else Secrets Officer or Administrator.
  authorize(ctx, vault, principalId, req.method === 'GET' ? 'read' : 'write');
  const store = vaultSecrets(ctx, vault.name);
  const recovery = recoveryOf(vault);
  const rest = seg.slice(2);
  const low = rest.map((s) => s.toLowerCase());
  const method = req.method;
  const bad = (): never => {
    throw kvError(405, 'MethodNotAllowed', `The method ${method} is not allowed on ${req.url.pathname}.`);
  };
  const current = (name: string): { record: SecretRecord; v: SecretVersionRecord } => {
    const record = store.secrets[checkName(name).toLowerCase()];
    const v = record?.versions.at(-1);
    if (record === undefined || v === undefined) throw notFound(name);
    return { record, v };
  };
  const readable = (v: SecretVersionRecord): void => {
    if (!v.enabled) throw kvError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
  };

  if (low[0] === 'secrets') {
    if (rest.length === 1) {
      if (method !== 'GET') bad();
      const items = Object.values(store.secrets).flatMap((r) => (r.versions.length === 0 ? [] : [item(vault.name, r, r.versions.at(-1)!, recovery, false)]));
      return page(ctx, vault.name, req.url, items);
    }
    const name = rest[1]!;
    if (rest.length === 2) {
      if (method === 'GET') {
        const { record, v } = current(name);
        readable(v);
        return reply(200, bundle(vault.name, record, v, recovery));
      }
      if (method === 'PUT') {
        checkName(name);
        const body = parseBody(req.rawBody);
        if (typeof body.value !== 'string') throw kvError(400, 'BadParameter', "Property 'value' is required and must be a string.");
        if (body.value.length > 25 * 1024) throw kvError(400, 'BadParameter', 'The secret value exceeds 25 KB.');
        const tags = tagsOf(body);
        const record = writeSecret(ctx, vault.name, name, { value: body.value, ...(typeof body.contentType === 'string' ? { contentType: body.contentType } : {}), ...(tags === undefined ? {} : { tags }), ...attributeInput(body) });
        ctx.store.save();
        return reply(200, bundle(vault.name, record, record.versions.at(-1)!, recovery));
      }
      if (method === 'DELETE') {
        const { record, v } = current(name);
        const key = name.toLowerCase();
        delete store.secrets[key];
        const deletedDate = Math.floor(Date.now() / 1000);
        const deleted = { ...record, deletedDate, scheduledPurgeDate: deletedDate + (recovery.recoverableDays ?? 0) * dayS };
        if (recovery.recoverableDays !== undefined) store.deleted[key] = deleted;
        ctx.store.save();
        return reply(200, { ...item(vault.name, record, v, recovery, true), recoveryId: `${azureVaultUrl(vault.name)}/deletedsecrets/${record.name}`, deletedDate, scheduledPurgeDate: deleted.scheduledPurgeDate });
      }
      return bad();
    }
    if (rest.length === 3 && low[2] === 'versions') {
      if (method !== 'GET') bad();
      const { record } = current(name);
      return page(ctx, vault.name, req.url, record.versions.map((v) => item(vault.name, record, v, recovery, true)));
    }
    if (rest.length === 3) {
      const { record } = current(name);
      const v = record.versions.find((x) => x.version === rest[2]);
      if (v === undefined) throw notFound(`${name}/${rest[2]}`);
      if (method === 'GET') {
        readable(v);
        return reply(200, bundle(vault.name, record, v, recovery));
      }
      if (method === 'PATCH') {
        const body = parseBody(req.rawBody);
        const tags = tagsOf(body);
        Object.assign(v, attributeInput(body), typeof body.contentType === 'string' ? { contentType: body.contentType } : {}, tags === undefined ? {} : { tags }, { updated: Math.floor(Date.now() / 1000) });
        ctx.store.save();
        return reply(200, item(vault.name, record, v, recovery, true));
      }
      return bad();
    }
  }
  if (low[0] === 'deletedsecrets') {
    if (rest.length === 1) {
      if (method !== 'GET') bad();
      return page(ctx, vault.name, req.url, Object.values(store.deleted).map((d) => ({ ...item(vault.name, d, d.versions.at(-1)!, recovery, false), recoveryId: `${azureVaultUrl(vault.name)}/deletedsecrets/${d.name}`, deletedDate: d.deletedDate, scheduledPurgeDate: d.scheduledPurgeDate })));
    }
    const name = checkName(rest[1]!);
    const key = name.toLowerCase();
    const deleted = store.deleted[key];
    const deletedNotFound = kvError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    if (rest.length === 2 && method === 'GET') {
      if (deleted === undefined) throw deletedNotFound;
      return reply(200, { ...item(vault.name, deleted, deleted.versions.at(-1)!, recovery, true), recoveryId: `${azureVaultUrl(vault.name)}/deletedsecrets/${deleted.name}`, deletedDate: deleted.deletedDate, scheduledPurgeDate: deleted.scheduledPurgeDate });
    }
    if (rest.length === 2 && method === 'DELETE') {
      if (deleted === undefined) throw deletedNotFound;
      if (recovery.recoveryLevel === 'Recoverable') throw kvError(403, 'Forbidden', `Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.`, 'ForbiddenByPolicy');
      delete store.deleted[key];
      ctx.store.save();
      return reply(204);
    }
    if (rest.length === 3 && low[2] === 'recover' && method === 'POST') {
      if (deleted === undefined) throw deletedNotFound;
      const { deletedDate: _d, scheduledPurgeDate: _s, ...record } = deleted;
      delete store.deleted[key];
      store.secrets[key] = record;
      ctx.store.save();
      return reply(200, bundle(vault.name, record, record.versions.at(-1)!, recovery));
    }
    return bad();
  }
  throw kvError(404, 'NotFound', `The emulator's Key Vault data plane has no ${req.url.pathname.split('/').slice(3).join('/')} (only secrets and deletedsecrets).`);
}

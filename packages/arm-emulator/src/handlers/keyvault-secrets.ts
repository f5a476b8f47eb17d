// The Key Vault secrets data plane under https://<emulator>/keyvault/<vault>/ (the vaultUri the
// emulator gives its vaults): GET/PUT/DELETE secrets/{name}[/{version}], PATCH secrets/{name}/{version},
// GET secrets (paged, maxresults ≤ 25), GET secrets/{name}/versions, GET/DELETE deletedsecrets/{name},
// POST deletedsecrets/{name}/recover (the operations: keyvault-secret-ops.ts). Authentication is Key Vault's
// challenge: a request without a bearer token gets 401 with
// `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`
// (what @azure/keyvault-secrets answers with a token). With EmulatorOptions.keyVaultRbac, Key Vault RBAC
// (keyvault-rbac.ts); without it any valid emulator token may act. Values are never logged.
import { readEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import type { Context } from '../context.ts';
import { ArmError } from '../errors.ts';
import type { Reply } from '../http.ts';
import { authorize } from '../keyvault-rbac.ts';
import { findVault, keyVaultPathPrefix, recoveryOf, vaultSecrets } from '../keyvault-store.ts';
import { lookup, surfaces, type Row } from '../route-table.ts';
import * as ops from './keyvault-secret-ops.ts';
import { kvError, type VaultCall } from './keyvault-secret-ops.ts';

/** The data-plane versions @azure/keyvault-secrets 4.x can send (its serviceVersion values). */
export const keyVaultApiVersions = ['7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01', '2026-04-01'] as const;

export interface DataPlaneRequest {
  method: string;
  url: URL;
  authorization: string | undefined;
  rawBody: string;
}

export const isKeyVaultPath = (pathname: string): boolean => pathname.split('/')[1]?.toLowerCase() === keyVaultPathPrefix;

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

type Operation = (c: VaultCall) => Reply;

const deleted = '/deletedsecrets/:name';
/** Below /keyvault/<vault>: one row per method and operation (route-table.ts). */
const table = surfaces<Operation>([
  ['GET', '/secrets', ops.listSecrets],
  ['GET', '/secrets/:name', ops.getSecret],
  ['PUT', '/secrets/:name', ops.setSecret],
  ['DELETE', '/secrets/:name', ops.deleteSecret],
  ['GET', '/secrets/:name/versions', ops.listVersions],
  ['*', '/secrets/:name/:version', ops.secretVersion],
  ['GET', '/deletedsecrets', ops.listDeleted],
  ['GET', deleted, ops.getDeleted],
  ['DELETE', deleted, ops.purgeDeleted],
  ['*', deleted, ops.refuseDeleted],
  ['POST', `${deleted}/recover`, ops.recoverDeleted],
  ['*', `${deleted}/recover`, ops.refuseDeleted],
  ['*', `${deleted}/*`, ops.refuseDeleted],
] satisfies Row<Operation>[]);

export function keyVaultRequest(ctx: Context, req: DataPlaneRequest): Reply {
  const raw = req.url.pathname.split('/').filter((s) => s !== '');
  const vaultName = raw[1] === undefined ? undefined : decodeURIComponent(raw[1]);
  const vault = vaultName === undefined ? undefined : findVault(ctx, vaultName);
  if (vaultName === undefined || vault === undefined) {
    throw kvError(404, 'VaultNotFound', `No Key Vault named '${vaultName ?? ''}' exists in the emulator: deploy it first (its vaultUri is ${ctx.origin ?? 'https://127.0.0.1:<port>'}/${keyVaultPathPrefix}/<vault>/).`);
  }
  const principalId = authenticate(ctx, req.authorization);
  checkApiVersion(req.url);
  // Reads (GET) need Secrets User or more; everything else Secrets Officer or Administrator.
  authorize(ctx, vault, principalId, req.method === 'GET' ? 'read' : 'write');
  const store = vaultSecrets(ctx, vault.name);
  const found = lookup(table, req.method, `/${raw.slice(2).join('/')}`);
  if (found === 'no method') throw ops.notAllowed(req.method, req.url);
  if (found === undefined) throw kvError(404, 'NotFound', `The emulator's Key Vault data plane has no ${req.url.pathname.split('/').slice(3).join('/')} (only secrets and deletedsecrets).`);
  return found.handler({ ctx, url: req.url, method: req.method, rawBody: req.rawBody, vault: vault.name, store, recovery: recoveryOf(vault), p: found.params });
}

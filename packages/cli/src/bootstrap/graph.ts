// The Microsoft Graph edge (Entra ID is not ARM): an app registration, its service principal and its
// federated credentials, with a bearer token for https://graph.microsoft.com/.default from the same
// credential. Idempotent: finds by display name / appId / credential name, creates what is missing,
// updates what differs, deletes github-* credentials no longer desired, never adds a client secret.
// Everything is read and checked (ambiguity, the per-app credential limit) before the first write.
import type { TokenCredential } from '@azure/core-auth';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { federatedCredentialChanges, federatedCredentialLimitProblem, type CredentialChanges, type ExistingCredential, type FederatedCredential } from './ci-identity.ts';

export const graphEndpoint = 'https://graph.microsoft.com/v1.0';
const graphScope = 'https://graph.microsoft.com/.default';

export class GraphError extends CliError {
  readonly status: number;
  readonly code: string;
  /** The error's code and the codes of its details (Graph puts NoBackingApplicationObject there). */
  readonly codes: readonly string[];
  constructor(status: number, code: string, message: string, options: { codes?: readonly string[]; hint?: string; exitCode?: ExitCode } = {}) {
    super(message, { exitCode: options.exitCode ?? ExitCode.Failed, ...(options.hint === undefined ? {} : { hint: options.hint }) });
    this.status = status;
    this.code = code;
    this.codes = options.codes ?? [code];
  }
}

/**
 * Entra ID is eventually consistent: right after POST /applications, creating the service
 * principal can answer 400 Request_BadRequest with the detail code NoBackingApplicationObject ("The
 * appId … of the service principal does not reference a valid application object"), and writing the
 * app's federated credentials 404 Request_ResourceNotFound, until the new object has replicated
 * (e.g. openshift/openshift-azure#1534; Microsoft's answer on learn.microsoft.com/answers/questions/936575:
 * "your client app is not waiting enough for the replication to complete", back off 1, 2, 4, 8, 16 s).
 * Only those answers are retried.
 */
export function isReplicationLag(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  return error.codes.includes('NoBackingApplicationObject') || error.codes.includes('Request_ResourceNotFound') || error.status === 404;
}

/** Bounded backoff while a new app replicates: about a minute in all, then a clear message. */
export const defaultReplicationDelaysMs: readonly number[] = [1000, 2000, 4000, 8000, 16000, 32000];

export interface IdentityChange {
  action: 'create' | 'update' | 'delete';
  label: string;
  /** Why, e.g. "no longer desired" for a deletion. */
  detail?: string;
}

export interface AppIdentityResult {
  appId: string;
  servicePrincipalObjectId: string;
  tenantId: string | undefined;
  changes: IdentityChange[];
  unchanged: string[];
  /** Client secrets found on the app (they should not exist: federation only). */
  secretCount: number;
}

export interface AppIdentityOptions {
  displayName: string;
  federated: readonly FederatedCredential[];
  dryRun: boolean;
  /** Default Microsoft Graph v1.0. */
  endpoint?: string;
  /** Waits between attempts of a write that meets replication lag (default defaultReplicationDelaysMs). */
  replicationDelaysMs?: readonly number[];
}

type Json = Record<string, unknown>;
type GraphCall = (method: string, path: string, body?: unknown) => Promise<Json>;
type GraphWrite = (what: string, appId: string, method: string, path: string, body?: unknown) => Promise<Json>;

/** What exists in Entra ID for the app, read before any write. */
interface ExistingIdentity {
  app: Json | undefined;
  servicePrincipal: Json | undefined;
  diff: CredentialChanges;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureAppIdentity(credential: TokenCredential, options: AppIdentityOptions): Promise<AppIdentityResult> {
  const name = options.displayName;
  // The desired credentials alone must fit, whatever exists: refused before any request.
  const tooMany = federatedCredentialLimitProblem(name, options.federated);
  if (tooMany !== undefined) throw limitError(tooMany);

  const token = await credential.getToken(graphScope);
  if (token === null) throw new GraphError(401, 'NoToken', `no token for ${graphScope}: log in with an account that may manage app registrations (az login)`);
  const call = graphCaller(options.endpoint ?? graphEndpoint, token.token);
  const existing = await readIdentity(call, name, options.federated);
  const { changes, unchanged } = plannedChanges(name, existing);
  const { app, servicePrincipal } = existing;
  const secretCount = app !== undefined && Array.isArray(app['passwordCredentials']) ? app['passwordCredentials'].length : 0;
  if (options.dryRun) {
    return { appId: app === undefined ? '(new)' : String(app['appId']), servicePrincipalObjectId: servicePrincipal === undefined ? '(new)' : String(servicePrincipal['id']), tenantId: tenantOf(servicePrincipal), changes, unchanged, secretCount };
  }
  const write = replicationRetryingWrite(call, name, options.replicationDelaysMs ?? defaultReplicationDelaysMs);
  const { appId, sp } = await applyIdentity(call, write, name, existing);
  return { appId, servicePrincipalObjectId: String(sp['id']), tenantId: tenantOf(sp), changes, unchanged, secretCount };
}

/** A JSON request to Microsoft Graph with the bearer token; a non-2xx answer throws a GraphError. */
function graphCaller(endpoint: string, token: string): GraphCall {
  return async (method, path, body) => {
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = parseJsonOrEmpty(await response.text());
    if (!response.ok) throw graphErrorOf(response, json, method, path);
    return json;
  };
}

function parseJsonOrEmpty(text: string): Json {
  try {
    return text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    return {};
  }
}

function graphErrorOf(response: Response, json: Json, method: string, path: string): GraphError {
  const error = (json['error'] ?? {}) as { code?: string; message?: string; details?: { code?: string }[] };
  const code = error.code ?? `Http${response.status}`;
  const codes = [code, ...(Array.isArray(error.details) ? error.details.map((d) => String(d.code ?? '')).filter((c) => c !== '') : [])];
  const detail = codes.length > 1 ? ` (${codes.slice(1).join(', ')})` : '';
  return new GraphError(response.status, code, `Microsoft Graph ${method} ${path.split('?')[0]}: ${response.status} ${code}${detail}: ${error.message ?? response.statusText}`, { codes });
}

/** A write right after the app was created: retried while Entra replicates, bounded. */
function replicationRetryingWrite(call: GraphCall, name: string, delays: readonly number[]): GraphWrite {
  return async (what, appId, method, path, body) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call(method, path, body);
      } catch (error) {
        if (!isReplicationLag(error)) throw error;
        if (attempt >= delays.length) throw replicationGaveUp(error as GraphError, `${what} for app registration ${name} (appId ${appId})`, attempt + 1, delays);
        await sleep(delays[attempt]!);
      }
    }
  };
}

function replicationGaveUp(error: GraphError, what: string, attempts: number, delays: readonly number[]): GraphError {
  const waited = Math.round(delays.reduce((sum, d) => sum + d, 0) / 1000);
  return new GraphError(error.status, error.code, `${what} still fails after ${attempts} attempts over about ${waited} s: Entra ID has not replicated the app yet (${error.message})`, {
    codes: error.codes,
    hint: 'Entra ID replication sometimes takes minutes: rerun cf-infra bootstrap shortly; it finds the app and continues from there.',
  });
}

const quoted = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Reads the app, its service principal and its federated credentials; checks ambiguity and the limit. */
async function readIdentity(call: GraphCall, name: string, federated: readonly FederatedCredential[]): Promise<ExistingIdentity> {
  const apps = (await call('GET', `/applications?$filter=displayName eq ${encodeURIComponent(quoted(name))}`))['value'] as Json[];
  if (apps.length > 1) throw new GraphError(409, 'Ambiguous', `${apps.length} app registrations are named "${name}": delete the extra ones or rename them`);
  const app = apps[0];
  const servicePrincipal = app === undefined ? undefined : ((await call('GET', `/servicePrincipals?$filter=appId eq ${encodeURIComponent(quoted(String(app['appId'])))}`))['value'] as Json[])[0];
  const existing = app === undefined ? [] : ((await call('GET', `/applications/${String(app['id'])}/federatedIdentityCredentials`))['value'] as ExistingCredential[]);
  const diff = federatedCredentialChanges(federated, existing);
  const overLimit = federatedCredentialLimitProblem(name, federated, diff.foreign);
  if (overLimit !== undefined) throw limitError(overLimit);
  return { app, servicePrincipal, diff };
}

function plannedChanges(name: string, { app, servicePrincipal, diff }: ExistingIdentity): { changes: IdentityChange[]; unchanged: string[] } {
  const changes: IdentityChange[] = [];
  const unchanged: string[] = [];
  if (app === undefined) changes.push({ action: 'create', label: `app registration ${name}` });
  else unchanged.push(`app registration ${name}`);
  if (servicePrincipal === undefined) changes.push({ action: 'create', label: `service principal of ${name}` });
  else unchanged.push(`service principal of ${name}`);
  changes.push(...diff.create.map((f): IdentityChange => ({ action: 'create', label: `federated credential ${f.name} (${f.subject})` })));
  changes.push(...diff.update.map((f): IdentityChange => ({ action: 'update', label: `federated credential ${f.name} (${f.subject})` })));
  changes.push(...diff.remove.map((f): IdentityChange => ({ action: 'delete', label: `federated credential ${f.name} (${f.subject})`, detail: 'no longer desired' })));
  unchanged.push(...diff.unchanged.map((n) => `federated credential ${n}`));
  return { changes, unchanged };
}

/** Creates what is missing, updates what differs, deletes github-* credentials no longer desired. */
async function applyIdentity(call: GraphCall, write: GraphWrite, name: string, { app, servicePrincipal, diff }: ExistingIdentity): Promise<{ appId: string; sp: Json }> {
  const created = app ?? (await call('POST', '/applications', { displayName: name, signInAudience: 'AzureADMyOrg' }));
  const appId = String(created['appId']);
  const objectId = String(created['id']);
  const sp = servicePrincipal ?? (await write('creating the service principal', appId, 'POST', '/servicePrincipals', { appId }));
  const fics = `/applications/${objectId}/federatedIdentityCredentials`;
  for (const f of diff.create) await write(`creating federated credential ${f.name}`, appId, 'POST', fics, f);
  for (const f of diff.update) await write(`updating federated credential ${f.name}`, appId, 'PATCH', `${fics}/${f.id}`, { issuer: f.issuer, subject: f.subject, audiences: f.audiences, description: f.description });
  for (const f of diff.remove) {
    // Only an app read above has credentials to delete: a 404 here means the credential is gone already.
    await call('DELETE', `${fics}/${f.id}`).catch((error: unknown) => {
      if (!(error instanceof GraphError && error.status === 404)) throw error;
    });
  }
  return { appId, sp };
}

function tenantOf(sp: Json | undefined): string | undefined {
  return typeof sp?.['appOwnerOrganizationId'] === 'string' ? sp['appOwnerOrganizationId'] : undefined;
}

function limitError(problem: string): GraphError {
  return new GraphError(400, 'TooManyFederatedCredentials', `${problem}: nothing was written`, {
    exitCode: ExitCode.BadInput,
    hint: 'fewer environments in deployments/profiles, or delete federated credentials not named github-* from the app registration; then rerun cf-infra bootstrap',
  });
}

// The Microsoft Graph edge (Entra ID is not ARM): the CI app registration, its service principal
// and its federated credentials, with a bearer token for https://graph.microsoft.com/.default from
// the same credential. Idempotent: finds by display name / appId / credential name, creates what is
// missing, updates what differs, never adds a client secret.
import type { TokenCredential } from '@azure/core-auth';
import { federatedCredentialChanges, type FederatedCredential } from './ci-identity.ts';

export const graphEndpoint = 'https://graph.microsoft.com/v1.0';
const graphScope = 'https://graph.microsoft.com/.default';

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface CiIdentityResult {
  appId: string;
  servicePrincipalObjectId: string;
  tenantId: string | undefined;
  changes: string[];
  unchanged: string[];
  /** Client secrets found on the app (they should not exist: federation only). */
  secretCount: number;
}

type Json = Record<string, unknown>;

export async function ensureCiIdentity(
  credential: TokenCredential,
  options: { displayName: string; federated: readonly FederatedCredential[]; dryRun: boolean; /** Default Microsoft Graph v1.0. */ endpoint?: string },
): Promise<CiIdentityResult> {
  const endpoint = options.endpoint ?? graphEndpoint;
  const token = await credential.getToken(graphScope);
  if (token === null) throw new GraphError(401, 'NoToken', `no token for ${graphScope}: log in with an account that may manage app registrations (az login)`);
  const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`${endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = text === '' ? {} : (JSON.parse(text) as Json);
    if (!response.ok) {
      const error = (json['error'] ?? {}) as { code?: string; message?: string };
      throw new GraphError(response.status, error.code ?? `Http${response.status}`, `Microsoft Graph ${method} ${path}: ${error.message ?? response.statusText}`);
    }
    return json;
  };
  const quoted = (s: string): string => `'${s.replaceAll("'", "''")}'`;
  const changes: string[] = [];
  const unchanged: string[] = [];

  const apps = (await call('GET', `/applications?$filter=displayName eq ${encodeURIComponent(quoted(options.displayName))}`))['value'] as Json[];
  if (apps.length > 1) throw new GraphError(409, 'Ambiguous', `${apps.length} app registrations are named "${options.displayName}": delete the extra ones or rename them`);
  let app = apps[0];
  if (app === undefined) {
    changes.push(`create app registration ${options.displayName}`);
    if (options.dryRun) return { appId: '(new)', servicePrincipalObjectId: '(new)', tenantId: undefined, changes: [...changes, 'create its service principal', ...options.federated.map((f) => `create federated credential ${f.name} (${f.subject})`)], unchanged, secretCount: 0 };
    app = await call('POST', '/applications', { displayName: options.displayName, signInAudience: 'AzureADMyOrg' });
  } else unchanged.push(`app registration ${options.displayName}`);
  const appId = String(app['appId']);
  const secretCount = Array.isArray(app['passwordCredentials']) ? app['passwordCredentials'].length : 0;

  const sps = (await call('GET', `/servicePrincipals?$filter=appId eq ${encodeURIComponent(quoted(appId))}`))['value'] as Json[];
  let sp = sps[0];
  if (sp === undefined) {
    changes.push('create its service principal');
    sp = options.dryRun ? { id: '(new)' } : await call('POST', '/servicePrincipals', { appId });
  } else unchanged.push('service principal');

  const existing = (await call('GET', `/applications/${String(app['id'])}/federatedIdentityCredentials`))['value'] as Json[];
  const diff = federatedCredentialChanges(options.federated, existing as never);
  for (const f of diff.create) {
    changes.push(`create federated credential ${f.name} (${f.subject})`);
    if (!options.dryRun) await call('POST', `/applications/${String(app['id'])}/federatedIdentityCredentials`, f);
  }
  for (const f of diff.update) {
    changes.push(`update federated credential ${f.name} (${f.subject})`);
    if (!options.dryRun) await call('PATCH', `/applications/${String(app['id'])}/federatedIdentityCredentials/${f.id}`, { issuer: f.issuer, subject: f.subject, audiences: f.audiences, description: f.description });
  }
  unchanged.push(...diff.unchanged.map((n) => `federated credential ${n}`));
  return { appId, servicePrincipalObjectId: String(sp['id']), tenantId: typeof sp['appOwnerOrganizationId'] === 'string' ? sp['appOwnerOrganizationId'] : undefined, changes, unchanged, secretCount };
}

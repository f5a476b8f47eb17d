// The pipeline identities' desired state in Entra ID: app registrations with a service principal and
// GitHub OIDC federated credentials, never a secret. The CI identity (deploys) trusts the main branch
// and each environment; the pull-request identity (read + what-if only) trusts pull requests only,
// so a workflow run for a pull request can never obtain the deploying identity's token.
import type { BootstrapConfig } from './config.ts';

export const githubIssuer = 'https://token.actions.githubusercontent.com';
export const federatedAudience = 'api://AzureADTokenExchange';

/**
 * Entra ID accepts at most 20 federated identity credentials per application ("Maximum of 20
 * objects can be added to an application", Microsoft Graph: Create federatedIdentityCredential,
 * https://learn.microsoft.com/graph/api/application-post-federatedidentitycredentials; and
 * https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations).
 */
export const maxFederatedCredentialsPerApp = 20;

/** The credentials bootstrap owns are named github-*; any other name on the app is never touched. */
export const managedCredentialPrefix = 'github-';
const isManaged = (name: string | undefined): boolean => String(name ?? '').toLowerCase().startsWith(managedCredentialPrefix);

export interface FederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string;
}

export interface ExistingCredential extends Partial<FederatedCredential> {
  id?: string;
}

function credentialsOf(github: BootstrapConfig['github']) {
  const repo = `${github.owner}/${github.repo}`;
  const credential = (name: string, subject: string, description: string): FederatedCredential => ({ name, issuer: githubIssuer, subject, audiences: [federatedAudience], description });
  return { repo, credential };
}

/** The CI identity: the main branch and each environment (the deploy jobs run in them). Not pull requests. */
export function ciFederatedCredentials(github: BootstrapConfig['github'], environments: readonly string[]): FederatedCredential[] {
  const { repo, credential } = credentialsOf(github);
  return [
    credential('github-main', `repo:${repo}:ref:refs/heads/main`, `GitHub Actions on ${repo}, branch main`),
    ...environments.map((env) => credential(`github-env-${env}`, `repo:${repo}:environment:${env}`, `GitHub Actions on ${repo}, environment ${env}`)),
  ];
}

/** The pull-request identity: the pull_request subject only. */
export function prFederatedCredentials(github: BootstrapConfig['github']): FederatedCredential[] {
  const { repo, credential } = credentialsOf(github);
  return [credential('github-pull-request', `repo:${repo}:pull_request`, `GitHub Actions on pull requests of ${repo} (what-if only)`)];
}

export interface CredentialChanges {
  create: FederatedCredential[];
  update: (FederatedCredential & { id: string })[];
  /** github-* credentials that exist but are no longer desired (e.g. a removed environment): deleted. */
  remove: { id: string; name: string; subject: string }[];
  unchanged: string[];
  /** Credentials not named github-*: left as they are, but they count towards the limit. */
  foreign: string[];
}

/** Compares the federated credentials that exist with the desired ones (by name, case-insensitive). */
export function federatedCredentialChanges(desired: readonly FederatedCredential[], existing: readonly ExistingCredential[]): CredentialChanges {
  const byName = new Map(existing.map((c) => [String(c.name).toLowerCase(), c]));
  const wanted = new Set(desired.map((c) => c.name.toLowerCase()));
  const changes: CredentialChanges = { create: [], update: [], remove: [], unchanged: [], foreign: [] };
  for (const want of desired) {
    const have = byName.get(want.name.toLowerCase());
    if (have === undefined) changes.create.push(want);
    else if (have.issuer !== want.issuer || have.subject !== want.subject || JSON.stringify(have.audiences) !== JSON.stringify(want.audiences)) changes.update.push({ ...want, id: String(have.id) });
    else changes.unchanged.push(want.name);
  }
  for (const have of existing) {
    if (wanted.has(String(have.name).toLowerCase())) continue;
    if (isManaged(have.name)) changes.remove.push({ id: String(have.id), name: String(have.name), subject: String(have.subject ?? '') });
    else changes.foreign.push(String(have.name));
  }
  return changes;
}

/**
 * Why the app would exceed Entra's limit after the changes (desired github-* plus the foreign ones
 * kept), or undefined when it fits. Checked before anything is written.
 */
export function federatedCredentialLimitProblem(appName: string, desired: readonly FederatedCredential[], foreign: readonly string[] = []): string | undefined {
  const total = desired.length + foreign.length;
  if (total <= maxFederatedCredentialsPerApp) return undefined;
  const kept = foreign.length === 0 ? '' : ` plus ${foreign.length} not managed by bootstrap (${foreign.join(', ')})`;
  return `app registration ${appName} would need ${total} federated credentials (${desired.length} github-*: ${desired.map((c) => c.name).join(', ')}${kept}); Entra ID allows at most ${maxFederatedCredentialsPerApp} per app`;
}

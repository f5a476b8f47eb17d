// The CI identity's desired state in Entra ID: an app registration with a service principal and
// GitHub OIDC federated credentials (main branch, pull requests, each environment) — no secret.
import type { BootstrapConfig } from './config.ts';

export const githubIssuer = 'https://token.actions.githubusercontent.com';
export const federatedAudience = 'api://AzureADTokenExchange';

export interface FederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string;
}

export function federatedCredentials(github: BootstrapConfig['github'], environments: readonly string[]): FederatedCredential[] {
  const repo = `${github.owner}/${github.repo}`;
  const credential = (name: string, subject: string, description: string): FederatedCredential => ({ name, issuer: githubIssuer, subject, audiences: [federatedAudience], description });
  return [
    credential('github-main', `repo:${repo}:ref:refs/heads/main`, `GitHub Actions on ${repo}, branch main`),
    credential('github-pull-request', `repo:${repo}:pull_request`, `GitHub Actions on pull requests of ${repo}`),
    ...environments.map((env) => credential(`github-env-${env}`, `repo:${repo}:environment:${env}`, `GitHub Actions on ${repo}, environment ${env}`)),
  ];
}

/** Compares the federated credentials that exist with the desired ones (by name). */
export function federatedCredentialChanges(desired: readonly FederatedCredential[], existing: readonly Partial<FederatedCredential & { id: string }>[]): { create: FederatedCredential[]; update: (FederatedCredential & { id: string })[]; unchanged: string[] } {
  const byName = new Map(existing.map((c) => [String(c.name).toLowerCase(), c]));
  const create: FederatedCredential[] = [];
  const update: (FederatedCredential & { id: string })[] = [];
  const unchanged: string[] = [];
  for (const want of desired) {
    const have = byName.get(want.name.toLowerCase());
    if (have === undefined) create.push(want);
    else if (have.issuer !== want.issuer || have.subject !== want.subject || JSON.stringify(have.audiences) !== JSON.stringify(want.audiences)) update.push({ ...want, id: String(have.id) });
    else unchanged.push(want.name);
  }
  return { create, update, unchanged };
}

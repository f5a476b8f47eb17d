// The Key Vault secrets no template writes: generated once by the post-deploy step (never by ARM,
// which would either regenerate them on every deploy or leak them into the deployment history), or
// set by an operator. One list for the docs, the deploy's post-deploy step (secrets/post-deploy.ts)
// and the key-vault check.

export type PostDeploySource = 'generated' | 'operator';

export interface PostDeploySecret {
  /** Secret name; `<service>` stands for each service of deployments/catalog.yaml. */
  name: string;
  /** What the value is. */
  holds: string;
  /** `generated`: random bytes from a cryptographic source, once; `operator`: set by hand from its origin. */
  source: PostDeploySource;
  /** Random bytes of a generated value (base64url: 4/3 as many characters). */
  bytes?: number;
}

export const servicePlaceholder = '<service>';

export const postDeploySecrets: readonly PostDeploySecret[] = [
  { name: 'postgresql-admin-password', holds: 'PostgreSQL server administrator password (passed to the database tier once, at server creation)', source: 'generated', bytes: 32 },
  { name: `postgresql-${servicePlaceholder}-password`, holds: 'password of the service\'s PostgreSQL login (one per catalogue service)', source: 'generated', bytes: 32 },
  { name: 'jwt-signing-key', holds: 'JWT access-token signing key', source: 'generated', bytes: 64 },
  { name: 'jwt-refresh-signing-key', holds: 'JWT refresh-token signing key', source: 'generated', bytes: 64 },
  { name: 'azuread-client-secret', holds: 'Entra ID SSO client secret (from the app registration)', source: 'operator' },
];

/** Every post-deploy secret name, `<service>` expanded for the given services. */
export function postDeploySecretNames(services: readonly string[]): string[] {
  return expandPostDeploySecrets(services).map((e) => e.name);
}

export interface ExpandedSecret {
  name: string;
  secret: PostDeploySecret;
}

/** Every post-deploy secret with its definition, `<service>` expanded for the given services. */
export function expandPostDeploySecrets(services: readonly string[]): ExpandedSecret[] {
  return postDeploySecrets.flatMap((secret) =>
    secret.name.includes(servicePlaceholder) ? services.map((service) => ({ name: secret.name.replace(servicePlaceholder, service), secret })) : [{ name: secret.name, secret }],
  );
}

/** The secret holding the PostgreSQL administrator password (also passed to the template once, at server creation). */
export const postgresAdminPasswordSecret = 'postgresql-admin-password';

// The PostgreSQL administrator password has one source of truth: the Key Vault secret
// postgresql-admin-password. ARM needs the value once, when the server is created (the template's
// postgresAdministratorPassword, empty on every later deploy). So, before the stack is applied and
// only when the server does not exist yet: the value already in the vault (a recreated server in a
// kept vault) or a new random one; the post-deploy step then stores that same value. When the
// server exists nothing is passed and the password in place stays. When the post-deploy step
// creates the secret with a new value (none was passed at creation, or it could not be stored
// then), it sets that value on the server too (management plane), so the vault stays the truth.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClients } from '../arm/clients.ts';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { managedResourceIds } from '../arm/stack-definition.ts';
import { postDeploySecrets, postgresAdminPasswordSecret } from './names.ts';
import { randomSecretValue } from './post-deploy.ts';
import type { VaultAccess } from './client.ts';
import { readSecrets } from '../validate/key-vault-checks.ts';

export const adminPasswordParameter = 'postgresAdministratorPassword';

export interface CreationSecrets {
  /** Extra ARM parameters ({ name: { value } }): the admin password when the server is created now. */
  parameters: Record<string, { value: string }>;
  /** Values the post-deploy step must store as they are (never a fresh random value instead). */
  pending: Map<string, string>;
  /** What happened, in words (no value): for the progress. */
  note: string;
}

const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

export async function serverExists(clients: ArmClients, serverId: string, apiVersion: string): Promise<boolean> {
  try {
    await clients.resources.resources.getById(serverId, apiVersion);
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

export async function creationSecrets(
  clients: ArmClients,
  server: { id: string; apiVersion: string },
  vault: { url: string; access: VaultAccess } | undefined,
): Promise<CreationSecrets> {
  if (await serverExists(clients, server.id, server.apiVersion)) return { parameters: {}, pending: new Map(), note: 'the PostgreSQL server exists: its administrator password stays as it is' };
  if (vault !== undefined) {
    const [read] = await readSecrets(vault.url, [postgresAdminPasswordSecret], vault.access);
    if (read?.readable === true && read.value !== '') {
      return { parameters: { [adminPasswordParameter]: { value: read.value } }, pending: new Map(), note: `the PostgreSQL server is created with the password already in Key Vault (${postgresAdminPasswordSecret})` };
    }
  }
  const bytes = postDeploySecrets.find((s) => s.name === postgresAdminPasswordSecret)?.bytes ?? 32;
  const value = randomSecretValue(bytes);
  return {
    parameters: { [adminPasswordParameter]: { value } },
    pending: new Map([[postgresAdminPasswordSecret, value]]),
    note: `the PostgreSQL server is created with a new random administrator password (stored as ${postgresAdminPasswordSecret} after the stack is applied)`,
  };
}

const serverType = 'microsoft.dbforpostgresql/flexibleservers';

/** The PostgreSQL server the stack manages, if any. */
export function serverOfStack(stack: DeploymentStack | undefined): string | undefined {
  return managedResourceIds(stack).find((id) => typeOfId(id)?.toLowerCase() === serverType);
}

/** Sets the server's administrator password (a write-only property: never in what-if or a GET). */
export async function setServerAdminPassword(clients: ArmClients, server: { id: string; apiVersion: string }, value: string): Promise<void> {
  await clients.resources.resources.beginUpdateByIdAndWait(server.id, server.apiVersion, { properties: { administratorLoginPassword: value } }, { updateIntervalInMs: 2000 });
}

/** The post-deploy step's afterCreate: a new postgresql-admin-password not given at creation goes onto the server. */
export function adminPasswordSync(clients: ArmClients, server: { id: string; apiVersion: string } | undefined): (name: string, value: string, fromPending: boolean) => Promise<void> {
  return async (name, value, fromPending) => {
    if (name !== postgresAdminPasswordSecret || fromPending || server === undefined) return;
    await setServerAdminPassword(clients, server, value);
  };
}

// The validation job's `databases` task (CF_JOB_TASK=databases): the database step's checks
// (database-step.ts) for the stack the start request passed. The server, its admin login and the
// database names come from the stack's outputs (database.*); every password from the deployment's
// Key Vault, read as the job's identity (the workload identity), never printed.
// azure: the Flexible Server over TLS (verify-full) as its administrator (postgresql-admin-password);
// local (the emulator's job runner): the local native server as its superuser (local settings), the
// passwords from the emulator's vault read as the workload identity — the same SQL, the same checks.
import { azureCredential } from '../../arm/azure-credential.ts';
import type { TokenCredential } from '@azure/core-auth';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { EmulatorCredential } from '../../arm/emulator-credential.ts';
import type { ResolvedDeployment } from '../../config/resolve.ts';
import { resolveTarget } from '../../deploy/preflight.ts';
import { findNativeBinaries } from '../../local/binaries.ts';
import { serviceRoleName } from '../../naming/database-names.ts';
import { loadSettings } from '../../local/settings.ts';
import type { VaultAccess } from '../../secrets/client.ts';
import { vaultOf, workloadIdentityOf } from '../../secrets/expected.ts';
import { postgresAdminPasswordSecret } from '../../secrets/names.ts';
import { outputAt, outputsOfStack, postgresPasswordSecret, secretsReadOf, type SecretsRead } from '../azure-target.ts';
import { readSecrets } from '../key-vault-checks.ts';
import { databaseStepChecks, type AdminConnection, type ServiceDatabase } from './database-step.ts';
import type { JobChecks } from './checks.ts';
import type { JobConfiguration } from './config.ts';
import { emulatorCaEnv, stackEnv, stackFromJob } from './stack-env.ts';

/** Debian's CA bundle (package ca-certificates in validate.Dockerfile): the roots Azure's server certificates chain to. */
export const systemRootCertFile = '/etc/ssl/certs/ca-certificates.crt';

const readProblem = (read: SecretsRead, name: string): string => read.problems.get(name) ?? 'not read';

/** Pure: each service's role, database (output database.databaseNames) and password (or why there is none). */
export function serviceDatabases(outputs: Record<string, unknown>, services: readonly string[], read: SecretsRead): ServiceDatabase[] {
  const names = outputAt(outputs, 'database.databaseNames');
  const databaseNames = names !== null && typeof names === 'object' ? (names as Record<string, unknown>) : {};
  const missing = services.filter((s) => typeof databaseNames[s] !== 'string' || databaseNames[s] === '');
  if (missing.length > 0) throw new Error(`stack output database.databaseNames has no database for ${missing.join(', ')} (redeploy the database tier)`);
  return services.map((service) => {
    const secretName = postgresPasswordSecret(service);
    const password = read.values.get(secretName) ?? '';
    return { service, role: serviceRoleName(service), database: databaseNames[service] as string, secretName, password, ...(password === '' ? { problem: readProblem(read, secretName) } : {}) };
  });
}

function need(outputs: Record<string, unknown>, path: string): string {
  const value = outputAt(outputs, path);
  if (typeof value !== 'string' || value === '') throw new Error(`stack output ${path} is missing: the database step needs it (redeploy, or check cf-infra show)`);
  return value;
}

export async function databaseJobChecks(config: JobConfiguration, env: NodeJS.ProcessEnv = process.env): Promise<JobChecks> {
  const resolved = resolveTarget(config.deployment).resolved as ResolvedDeployment;
  const passed = env[stackEnv];
  if (!passed) throw new Error(`${stackEnv} is not set: the database step needs the stack's outputs (the start request passes them)`);
  const stack: DeploymentStack = stackFromJob(passed);
  const outputs = outputsOfStack(stack);
  const vault = vaultOf(stack);
  if (vault === undefined) throw new Error('stack output security.keyVaultUri is missing: the passwords are read from the deployment\'s Key Vault');
  const services = resolved.catalog.services;
  const names = services.map(postgresPasswordSecret);

  let access: VaultAccess;
  let adminOf: (read: SecretsRead) => AdminConnection;
  let psql: string;
  if (config.target === 'local') {
    const caPem = env[emulatorCaEnv];
    if (!caPem) throw new Error(`${emulatorCaEnv} is not set: behind the emulator the job reads the emulator's vault (its CA)`);
    const settings = loadSettings(config.envPath);
    const principalId = workloadIdentityOf(stack).principalId;
    access = { credential: new EmulatorCredential(principalId === undefined ? {} : { principalId }), emulatorCaPem: caPem };
    adminOf = () => ({ host: '127.0.0.1', port: settings.ports.postgres, user: settings.postgresSuperuser, password: settings.postgresSuperuserPassword, tls: false });
    psql = findNativeBinaries().psql;
  } else {
    const clientId = env.AZURE_CLIENT_ID;
    const credential: TokenCredential = azureCredential(clientId ? { managedIdentityClientId: clientId } : {});
    access = { credential };
    names.push(postgresAdminPasswordSecret);
    const host = need(outputs, 'database.fqdn');
    const user = need(outputs, 'database.administratorLogin');
    adminOf = (read) => {
      const password = read.values.get(postgresAdminPasswordSecret);
      if (password === undefined) throw new Error(`Key Vault secret ${postgresAdminPasswordSecret} of ${vault.url} could not be read (${readProblem(read, postgresAdminPasswordSecret)}): the database step logs in as the server admin with it`);
      return { host, port: 5432, user, password, tls: { rootCertFile: systemRootCertFile } };
    };
    psql = 'psql';
  }
  const read = secretsReadOf(await readSecrets(vault.url, names, access));
  const secrets = [...read.values.values()];
  const admin = adminOf(read);
  return { checks: databaseStepChecks({ admin, services: serviceDatabases(outputs, services, read), psql }), secrets: [...secrets, admin.password] };
}

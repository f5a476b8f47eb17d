// The local native environment as a validation target: the settings of local/.env (.env.example),
// roles cf_<service>, databases complianceflow_<service>_<suffix>, on 127.0.0.1 without TLS.
// Behind the emulator (a deployed stack with a vault), the PostgreSQL logins are the deployment's:
// the databases of its output database.databaseNames and the passwords of its Key Vault, read as the
// workload identity — what the deploy's database step applied to the local server, as on Azure.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { EmulatorCredential } from '../arm/emulator-credential.ts';
import { databaseName, serviceRoleName } from '../naming/database-names.ts';
import type { LocalSettings } from '../local/settings.ts';
import { vaultOf, workloadIdentityOf } from '../secrets/expected.ts';
import { outputAt, outputsOfStack, postgresPasswordSecret, secretsReadOf } from './azure-target.ts';
import { readSecrets } from './key-vault-checks.ts';
import { localNotRunningHint, type Built, type PostgresTarget, type RedisTarget } from './targets.ts';

export function localPostgresTarget(settings: LocalSettings, services: readonly string[]): PostgresTarget {
  return {
    host: '127.0.0.1',
    port: settings.ports.postgres,
    tls: false,
    logins: services.map((service) => ({ service, login: serviceRoleName(service), password: settings.serviceDbPassword, database: databaseName(service, settings.databaseSuffix) })),
    notRunningHint: localNotRunningHint,
  };
}

export const emulatorDatabaseStepHint = 'the deploy\'s database step applies them (cf-infra deploy <deployment> --emulator --env-path <local settings>)';

/** The emulated deployment's logins on the local server: its database names and its vault's passwords (read as the workload identity). */
export async function emulatorPostgresTarget(settings: LocalSettings, stack: DeploymentStack, services: readonly string[], caPem: string): Promise<Built<PostgresTarget>> {
  const vault = vaultOf(stack);
  if (vault === undefined) return { ok: false, reason: 'the stack has no output security.keyVaultUri: the service passwords are in its vault' };
  const names = outputAt(outputsOfStack(stack), 'database.databaseNames');
  const databases = names !== null && typeof names === 'object' ? (names as Record<string, unknown>) : {};
  const principalId = workloadIdentityOf(stack).principalId;
  const read = secretsReadOf(await readSecrets(vault.url, services.map(postgresPasswordSecret), { credential: new EmulatorCredential(principalId === undefined ? {} : { principalId }), emulatorCaPem: caPem }));
  const problems: string[] = [];
  const logins = services.map((service) => {
    const database = databases[service];
    if (typeof database !== 'string') problems.push(`stack output database.databaseNames has no database for ${service}`);
    const password = read.values.get(postgresPasswordSecret(service));
    if (password === undefined) problems.push(`Key Vault secret ${postgresPasswordSecret(service)} of ${vault.url} could not be read (${read.problems.get(postgresPasswordSecret(service)) ?? 'not read'})`);
    return { service, login: serviceRoleName(service), password: password ?? '', database: typeof database === 'string' ? database : '' };
  });
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, target: { host: '127.0.0.1', port: settings.ports.postgres, tls: false, logins, notRunningHint: `${localNotRunningHint}; ${emulatorDatabaseStepHint}` } };
}

export function localRedisTarget(settings: LocalSettings, expectedEvictionPolicy: string): RedisTarget {
  return { host: '127.0.0.1', port: settings.ports.redis, tls: false, expectedEvictionPolicy, notRunningHint: localNotRunningHint };
}

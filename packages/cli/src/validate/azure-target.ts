// The Azure targets of the data checks, from the stack's outputs (database, redis, messaging,
// security, monitoring) and the Key Vault secrets (postgresql-<service>-password, the hubs'
// connection strings, the Application Insights connection string, redis-primary-key when access keys
// are on). Used by `validate --from-here` and by the in-VNet job. A missing output or secret fails
// only the checks that need it, with a reason naming what is missing.
import type { TokenCredential } from '@azure/core-auth';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { LogsQueryClient } from '@azure/monitor-query-logs';
import { isJsonObject } from '@complianceflow/core/json.ts';
import { readEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import type { Catalog } from '../config/types.ts';
import { serviceRoleName } from '../naming/database-names.ts';
import type { ArmContext } from './arm-checks.ts';
import { expectedConsumerGroups, kafkaConsumers } from './event-hubs-checks.ts';
import type { SecretRead } from './key-vault-checks.ts';
import { defaultMonitoringWaitMs, ingestionScope } from './monitoring-checks.ts';
import { redisPolicyName, type Built, type ConsumerGroupsTarget, type EventHubsTarget, type MonitoringTarget, type PostgresTarget, type RedisTarget } from './targets.ts';

export const redisScope = 'https://redis.azure.com/.default';
export const postgresPort = 5432;
export const appInsightsSecret = 'applicationinsights-connection-string';
export const redisKeySecret = 'redis-primary-key';
export const postgresPasswordSecret = (service: string): string => `postgresql-${service}-password`;

export interface AzureTargets {
  postgres: Built<PostgresTarget>;
  redis: Built<RedisTarget>;
  eventHubs: Built<EventHubsTarget>;
  consumerGroups: ConsumerGroupsTarget;
  monitoring: Built<MonitoringTarget>;
  /** Every secret value read (for the runner's masking list). */
  secrets: string[];
}

/** The stack's outputs as plain values ({ database: { fqdn, ... }, ... }). */
export function outputsOfStack(stack: DeploymentStack): Record<string, unknown> {
  const outputs = (stack.properties?.outputs ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, (o as { value?: unknown } | null)?.value ?? o]));
}

/** Pure: the value at a dotted path of the outputs (database.fqdn), or undefined. */
export function outputAt(outputs: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), outputs);
}

const missingOutput = (path: string): string => `stack output ${path} is missing (redeploy, or check cf-infra show <deployment>)`;

function stringAt(outputs: Record<string, unknown>, path: string, problems: string[]): string {
  const value = outputAt(outputs, path);
  if (typeof value === 'string' && value !== '') return value;
  problems.push(missingOutput(path));
  return '';
}

function recordAt<T>(outputs: Record<string, unknown>, path: string, problems: string[]): Record<string, T> {
  const value = outputAt(outputs, path);
  if (isJsonObject(value)) return value as Record<string, T>;
  problems.push(missingOutput(path));
  return {};
}

const built = <T>(target: T, problems: readonly string[]): Built<T> => (problems.length === 0 ? { ok: true, target } : { ok: false, reason: problems.join('; ') });

/** Pure: the secret names the targets need (in a stable order). */
export function secretNamesNeeded(outputs: Record<string, unknown>, catalog: Pick<Catalog, 'services' | 'eventHubs'>): string[] {
  const names = catalog.services.map(postgresPasswordSecret);
  const connectionStrings = outputAt(outputs, 'messaging.connectionStringSecretNames') as Record<string, { send?: string; listen?: string }> | undefined;
  for (const hub of catalog.eventHubs) {
    const entry = connectionStrings?.[hub.name];
    for (const name of [entry?.send, entry?.listen]) if (typeof name === 'string') names.push(name);
  }
  if (outputAt(outputs, 'redis.accessKeysAuthenticationEnabled') === true) names.push(redisKeySecret);
  names.push(appInsightsSecret);
  return names;
}

export interface SecretsRead {
  values: Map<string, string>;
  /** Name → why it could not be read (missing, forbidden, unreachable...). */
  problems: Map<string, string>;
}

/** Pure: B1's reads as values and problems (an empty value is a problem too). */
export function secretsReadOf(reads: readonly SecretRead[]): SecretsRead {
  const values = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const r of reads) {
    if (!r.readable) problems.set(r.name, `${r.problem}: ${r.reason}`);
    else if (!r.enabled) problems.set(r.name, 'disabled');
    else if (r.value === '') problems.set(r.name, 'empty');
    else values.set(r.name, r.value);
  }
  return { values, problems };
}

function secret(read: SecretsRead, name: string, vault: string | undefined, problems: string[]): string {
  const value = read.values.get(name);
  if (value !== undefined) return value;
  // Without the vault's address nothing was read: the missing output is the one reason.
  if (vault !== undefined) problems.push(`Key Vault secret ${name} of ${vault} could not be read (${read.problems.get(name) ?? 'not read'})`);
  return '';
}

/** What the Redis login is: an access key (from Key Vault) or Entra ID (a token; its oid as the user). */
export type RedisLogin = { kind: 'key' } | { kind: 'entra'; objectId: string; token: string } | { kind: 'unavailable'; reason: string };

export interface AssembleInput {
  outputs: Record<string, unknown>;
  catalog: Pick<Catalog, 'services' | 'eventHubs' | 'protocols'>;
  secrets: SecretsRead;
  redisLogin: RedisLogin;
  expectedEvictionPolicy: string;
  monitoringWaitMs: number;
  query: (workspaceResourceId: string, kql: string, abortSignal?: AbortSignal) => Promise<unknown[][]>;
  ingestionToken?: () => Promise<string>;
  consumerGroupExists?: (hub: string, group: string) => Promise<boolean>;
  /** A CA to trust instead of the system's (tests with their own CA). */
  ca?: string;
}

/** The Key Vault every target reads its secrets from, and the CA every target trusts. */
interface SharedParts {
  vault: string | undefined;
  /** Why the vault's address is unknown (each target that reads a secret starts with these). */
  vaultProblems: readonly string[];
  ca: { ca?: string };
}

/** Pure (given the secrets and the Redis login): the targets, each built or with what is missing. */
export function assembleTargets(input: AssembleInput): AzureTargets {
  const vaultProblems: string[] = [];
  const vault = stringAt(input.outputs, 'security.keyVaultUri', vaultProblems) || undefined;
  const shared: SharedParts = { vault, vaultProblems, ca: input.ca === undefined ? {} : { ca: input.ca } };
  const tokenSecret = input.redisLogin.kind === 'entra' ? [input.redisLogin.token] : [];
  return {
    postgres: postgresTarget(input, shared),
    redis: redisTarget(input, shared),
    eventHubs: eventHubsTarget(input, shared),
    consumerGroups: consumerGroupsTarget(input),
    monitoring: monitoringTarget(input, shared),
    secrets: [...input.secrets.values.values(), ...tokenSecret],
  };
}

function postgresTarget({ outputs, catalog, secrets }: AssembleInput, { vault, vaultProblems, ca }: SharedParts): Built<PostgresTarget> {
  const pg: string[] = [...vaultProblems];
  const host = stringAt(outputs, 'database.fqdn', pg);
  const databaseNames = recordAt<string>(outputs, 'database.databaseNames', pg);
  const logins = catalog.services.map((service) => {
    const database = databaseNames[service];
    if (Object.keys(databaseNames).length > 0 && typeof database !== 'string') pg.push(`stack output database.databaseNames has no database for ${service}`);
    return { service, login: serviceRoleName(service), password: secret(secrets, postgresPasswordSecret(service), vault, pg), database: database ?? '' };
  });
  return built<PostgresTarget>({ host, port: postgresPort, tls: true, ...ca, logins }, pg);
}

function redisTarget(input: AssembleInput, { vault, vaultProblems, ca }: SharedParts): Built<RedisTarget> {
  const { outputs } = input;
  const rd: string[] = [];
  const redisHost = stringAt(outputs, 'redis.hostName', rd);
  const port = outputAt(outputs, 'redis.port');
  if (typeof port !== 'number') rd.push(missingOutput('redis.port'));
  const keys = outputAt(outputs, 'redis.accessKeysAuthenticationEnabled');
  if (typeof keys !== 'boolean') rd.push(missingOutput('redis.accessKeysAuthenticationEnabled'));
  let login: Pick<RedisTarget, 'username' | 'password'> = {};
  if (keys === true) {
    const vp = [...vaultProblems];
    login = { password: secret(input.secrets, redisKeySecret, vault, vp) };
    rd.push(...vp);
  } else if (input.redisLogin.kind === 'entra') {
    login = { username: input.redisLogin.objectId, password: input.redisLogin.token };
  } else if (input.redisLogin.kind === 'unavailable') {
    rd.push(input.redisLogin.reason);
  }
  return built<RedisTarget>({
    host: redisHost, port: typeof port === 'number' ? port : 0, tls: true, ...ca, ...login,
    expectedEvictionPolicy: input.expectedEvictionPolicy,
  }, rd);
}

function eventHubsTarget({ outputs, catalog, secrets }: AssembleInput, { vault, vaultProblems, ca }: SharedParts): Built<EventHubsTarget> {
  const eh: string[] = [...vaultProblems];
  const bootstrapServer = stringAt(outputs, 'messaging.kafkaBootstrapServer', eh);
  const names = recordAt<{ send?: string; listen?: string }>(outputs, 'messaging.connectionStringSecretNames', eh);
  const hubs = catalog.eventHubs.map((hub) => {
    const entry = names[hub.name];
    if (Object.keys(names).length > 0 && (typeof entry?.send !== 'string' || typeof entry.listen !== 'string')) {
      eh.push(`stack output messaging.connectionStringSecretNames has no send/listen secret names for ${hub.name}`);
      return { name: hub.name, sendConnectionString: '', listenConnectionString: '' };
    }
    return {
      name: hub.name,
      sendConnectionString: entry === undefined ? '' : secret(secrets, entry.send!, vault, eh),
      listenConnectionString: entry === undefined ? '' : secret(secrets, entry.listen!, vault, eh),
    };
  });
  return built<EventHubsTarget>({ bootstrapServer, hubs, ...ca }, eh);
}

function consumerGroupsTarget({ outputs, catalog, consumerGroupExists }: AssembleInput): ConsumerGroupsTarget {
  const declared = outputAt(outputs, 'messaging.consumerGroups');
  return {
    expected: expectedConsumerGroups(catalog),
    kafkaConsumers: kafkaConsumers(catalog),
    declared: declared !== null && typeof declared === 'object' ? (declared as Record<string, string[]>) : undefined,
    ...(consumerGroupExists === undefined ? {} : { exists: consumerGroupExists }),
  };
}

function monitoringTarget(input: AssembleInput, { vault, vaultProblems, ca }: SharedParts): Built<MonitoringTarget> {
  const mo: string[] = [...vaultProblems];
  const workspaceResourceId = stringAt(input.outputs, 'monitoring.logAnalyticsWorkspaceResourceId', mo);
  const connectionString = secret(input.secrets, appInsightsSecret, vault, mo);
  return built<MonitoringTarget>({
    connectionString, workspaceResourceId, waitMs: input.monitoringWaitMs, ...ca,
    query: (kql, abortSignal) => input.query(workspaceResourceId, kql, abortSignal),
    ...(input.ingestionToken === undefined ? {} : { ingestionToken: input.ingestionToken }),
  }, mo);
}

/** Pure: the object id (oid) of an access token (a JWT, or the ARM emulator's token). */
export function tokenObjectId(token: string): string | undefined {
  const emulator = readEmulatorToken(token, 0);
  if (!('refused' in emulator)) return emulator.oid;
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const oid = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown }).oid;
    return typeof oid === 'string' ? oid : undefined;
  } catch {
    return undefined;
  }
}

/** Azure Managed Redis is Entra-only by default: a token for redis.azure.com, the principal's oid as the user. */
export async function entraRedisLogin(credential: TokenCredential): Promise<RedisLogin> {
  try {
    const token = await credential.getToken(redisScope);
    if (token === null) return { kind: 'unavailable', reason: `no Entra token for ${redisScope}` };
    const objectId = tokenObjectId(token.token);
    return objectId === undefined
      ? { kind: 'unavailable', reason: `the Entra token for ${redisScope} has no oid claim (the Redis user is the principal's object id)` }
      : { kind: 'entra', objectId, token: token.token };
  } catch (error) {
    return { kind: 'unavailable', reason: `no Entra token for ${redisScope}: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** The KQL over a Log Analytics workspace (by resource id), its first table's rows. */
export function logsQuery(credential: TokenCredential, options: { endpoint?: string; ca?: string } = {}): (workspaceResourceId: string, kql: string, abortSignal?: AbortSignal) => Promise<unknown[][]> {
  // Created by the first query: a run that queries no workspace never loads the Monitor client.
  let client: Promise<LogsQueryClient> | undefined;
  const logsClient = async (): Promise<LogsQueryClient> =>
    new (await import('@azure/monitor-query-logs')).LogsQueryClient(credential, {
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.ca === undefined ? {} : { tlsOptions: { ca: options.ca } }),
    });
  return async (workspaceResourceId, kql, abortSignal) => {
    client ??= logsClient();
    // The client puts the id after /v1/ as it is: without its leading slash, the path is /v1/subscriptions/...
    const result = await (await client).queryResource(workspaceResourceId.replace(/^\/+/, ''), kql, { duration: 'PT1H' }, abortSignal === undefined ? {} : { abortSignal });
    if (result.status === 'Success') return result.tables[0]?.rows ?? [];
    if (result.status === 'PartialFailure') return result.partialTables[0]?.rows ?? [];
    throw new Error(`the Log Analytics query failed: ${(result as { message?: string }).message ?? 'no result'}`);
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string };
  return e.statusCode === 404 || e.code === 'ResourceNotFound' || e.code === 'NotFound';
}

/** ARM lookups the data checks use when ARM is reachable (from here: yes; inside the job: its identity's rights). */
export interface ArmLookups {
  consumerGroupExists?: (hub: string, group: string) => Promise<boolean>;
  /** The cache database's evictionPolicy in Redis's naming (allkeys-lru). */
  readEvictionPolicy?: () => Promise<string | undefined>;
}

export function armLookups(arm: ArmContext, outputs: Record<string, unknown>): ArmLookups {
  const lookups: ArmLookups = {};
  const namespaceId = outputAt(outputs, 'messaging.resourceId');
  const groupsVersion = arm.apiVersions.get('microsoft.eventhub/namespaces/eventhubs/consumergroups');
  if (typeof namespaceId === 'string' && groupsVersion !== undefined) {
    lookups.consumerGroupExists = async (hub, group) => {
      try {
        await arm.clients.resources.resources.getById(`${namespaceId}/eventhubs/${hub}/consumergroups/${group}`, groupsVersion);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    };
  }
  const redisId = outputAt(outputs, 'redis.resourceId');
  const databaseVersion = arm.apiVersions.get('microsoft.cache/redisenterprise/databases');
  if (typeof redisId === 'string' && databaseVersion !== undefined) {
    lookups.readEvictionPolicy = async () => {
      const database = await arm.clients.resources.resources.getById(`${redisId}/databases/default`, databaseVersion);
      const policy = (database.properties as { evictionPolicy?: string } | undefined)?.evictionPolicy;
      return policy === undefined ? undefined : redisPolicyName(policy);
    };
  }
  return lookups;
}

export interface AzureTargetSources {
  stack: DeploymentStack;
  catalog: Pick<Catalog, 'services' | 'eventHubs' | 'protocols'>;
  expectedEvictionPolicy: string;
  /** Reads the named secrets of a vault (key-vault-checks.ts readSecrets with the caller's credential). */
  readSecrets: (vaultUrl: string, names: readonly string[]) => Promise<SecretRead[]>;
  /** Who connects: Redis (Entra), the ingestion of Application Insights, the Log Analytics query. */
  credential: TokenCredential;
  arm?: ArmContext;
  monitoringWaitMs?: number;
  query?: (workspaceResourceId: string, kql: string) => Promise<unknown[][]>;
  ca?: string;
}

/** Reads what the targets need (secrets, a Redis token) and assembles them. */
export async function buildAzureTargets(sources: AzureTargetSources): Promise<AzureTargets> {
  const outputs = outputsOfStack(sources.stack);
  const vaultUri = outputAt(outputs, 'security.keyVaultUri');
  const reads = typeof vaultUri === 'string' && vaultUri !== '' ? await sources.readSecrets(vaultUri, secretNamesNeeded(outputs, sources.catalog)) : [];
  const redisLogin: RedisLogin = outputAt(outputs, 'redis.accessKeysAuthenticationEnabled') === true ? { kind: 'key' } : await entraRedisLogin(sources.credential);
  const credential = sources.credential;
  const exists = sources.arm === undefined ? undefined : armLookups(sources.arm, outputs).consumerGroupExists;
  return assembleTargets({
    outputs,
    catalog: sources.catalog,
    secrets: secretsReadOf(reads),
    redisLogin,
    expectedEvictionPolicy: sources.expectedEvictionPolicy,
    monitoringWaitMs: sources.monitoringWaitMs ?? defaultMonitoringWaitMs,
    query: sources.query ?? logsQuery(credential),
    ingestionToken: async () => {
      const token = await credential.getToken(ingestionScope);
      if (token === null) throw new Error(`no Entra token for ${ingestionScope}`);
      return token.token;
    },
    ...(exists === undefined ? {} : { consumerGroupExists: exists }),
    ...(sources.ca === undefined ? {} : { ca: sources.ca }),
  });
}

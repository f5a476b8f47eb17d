// What the data checks connect to: the local native environment (no TLS) or Azure (TLS, verify-full),
// and the Event Hubs (Kafka) and Monitoring targets built from the stack's outputs (azure-target.ts).
export interface ServiceLogin {
  service: string;
  login: string;
  password: string;
  database: string;
}

export interface PostgresTarget {
  host: string;
  port: number;
  /** Azure requires TLS (verify-full); the local native environment serves no TLS. */
  tls: boolean;
  /** The CA to trust (PEM); default: the system's CAs (Azure's public CAs). */
  ca?: string;
  logins: ServiceLogin[];
  /** Added to connection failures: how to bring the server up (the local environment). */
  notRunningHint?: string;
}

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  ca?: string;
  /** Entra ID: the principal's object id (with a token as password); access keys: none. */
  username?: string;
  password?: string;
  /** The eviction policy as Redis names it (allkeys-lru), mapped from the profile. */
  expectedEvictionPolicy: string;
  notRunningHint?: string;
}

export interface EventHub {
  name: string;
  /** The hub's send-only and listen-only connection strings (Key Vault; secrets). */
  sendConnectionString: string;
  listenConnectionString: string;
}

export interface EventHubsTarget {
  /** <namespace>.servicebus.windows.net:9093 */
  bootstrapServer: string;
  hubs: EventHub[];
  ca?: string;
  /** Bound on connecting, producing and consuming one hub's message. */
  perHubTimeoutMs?: number;
}

export interface ConsumerGroupsTarget {
  /** Hub → the Event Hubs (ARM) group names the catalogue implies: <consumer>-consumer of its amqp consumers. */
  expected: Record<string, string[]>;
  /** Consuming services that use Kafka: no ARM group (Event Hubs creates their Kafka groups on first use). */
  kafkaConsumers: string[];
  /** Hub → group names the stack's messaging.consumerGroups output declares (undefined: output missing). */
  declared: Record<string, string[]> | undefined;
  /** Asks ARM whether a consumer group resource exists (undefined: no ARM access from here). */
  exists?: (hub: string, group: string) => Promise<boolean>;
}

export interface MonitoringTarget {
  /** The Application Insights connection string (Key Vault; a secret). */
  connectionString: string;
  /** The Log Analytics workspace the Application Insights resource writes to. */
  workspaceResourceId: string;
  /** Application Insights with local auth disabled takes Entra-authenticated telemetry only: a bearer token for https://monitor.azure.com//.default. */
  ingestionToken?: () => Promise<string>;
  /** How long to wait for the item to show up in Log Analytics. */
  waitMs: number;
  /** Runs a KQL query over the workspace and returns its rows (LogsQueryClient by default). */
  query: (kql: string, abortSignal?: AbortSignal) => Promise<unknown[][]>;
  ca?: string;
}

/** A target, or why it could not be built (what is missing), for the checks that need it. */
export type Built<T> = { ok: true; target: T } | { ok: false; reason: string };

export const localNotRunningHint = 'local environment not running: npm run local:up -- --native';
export const localNoTlsPostgres = 'the local environment serves PostgreSQL without TLS';
export const localNoTlsRedis = 'the local environment serves Redis without TLS';

/** The profile's eviction policy (AllKeysLRU) as Redis names it (allkeys-lru). */
export function redisPolicyName(profilePolicy: string): string {
  const match = /^(AllKeys|Volatile)(LRU|LFU|TTL|Random)$/.exec(profilePolicy);
  if (match !== null) return `${match[1]!.toLowerCase()}-${match[2]!.toLowerCase()}`;
  if (profilePolicy === 'NoEviction') return 'noeviction';
  return profilePolicy.toLowerCase();
}

/** Every secret a target holds, for masking. */
export function secretsOf(targets: { postgres?: PostgresTarget; redis?: RedisTarget; eventHubs?: EventHubsTarget; monitoring?: MonitoringTarget }): string[] {
  return [
    ...(targets.postgres?.logins.map((l) => l.password) ?? []),
    ...(targets.redis?.password === undefined ? [] : [targets.redis.password]),
    ...(targets.eventHubs?.hubs.flatMap((h) => [h.sendConnectionString, h.listenConnectionString]) ?? []),
    ...(targets.monitoring === undefined ? [] : [targets.monitoring.connectionString]),
  ].filter((s) => s !== '');
}

const tlsTrustCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
]);

/** A connection error in words: refused/unreachable gets the hint (how to start it); an untrusted certificate says so. */
export function describeConnectionError(error: unknown, where: string, hint: string | undefined): string {
  const e = error as { code?: string; message?: string };
  const base = e.message ?? String(error);
  if (e.code !== undefined && tlsTrustCodes.has(e.code)) {
    return `the TLS certificate of ${where} is not trusted (${e.code}: ${base}): the caller must trust the server's CA and connect by the server's name`;
  }
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|Connection is closed|connect ETIMEDOUT/i.test(base)) {
    return `${where} is not reachable (${e.code ?? base})${hint === undefined ? '' : `: ${hint}`}`;
  }
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `${where}: the name does not resolve (${e.code}): from outside the VNet the private DNS zone has no answer`;
  return base;
}

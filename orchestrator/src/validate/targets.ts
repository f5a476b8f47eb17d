// What the data checks connect to: the local native environment (no TLS) or Azure (TLS, verify-full).
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
  logins: ServiceLogin[];
  /** Added to connection failures: how to bring the server up (the local environment). */
  notRunningHint?: string;
}

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  password?: string;
  /** The eviction policy as Redis names it (allkeys-lru), mapped from the profile. */
  expectedEvictionPolicy: string;
  notRunningHint?: string;
}

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
export function secretsOf(targets: { postgres?: PostgresTarget; redis?: RedisTarget }): string[] {
  return [
    ...(targets.postgres?.logins.map((l) => l.password) ?? []),
    ...(targets.redis?.password === undefined ? [] : [targets.redis.password]),
  ].filter((s) => s !== '');
}

/** A connection error in words: refused/unreachable gets the hint (how to start it). */
export function describeConnectionError(error: unknown, where: string, hint: string | undefined): string {
  const e = error as { code?: string; message?: string };
  const base = e.message ?? String(error);
  if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|Connection is closed|connect ETIMEDOUT/i.test(base)) {
    return `${where} is not reachable (${e.code ?? base})${hint === undefined ? '' : `: ${hint}`}`;
  }
  return base;
}

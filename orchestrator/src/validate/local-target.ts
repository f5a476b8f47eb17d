// The local native environment as a validation target: the settings of local/.env (.env.example),
// roles cf_<service>, databases complianceflow_<service>_<suffix>, on 127.0.0.1 without TLS.
import { databaseName, serviceRoleName } from '../local/database-init.ts';
import type { LocalSettings } from '../local/settings.ts';
import { localNotRunningHint, type PostgresTarget, type RedisTarget } from './targets.ts';

export function localPostgresTarget(settings: LocalSettings, services: readonly string[]): PostgresTarget {
  return {
    host: '127.0.0.1',
    port: settings.ports.postgres,
    tls: false,
    logins: services.map((service) => ({ service, login: serviceRoleName(service), password: settings.serviceDbPassword, database: databaseName(service, settings.databaseSuffix) })),
    notRunningHint: localNotRunningHint,
  };
}

export function localRedisTarget(settings: LocalSettings, expectedEvictionPolicy: string): RedisTarget {
  return { host: '127.0.0.1', port: settings.ports.redis, tls: false, expectedEvictionPolicy, notRunningHint: localNotRunningHint };
}

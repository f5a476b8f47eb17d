// Which checks run where: against the emulator, PostgreSQL and Redis of the local native environment
// for real; against Azure, the data checks need a caller inside the VNet (not implemented yet here).
// Event Hubs, Key Vault and Monitoring are skipped with the reason; ARM-level checks when a stack is there.
import type { LocalSettings } from '../local/settings.ts';
import { armChecks, type ArmContext } from './arm-checks.ts';
import { localPostgresTarget, localRedisTarget } from './local-target.ts';
import { fail, skippedCheck, type CheckDefinition } from './model.ts';
import { postgresChecks } from './postgres-checks.ts';
import { redisChecks } from './redis-checks.ts';
import { serviceChecks } from './service-checks.ts';
import { secretsOf } from './targets.ts';

export const inVnetJobMissing = 'run with --from-here from inside the VNet (the in-VNet job is not implemented yet)';
export const fromHereMissing = 'not implemented yet: --from-here (stack outputs + Key Vault passwords) is not built yet';

export type DataSource =
  | { kind: 'local'; settings: LocalSettings; services: readonly string[] }
  | { kind: 'azure'; fromHere: boolean };

export type ArmSource = { kind: 'stack'; context: ArmContext } | { kind: 'missing'; reason: string } | { kind: 'none'; reason: string };

export interface SuiteInput {
  data: DataSource;
  arm: ArmSource;
  /** The profile's Redis eviction policy as Redis names it (allkeys-lru). */
  expectedEvictionPolicy: string;
}

export function azureDataChecks(reason: string): CheckDefinition[] {
  return [
    skippedCheck('postgres: TLS, service logins, isolation, extensions', 'postgres-login', reason),
    skippedCheck('redis: TLS, PING, SET/GET with expiry, eviction policy', 'redis-ping', reason),
  ];
}

function armLevel(source: ArmSource): CheckDefinition[] {
  if (source.kind === 'stack') return armChecks(source.context);
  const reason = source.reason;
  if (source.kind === 'none') return [skippedCheck('arm: managed resources', 'arm-succeeded', reason)];
  return [{ name: 'arm: every managed resource Succeeded', troubleshooting: 'arm-succeeded', run: async () => fail(reason) }];
}

export function buildSuite(input: SuiteInput): { checks: CheckDefinition[]; secrets: string[] } {
  if (input.data.kind === 'local') {
    const postgres = localPostgresTarget(input.data.settings, input.data.services);
    const redis = localRedisTarget(input.data.settings, input.expectedEvictionPolicy);
    return {
      checks: [...armLevel(input.arm), ...postgresChecks(postgres), ...redisChecks(redis), ...serviceChecks('emulator')],
      secrets: [...secretsOf({ postgres, redis }), input.data.settings.postgresSuperuserPassword],
    };
  }
  return {
    checks: [...armLevel(input.arm), ...azureDataChecks(input.data.fromHere ? fromHereMissing : inVnetJobMissing), ...serviceChecks('azure')],
    secrets: [],
  };
}

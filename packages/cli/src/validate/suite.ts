// Which checks run where:
// - local: the emulator's stack + PostgreSQL and Redis of the local native environment for real;
//   Event Hubs (produce/consume) and Monitoring skipped (no local counterpart);
// - azure: targets built from the stack's outputs and Key Vault (azure-target.ts), run from a caller
//   inside the VNet (--from-here, or the in-VNet job);
// - elsewhere: the data checks cannot run from this caller; skipped with the reason.
// ARM-level checks, "consumer groups exist" and the Redis eviction policy (ARM) run wherever a stack is there;
// the Key Vault check wherever the caller hands it in (it knows whose identity reads).
import type { Catalog } from '../config/types.ts';
import type { LocalSettings } from '../local/settings.ts';
import { armChecks, type ArmContext } from './arm-checks.ts';
import { armLookups, outputsOfStack, type AzureTargets } from './azure-target.ts';
import { consumerGroupsChecks, eventHubsProduceConsumeChecks, expectedConsumerGroups, kafkaConsumers, produceConsumeCheckName } from './event-hubs-checks.ts';
import { localPostgresTarget, localRedisTarget } from './local-target.ts';
import { fail, skippedCheck, type CheckDefinition } from './model.ts';
import { monitoringCheckName, monitoringChecks } from './monitoring-checks.ts';
import { postgresChecks } from './postgres-checks.ts';
import { armEvictionCheck, redisChecks } from './redis-checks.ts';
import { keyVaultCheckName } from './key-vault-checks.ts';
import { consumerGroupsSkipped, localServiceChecks, noLocalCounterpart, postgresGroupName, redisGroupName, skippedDataChecks, unavailableCheck } from './service-checks.ts';
import { secretsOf, type Built, type ConsumerGroupsTarget, type PostgresTarget } from './targets.ts';

export type DataSource =
  /** postgres: the emulated deployment's logins (local-target.ts emulatorPostgresTarget); default: the local settings' own. */
  | { kind: 'local'; settings: LocalSettings; postgres?: Built<PostgresTarget> }
  | { kind: 'azure'; targets: AzureTargets }
  | { kind: 'elsewhere'; reason: string };

export type ArmSource = { kind: 'stack'; context: ArmContext } | { kind: 'missing'; reason: string } | { kind: 'none'; reason: string };

export interface SuiteInput {
  data: DataSource;
  arm: ArmSource;
  catalog: Pick<Catalog, 'services' | 'eventHubs' | 'protocols'>;
  /** The profile's Redis eviction policy as Redis names it (allkeys-lru). */
  expectedEvictionPolicy: string;
  /** The Key Vault check where it can run (key-vault-checks.ts); otherwise skipped with this reason. */
  keyVault?: CheckDefinition[] | { reason: string };
}

function armLevel(source: ArmSource): CheckDefinition[] {
  if (source.kind === 'stack') return armChecks(source.context);
  const reason = source.reason;
  if (source.kind === 'none') return [skippedCheck('arm: managed resources', 'arm-succeeded', reason)];
  return [{ name: 'arm: every managed resource Succeeded', troubleshooting: 'arm-succeeded', run: async () => fail(reason) }];
}

/** "Consumer groups exist" needs only the stack's outputs and ARM, so it runs in every setting with a stack. */
export function consumerGroupsFromStack(context: ArmContext, catalog: SuiteInput['catalog']): ConsumerGroupsTarget {
  const outputs = outputsOfStack(context.stack);
  const declared = (outputs.messaging as { consumerGroups?: Record<string, string[]> } | undefined)?.consumerGroups;
  const exists = armLookups(context, outputs).consumerGroupExists;
  return { expected: expectedConsumerGroups(catalog), kafkaConsumers: kafkaConsumers(catalog), declared, ...(exists === undefined ? {} : { exists }) };
}

function consumerGroupsLevel(input: SuiteInput, targets?: AzureTargets): CheckDefinition[] {
  if (targets !== undefined) return consumerGroupsChecks(targets.consumerGroups);
  if (input.arm.kind === 'stack') return consumerGroupsChecks(consumerGroupsFromStack(input.arm.context, input.catalog));
  return [consumerGroupsSkipped(input.arm.reason)];
}

/** The cache's eviction policy as ARM has it (CONFIG is blocked on Azure Managed Redis): wherever a stack is there. */
function armEvictionLevel(input: SuiteInput): CheckDefinition[] {
  if (input.arm.kind !== 'stack') return [];
  const read = armLookups(input.arm.context, outputsOfStack(input.arm.context.stack)).readEvictionPolicy;
  return read === undefined ? [] : [armEvictionCheck(input.expectedEvictionPolicy, read)];
}

function keyVaultLevel(input: SuiteInput, fallback: string): CheckDefinition[] {
  if (Array.isArray(input.keyVault)) return input.keyVault;
  return [skippedCheck(keyVaultCheckName, 'key-vault', input.keyVault?.reason ?? fallback)];
}

function azureDataChecks(input: SuiteInput, targets: AzureTargets): CheckDefinition[] {
  const { postgres, redis, eventHubs, monitoring } = targets;
  return [
    ...(postgres.ok ? postgresChecks(postgres.target) : [unavailableCheck(postgresGroupName, 'postgres-login', postgres.reason)]),
    // CONFIG is blocked on Azure Managed Redis: the eviction policy is armEvictionLevel's (ARM).
    ...(redis.ok ? redisChecks(redis.target).filter((c) => c.troubleshooting !== 'redis-eviction') : [unavailableCheck(redisGroupName, 'redis-ping', redis.reason)]),
    ...(eventHubs.ok ? eventHubsProduceConsumeChecks(eventHubs.target) : [unavailableCheck(produceConsumeCheckName, 'event-hubs', eventHubs.reason)]),
    ...consumerGroupsLevel(input, targets),
    ...keyVaultLevel(input, 'no Key Vault check was set up for this run'),
    ...(monitoring.ok ? monitoringChecks(monitoring.target) : [unavailableCheck(monitoringCheckName, 'monitoring', monitoring.reason)]),
  ];
}

export function buildSuite(input: SuiteInput): { checks: CheckDefinition[]; secrets: string[] } {
  const { data } = input;
  if (data.kind === 'local') {
    const postgres = data.postgres ?? { ok: true, target: localPostgresTarget(data.settings, input.catalog.services) };
    const redis = localRedisTarget(data.settings, input.expectedEvictionPolicy);
    const postgresLevel = postgres.ok ? postgresChecks(postgres.target) : [unavailableCheck(postgresGroupName, 'postgres-login', postgres.reason)];
    return {
      checks: [...armLevel(input.arm), ...armEvictionLevel(input), ...postgresLevel, ...redisChecks(redis), ...consumerGroupsLevel(input), ...keyVaultLevel(input, noLocalCounterpart.keyVault), ...localServiceChecks()],
      secrets: [...secretsOf({ ...(postgres.ok ? { postgres: postgres.target } : {}), redis }), data.settings.postgresSuperuserPassword, data.settings.serviceDbPassword],
    };
  }
  if (data.kind === 'azure') {
    // targets.secrets holds every value read from Key Vault and the Redis token.
    return { checks: [...armLevel(input.arm), ...armEvictionLevel(input), ...azureDataChecks(input, data.targets)], secrets: data.targets.secrets };
  }
  return {
    checks: [...armLevel(input.arm), ...armEvictionLevel(input), ...skippedDataChecks(data.reason), ...consumerGroupsLevel(input), ...keyVaultLevel(input, data.reason)],
    secrets: [],
  };
}

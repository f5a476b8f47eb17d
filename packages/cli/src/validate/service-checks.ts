// The checks of the services that have no counterpart in a setting, as skipped with the reason
// (never passed), and the stand-in for checks whose target could not be built (failed, naming what
// is missing). Which setting runs what: suite.ts.
import { fail, skippedCheck, type CheckDefinition } from './model.ts';
import { consumerGroupsCheckName, produceConsumeCheckName } from './event-hubs-checks.ts';
import { keyVaultCheckName } from './key-vault-checks.ts';
import { monitoringCheckName } from './monitoring-checks.ts';

export const postgresGroupName = 'postgres: TLS, service logins, isolation, extensions';
export const redisGroupName = 'redis: TLS, PING, SET/GET with expiry, eviction policy';

export const noLocalCounterpart = {
  eventHubs: 'the emulator and the native local environment have no Event Hubs (Kafka) counterpart',
  consumerGroups: 'no stack to read the consumer groups from',
  keyVault: 'no vault is read in this setting: cf-infra validate --emulator (without --job) reads the emulator\'s vault',
  monitoring: 'the emulator has no Application Insights / Log Analytics to send telemetry to',
};

/** One failing check that stands for a group whose target is missing something (the reason says what). */
export function unavailableCheck(name: string, troubleshooting: string, reason: string): CheckDefinition {
  return { name, troubleshooting, run: async () => fail(reason) };
}

/** The data checks skipped with one reason (they run elsewhere, or cannot run from this caller). */
export function skippedDataChecks(reason: string): CheckDefinition[] {
  return [
    skippedCheck(postgresGroupName, 'postgres-login', reason),
    skippedCheck(redisGroupName, 'redis-ping', reason),
    skippedCheck(produceConsumeCheckName, 'event-hubs', reason),
    skippedCheck(monitoringCheckName, 'monitoring', reason),
  ];
}

/** The emulator setting: what the local environment has no counterpart for (Key Vault: see suite.ts). */
export function localServiceChecks(): CheckDefinition[] {
  return [
    skippedCheck(produceConsumeCheckName, 'event-hubs', noLocalCounterpart.eventHubs),
    skippedCheck(monitoringCheckName, 'monitoring', noLocalCounterpart.monitoring),
  ];
}

export const consumerGroupsSkipped = (reason: string): CheckDefinition => skippedCheck(consumerGroupsCheckName, 'event-hubs', reason);

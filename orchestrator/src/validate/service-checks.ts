// Event Hubs (Kafka), Key Vault and Monitoring: the local environment has no counterpart, and the
// Azure side is not implemented yet; both are reported as skipped with the reason, never passed.
import { skippedCheck, type CheckDefinition } from './model.ts';

export type Setting = 'emulator' | 'azure';

const noLocalCounterpart = {
  eventHubs: 'the emulator and the native local environment have no Event Hubs (Kafka) counterpart',
  keyVault: 'the emulator holds no Key Vault secrets to read',
  monitoring: 'the emulator has no Application Insights / Log Analytics to send telemetry to',
};
const notImplemented = 'not implemented yet';

export function serviceChecks(setting: Setting): CheckDefinition[] {
  const reason = (local: string) => (setting === 'emulator' ? local : notImplemented);
  return [
    skippedCheck('event hubs: produce and consume one message per hub (Kafka)', 'event-hubs', reason(noLocalCounterpart.eventHubs)),
    skippedCheck('event hubs: consumer groups exist', 'event-hubs', reason(noLocalCounterpart.eventHubs)),
    skippedCheck('key vault: expected secrets readable by the services identity', 'key-vault', reason(noLocalCounterpart.keyVault)),
    skippedCheck('monitoring: test telemetry found in Log Analytics', 'monitoring', reason(noLocalCounterpart.monitoring)),
  ];
}

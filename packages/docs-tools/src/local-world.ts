// The picture of the local world that the Setup Guide and Local Development open with: the ARM
// emulator, Azurite, PostgreSQL, Redis, Kafka and its console (Docker only), the sample service, each
// with its port from the one source of that port — local/.env.example for the local environment, the
// emulator contract and the Azurite module for the two emulators — so the picture cannot drift.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { azuriteDefaultBlobPort } from '@complianceflow/cli/lock/azurite.ts';
import { parseEnvText, portKeys } from '@complianceflow/cli/local/settings.ts';
import { defaultEmulatorPort } from '@complianceflow/core/arm/emulator-contract.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';

export type LocalPortKey = keyof typeof portKeys;

/** The local environment's host ports, each from local/.env.example. */
export function localPorts(root: string): Record<LocalPortKey, string> {
  const example = parseEnvText(readFileSync(path.join(root, 'local', '.env.example'), 'utf8'), 'local/.env.example');
  const entries = Object.keys(portKeys).map((key) => {
    const value = example.get(key)?.value;
    if (value === undefined) throw new ConfigError([`local/.env.example: ${key} is missing`]);
    return [key, value] as const;
  });
  return Object.fromEntries(entries) as Record<LocalPortKey, string>;
}

export function localWorldDiagram(root: string): string {
  const p = localPorts(root);
  const lines = [
    '```mermaid',
    'flowchart LR',
    '  cli["cf-infra<br/>(npm run …)"]',
    '  subgraph host["your machine: everything on 127.0.0.1"]',
    `    emu["ARM emulator, HTTPS<br/>:${defaultEmulatorPort} ARM_EMULATOR_PORT"]`,
    `    azurite[("Azurite blob service<br/>the lock store<br/>:${azuriteDefaultBlobPort} AZURITE_BLOB_PORT")]`,
    '    subgraph env["local environment: npm run local:up (Docker, or --native)"]',
    `      pg[("PostgreSQL<br/>:${p.POSTGRES_PORT} POSTGRES_PORT")]`,
    `      redis[("Redis<br/>:${p.REDIS_PORT} REDIS_PORT")]`,
    `      kafka["Kafka, Docker only<br/>:${p.KAFKA_PORT} KAFKA_PORT"]`,
    `      console["Redpanda Console, Docker only<br/>:${p.CONSOLE_PORT} CONSOLE_PORT"]`,
    '    end',
    `    sample["sample service<br/>:${p.SAMPLE_SERVICE_PORT} SAMPLE_SERVICE_PORT<br/>debugger :${p.SAMPLE_DEBUG_PORT} SAMPLE_DEBUG_PORT"]`,
    '  end',
    '  cli -->|"deploy, what-if, list (ARM over HTTPS)"| emu',
    '  cli -->|"deployment lock (blob lease)"| azurite',
    '  cli -->|"local up / down / status"| env',
    '  sample --> pg & redis & kafka',
    '  console --> kafka',
    '  classDef dockerOnly stroke-dasharray: 5 5',
    '  class kafka,console dockerOnly',
    '```',
  ];
  const note = [
    '**Kafka needs Docker**: Kafka and the Redpanda Console run only in Docker mode (no Debian package',
    'provides a broker); without a Docker engine `npm run local:up` runs PostgreSQL and Redis natively and',
    'reports Kafka as not available. The ARM emulator and Azurite need neither Docker nor the local',
    'environment. The local environment\'s ports come from `local/.env` (defaults: `local/.env.example`),',
    'the emulator\'s from `ARM_EMULATOR_PORT`, the lock store\'s from `AZURITE_BLOB_PORT`.',
  ];
  return `${lines.join('\n')}\n\n${note.join('\n')}`;
}

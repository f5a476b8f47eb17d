// Where a running ARM emulator is (npm run emulator): its endpoint and the CA it generated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envNumber, envString, type EnvName } from '@complianceflow/core/env.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { defaultEmulatorPort, defaultEmulatorStateDir } from '@complianceflow/core/arm/emulator-contract.ts';

export const emulatorEndpointEnv = 'ARM_EMULATOR_ENDPOINT' satisfies EnvName;
export const emulatorCaEnv = 'ARM_EMULATOR_CA' satisfies EnvName;

export function emulatorTarget(env: NodeJS.ProcessEnv = process.env): { kind: 'emulator'; endpoint: string; caPem: string } {
  const endpoint = envString(emulatorEndpointEnv, env) ?? `https://127.0.0.1:${envNumber('ARM_EMULATOR_PORT', defaultEmulatorPort, env)}`;
  const caPath = envString(emulatorCaEnv, env) ?? path.join(envString('ARM_EMULATOR_STATE_DIR', env) ?? defaultEmulatorStateDir, 'ca.pem');
  let caPem: string;
  try {
    caPem = readFileSync(caPath, 'utf8');
  } catch {
    throw new UsageError(`--emulator: no emulator CA at ${caPath}`, `start the emulator first (npm run emulator), or set ${emulatorCaEnv} and ${emulatorEndpointEnv}`);
  }
  return { kind: 'emulator', endpoint, caPem };
}

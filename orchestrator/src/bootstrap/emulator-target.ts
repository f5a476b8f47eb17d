// Where a running ARM emulator is (npm run emulator): its endpoint and the CA it generated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { repoRoot } from '../config/paths.ts';
import { defaultEmulatorPort } from '../../../local/arm-emulator/options.ts';

export const emulatorEndpointEnv = 'ARM_EMULATOR_ENDPOINT';
export const emulatorCaEnv = 'ARM_EMULATOR_CA';

export function emulatorTarget(env: NodeJS.ProcessEnv = process.env): { kind: 'emulator'; endpoint: string; caPem: string } {
  const endpoint = env[emulatorEndpointEnv] ?? `https://127.0.0.1:${env.ARM_EMULATOR_PORT ?? defaultEmulatorPort}`;
  const caPath = env[emulatorCaEnv] ?? path.join(env.ARM_EMULATOR_STATE_DIR ?? path.join(repoRoot, '.local-data', 'arm-emulator'), 'ca.pem');
  let caPem: string;
  try {
    caPem = readFileSync(caPath, 'utf8');
  } catch {
    throw new UsageError(`--emulator: no emulator CA at ${caPath}`, `start the emulator first (npm run emulator), or set ${emulatorCaEnv} and ${emulatorEndpointEnv}`);
  }
  return { kind: 'emulator', endpoint, caPem };
}

// An ARM session: the SDK clients for Azure or the local ARM emulator, with the SDK's one retry
// policy (arm/clients.ts). --emulator uses a running emulator (npm run emulator, or $ARM_EMULATOR_ENDPOINT) as it
// is; otherwise one is started for the command as a child process (emulator-process.ts), on the
// same state directory, and stopped in close(). The lock store (Azurite) is a service of its own
// that no run starts: lock/local-store.ts.
import { mkdirSync } from 'node:fs';
import type { TokenCredential } from '@azure/core-auth';
import path from 'node:path';
import { envNumber, envString } from '@complianceflow/core/env.ts';
import { defaultEmulatorPort, defaultEmulatorStateDir, defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
import { canConnect } from '../lock/local-store.ts';
import { createArmClients, type ArmClients } from './clients.ts';
import { emulatorEndpointEnv, emulatorTarget } from './emulator-target.ts';
import { asSuffix, emulatorIdentities, type EmulatorIdentity } from './identities.ts';

export interface ArmSession {
  clients: ArmClients;
  /** For messages: "the ARM emulator at https://127.0.0.1:8443" or "Azure". */
  where: string;
  emulator: boolean;
  /** The deploying identity's object id, when known (deny settings exclude it). */
  principalId: string | undefined;
  close(): Promise<void>;
}

export function emulatorStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return envString('ARM_EMULATOR_STATE_DIR', env) ?? defaultEmulatorStateDir;
}

/** The emulator's subscription: $ARM_EMULATOR_SUBSCRIPTION_ID or the emulator's default. */
export async function emulatorSubscriptionId(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = envString('ARM_EMULATOR_SUBSCRIPTION_ID', env);
  if (given !== undefined) return given;
  return defaultSubscriptionId;
}

export async function openEmulatorSession(options: { env?: NodeJS.ProcessEnv; identity?: EmulatorIdentity } = {}): Promise<ArmSession> {
  const env = options.env ?? process.env;
  // The token's object id is who the emulator authorizes (--as); deny settings exclude the same one.
  const identity = options.identity ?? 'owner';
  const { principalId } = emulatorIdentities[identity];
  const subscriptionId = await emulatorSubscriptionId(env);
  const endpoint = envString(emulatorEndpointEnv, env) ?? envString('CF_EMULATOR_URL', env);
  const port = envNumber('ARM_EMULATOR_PORT', defaultEmulatorPort, env);
  const running = endpoint !== undefined || (await canConnect(port));
  if (running) {
    const target = emulatorTarget({ ...env, ...(endpoint === undefined ? {} : { [emulatorEndpointEnv]: endpoint }) });
    const clients = createArmClients({ ...target, subscriptionId, principalId });
    return { clients, where: `the ARM emulator at ${target.endpoint}${asSuffix(identity)}`, emulator: true, principalId, close: async () => {} };
  }
  const stateDir = emulatorStateDir(env);
  mkdirSync(stateDir, { recursive: true });
  // Loaded only when no emulator runs: the process layer (zx) stays out of a run that finds one.
  const { startEmulatorProcess } = await import('./emulator-process.ts');
  const emulator = await startEmulatorProcess(env, stateDir);
  const { caPem } = emulatorTarget({ ...env, [emulatorEndpointEnv]: emulator.endpoint, ARM_EMULATOR_STATE_DIR: stateDir });
  const clients = createArmClients({ kind: 'emulator', subscriptionId, endpoint: emulator.endpoint, caPem, principalId });
  return {
    clients,
    where: `the ARM emulator started for this command (state in ${path.relative(process.cwd(), stateDir) || '.'})${asSuffix(identity)}`,
    emulator: true,
    principalId,
    close: () => emulator.stop(),
  };
}

export async function openAzureSession(subscriptionId: string): Promise<ArmSession> {
  const clients = createArmClients({ kind: 'azure', subscriptionId });
  return { clients, where: `Azure subscription ${subscriptionId}`, emulator: false, principalId: envString('AZURE_CLIENT_OBJECT_ID'), close: async () => {} };
}

/** The session's identity for the deployment's Key Vault data plane: its credential, and the emulator's CA. */
export function vaultAccess(arm: ArmSession): { credential: TokenCredential; emulatorCaPem?: string } {
  return arm.emulator && arm.clients.caPem !== undefined ? { credential: arm.clients.credential, emulatorCaPem: arm.clients.caPem } : { credential: arm.clients.credential };
}

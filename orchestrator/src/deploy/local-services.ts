// --emulator: the local ARM emulator and Azurite. A running emulator (npm run emulator, or
// $ARM_EMULATOR_ENDPOINT) is used as it is; otherwise one is started in this process for the
// command, on the same state directory. Azurite is started as a child when nothing listens on its
// port. Whatever this module starts, it stops in close().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createArmClients, type ArmClients } from '../arm/clients.ts';
import { defaultEmulatorPrincipalId } from '../arm/emulator-token.ts';
import type { Bicep } from '../bicep/index.ts';
import { emulatorEndpointEnv, emulatorTarget } from '../bootstrap/emulator-target.ts';
import { repoRoot } from '../config/paths.ts';
import { azuriteBlobPort } from '../lock/azurite.ts';
import { envNumber, envString } from '../env.ts';
import { CliError } from '../errors.ts';
import { defaultEmulatorPort } from '../../../local/arm-emulator/options.ts';

const azuriteWatchdog = pathToFileURL(path.join(import.meta.dirname, 'azurite-watchdog.ts')).href;

/** The SDK's own retry policy retries 429/5xx honouring Retry-After (throttling + exponential strategies). */
export const armRetryOptions = { maxRetries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 };

export interface ArmSession {
  clients: ArmClients;
  /** For messages: "the ARM emulator at https://127.0.0.1:8443" or "Azure". */
  where: string;
  emulator: boolean;
  /** The deploying identity's object id, when known (deny settings exclude it). */
  principalId: string | undefined;
  close(): Promise<void>;
}

export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function emulatorStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return envString('ARM_EMULATOR_STATE_DIR', env) ?? path.join(repoRoot, '.local-data', 'arm-emulator');
}

/** The emulator's subscription: $ARM_EMULATOR_SUBSCRIPTION_ID or the emulator's default. */
export async function emulatorSubscriptionId(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = envString('ARM_EMULATOR_SUBSCRIPTION_ID', env);
  if (given !== undefined) return given;
  const { defaultSubscriptionId } = await import('../../../local/arm-emulator/options.ts');
  return defaultSubscriptionId;
}

export async function openEmulatorSession(options: { bicep?: Bicep; env?: NodeJS.ProcessEnv } = {}): Promise<ArmSession> {
  const env = options.env ?? process.env;
  const subscriptionId = await emulatorSubscriptionId(env);
  const endpoint = envString(emulatorEndpointEnv, env) ?? envString('CF_EMULATOR_URL', env);
  const port = envNumber('ARM_EMULATOR_PORT', defaultEmulatorPort, env);
  const running = endpoint !== undefined || (await canConnect(port));
  if (running) {
    const target = emulatorTarget({ ...env, ...(endpoint === undefined ? {} : { [emulatorEndpointEnv]: endpoint }) });
    const clients = createArmClients({ ...target, subscriptionId }, { retryOptions: armRetryOptions });
    return { clients, where: `the ARM emulator at ${target.endpoint}`, emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} };
  }
  const { startEmulator, bicepExpander } = await import('../../../local/arm-emulator/index.ts');
  const { optionsFromEnv } = await import('../../../local/arm-emulator/options.ts');
  const stateDir = emulatorStateDir(env);
  mkdirSync(stateDir, { recursive: true });
  const bicep = options.bicep;
  const emulator = await startEmulator({
    ...optionsFromEnv(env, { stateDir }),
    port: 0,
    ...(bicep === undefined ? {} : { expander: bicepExpander(async () => bicep) }),
  });
  const clients = createArmClients({ kind: 'emulator', subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }, { retryOptions: armRetryOptions });
  return {
    clients,
    where: `the ARM emulator started for this command (state in ${path.relative(process.cwd(), stateDir) || '.'})`,
    emulator: true,
    principalId: defaultEmulatorPrincipalId,
    close: () => emulator.close(),
  };
}

export async function openAzureSession(subscriptionId: string): Promise<ArmSession> {
  const clients = createArmClients({ kind: 'azure', subscriptionId }, { retryOptions: armRetryOptions });
  return { clients, where: `Azure subscription ${subscriptionId}`, emulator: false, principalId: envString('AZURE_CLIENT_OBJECT_ID'), close: async () => {} };
}

export interface AzuriteHandle {
  /** True when this command started it. */
  started: boolean;
  stop(): Promise<void>;
}

/** Azurite's blob service on $AZURITE_BLOB_PORT (10000): reused when listening, else started as a child. */
export async function ensureAzurite(env: NodeJS.ProcessEnv = process.env): Promise<AzuriteHandle> {
  const port = azuriteBlobPort(env);
  if (await canConnect(port)) return { started: false, stop: async () => {} };
  const location = path.join(repoRoot, '.local-data', 'azurite');
  mkdirSync(location, { recursive: true });
  const main = path.join(repoRoot, 'node_modules/azurite/dist/src/blob/main.js');
  // detached + the watchdog on stdin: it stops when this process is gone, however it ends (azurite-watchdog.ts).
  const child: ChildProcess = spawn(process.execPath, ['--import', azuriteWatchdog, main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--loose', '--silent'], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true,
  });
  // The watchdog's pipe must not keep this process alive by itself.
  (child.stdin as unknown as { unref(): void }).unref();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new CliError(`could not start Azurite (the lock store) on 127.0.0.1:${port}: ${stderr.trim() || 'no answer within 20 s'}`, { hint: 'set AZURITE_BLOB_PORT to a free port, or start Azurite yourself' });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    started: true,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

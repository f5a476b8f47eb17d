// The services a command needs, opened from its flags: Bicep (one jsonrpc process), ARM (Azure, a
// running emulator, or one started in this process), the lock store (Azurite, started when none
// listens, or the artifacts account) and the terminal prompt. close() stops what was started.
import { createInterface } from 'node:readline/promises';
import { openBicep, type Bicep } from '../bicep/index.ts';
import { envString } from '../env.ts';
import { UsageError } from '../errors.ts';
import { resolveLockStore, type LockStore } from '../lock/index.ts';
import { ensureAzurite, openAzureSession, openEmulatorSession, type ArmSession, type AzuriteHandle } from './local-services.ts';

export interface TargetFlags {
  emulator: boolean;
  subscription?: string | undefined;
}

/** Azure needs a subscription id: --subscription or $AZURE_SUBSCRIPTION_ID. Checked before anything starts. */
export function checkTargetFlags(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): TargetFlags {
  if (flags.emulator) return flags;
  const subscription = flags.subscription ?? envString('AZURE_SUBSCRIPTION_ID', env);
  if (subscription === undefined || subscription === '') {
    throw new UsageError('which subscription? Pass --subscription <id> (or set AZURE_SUBSCRIPTION_ID), or --emulator for the local ARM emulator', 'az account show --query id -o tsv prints the current one');
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscription)) {
    throw new UsageError(`--subscription "${subscription}" is not a subscription id (a GUID like 00000000-0000-0000-0000-000000000000)`);
  }
  return { emulator: false, subscription };
}

export interface CommandServices {
  bicep(): Promise<Bicep>;
  openArm(): Promise<ArmSession>;
  openLockStore(): Promise<LockStore>;
  close(): Promise<void>;
}

export function commandServices(flags: TargetFlags): CommandServices {
  let bicep: Promise<Bicep> | undefined;
  let arm: Promise<ArmSession> | undefined;
  let azurite: Promise<AzuriteHandle> | undefined;
  const getBicep = (): Promise<Bicep> => (bicep ??= openBicep());
  return {
    bicep: getBicep,
    openArm: () => (arm ??= flags.emulator ? getBicep().then((b) => openEmulatorSession({ bicep: b })) : openAzureSession(flags.subscription!)),
    async openLockStore() {
      if (flags.emulator) await (azurite ??= ensureAzurite());
      return resolveLockStore({ emulator: flags.emulator });
    },
    async close() {
      await arm?.then((a) => a.close()).catch(() => undefined);
      await azurite?.then((a) => a.stop()).catch(() => undefined);
      await bicep?.then((b) => b.dispose()).catch(() => undefined);
    },
  };
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.env.CI !== 'true';
}

export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function askForText(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

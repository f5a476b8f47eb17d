// The services a command needs, opened from its flags: Bicep (one jsonrpc process, started on first
// use), ARM (Azure, a running emulator, or one started for the command as a child process), the lock store (the local one, which must be
// running — `cf-infra local lockstore start` — or the artifacts account) and the terminal prompt.
// close() stops what was started.
import { createInterface } from 'node:readline/promises';
import { parseEmulatorIdentity, type EmulatorIdentity } from '../arm/identities.ts';
import { lazyBicep, type BicepSession } from '@complianceflow/core/bicep/index.ts';
import type { PrestartedBicep } from '@complianceflow/core/bicep/prestart.ts';
import { envString } from '@complianceflow/core/env.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { guidPattern } from '@complianceflow/core/guid.ts';
import { resolveLockStore, type LockStore } from '../lock/index.ts';
import { leaseSecondsFromEnv } from '../lock/deployment-lock.ts';
import { requireLocalLockStore } from '../lock/local-store.ts';
import { openAzureSession, openEmulatorSession, type ArmSession } from '../arm/session.ts';

export interface TargetFlags {
  emulator: boolean;
  subscription?: string | undefined;
  /** --as: who calls the emulator (arm/identities.ts). */
  as?: string | undefined;
}

export interface CheckedTargetFlags {
  emulator: boolean;
  subscription?: string | undefined;
  identity: EmulatorIdentity;
}

/**
 * Azure needs a subscription id: --subscription or $AZURE_SUBSCRIPTION_ID; --as is for the emulator
 * only. Checked before anything starts.
 */
export function checkTargetFlags(flags: TargetFlags, env: NodeJS.ProcessEnv = process.env): CheckedTargetFlags {
  const identity = parseEmulatorIdentity(flags.as, flags.emulator);
  if (flags.emulator) return { emulator: true, ...(flags.subscription === undefined ? {} : { subscription: flags.subscription }), identity };
  const subscription = flags.subscription ?? envString('AZURE_SUBSCRIPTION_ID', env);
  if (subscription === undefined || subscription === '') {
    throw new UsageError('which subscription? Pass --subscription <id> (or set AZURE_SUBSCRIPTION_ID), or --emulator for the local ARM emulator', 'az account show --query id -o tsv prints the current one');
  }
  if (!guidPattern.test(subscription)) {
    throw new UsageError(`--subscription "${subscription}" is not a subscription id (a GUID like 00000000-0000-0000-0000-000000000000)`);
  }
  return { emulator: false, subscription, identity };
}

export interface CommandServices {
  /** Bicep, started on first use: a run whose compile and snapshots are cached starts none. */
  bicep(): Promise<BicepSession>;
  openArm(): Promise<ArmSession>;
  openLockStore(): Promise<LockStore>;
  close(): Promise<void>;
}

/** `prestarted`: a Bicep process started early (plan/bicep-early.ts), adopted when Bicep is first needed. */
export function commandServices(flags: CheckedTargetFlags, prestarted?: PrestartedBicep): CommandServices {
  // Bad input is refused before anything starts: the lease duration is read here, not at the lock.
  leaseSecondsFromEnv();
  let bicep: Promise<BicepSession> | undefined;
  let arm: Promise<ArmSession> | undefined;
  const getBicep = (): Promise<BicepSession> => (bicep ??= (async () => lazyBicep(prestarted === undefined ? {} : { prestarted }))());
  return {
    bicep: getBicep,
    openArm: () => (arm ??= flags.emulator ? openEmulatorSession({ identity: flags.identity }) : openAzureSession(flags.subscription!)),
    async openLockStore() {
      if (flags.emulator) await requireLocalLockStore();
      return resolveLockStore({ emulator: flags.emulator });
    },
    async close() {
      await arm?.then((a) => a.close()).catch(() => undefined);
      await bicep?.then((b) => b.dispose()).catch(() => undefined);
    },
  };
}

export function isInteractive(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.env.CI !== 'true';
}

/**
 * A prompt on the terminal. Ctrl-C at a prompt reaches readline (raw mode), not the process: it is
 * passed on as the process's SIGINT, so the run's interrupt handling (runner/interrupt.ts) sees it.
 */
function prompt(): ReturnType<typeof createInterface> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Not closed here: a question rejected by close() would win over the interrupt and read as a failure.
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  return rl;
}

export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = prompt();
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function askForText(question: string): Promise<string> {
  const rl = prompt();
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

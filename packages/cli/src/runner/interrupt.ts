// SIGINT/SIGTERM during a deploy or destroy: the run stops waiting, says in one line what was
// interrupted and what state ARM is in, releases its lock and writes its run report (outcome
// `interrupted`); then the process ends by the same signal (the shell's 130 / 143). ARM itself is
// not cancelled: a stack PUT or DELETE that was accepted keeps running in Azure.
import { constants } from 'node:os';

export class InterruptedError extends Error {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
}

/** 128 + the signal's number, as a shell reports a process ended by it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export interface InterruptWatch {
  /** The signal received, once one was. */
  readonly signal: NodeJS.Signals | undefined;
  /** Resolves like `work`, or rejects with InterruptedError as soon as a signal arrives. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Removes the handlers; with a signal received, ends this process by it. */
  finish(): void;
}

const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** From now on SIGINT/SIGTERM interrupt the run instead of killing it; a second one ends it at once. */
export function watchInterrupts(): InterruptWatch {
  let received: NodeJS.Signals | undefined;
  let reject: (error: InterruptedError) => void = () => {};
  const interrupted = new Promise<never>((_, r) => (reject = r));
  interrupted.catch(() => undefined);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      // Second Ctrl-C: the user does not want to wait for the report either.
      remove();
      process.kill(process.pid, signal);
      return;
    }
    received = signal;
    reject(new InterruptedError(signal));
  };
  const remove = (): void => {
    for (const s of signals) process.off(s, onSignal);
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    get signal() {
      return received;
    },
    race: (work) => Promise.race([work, interrupted]),
    finish() {
      remove();
      // Nothing else handles it now: the default action ends the process with 128 + signal.
      if (received !== undefined) process.kill(process.pid, received);
    },
  };
}

export interface InterruptContext {
  deployment: string;
  /** The phase that was running (pipeline phase names: preflight, lock, prerequisites, what-if, confirm, apply, secrets, databases, validate, delete). */
  phase: string;
  stack: string;
  where: string;
  emulator: boolean;
}

/** What the interrupted phase leaves behind in ARM, and the command that follows it. */
export function describeInterruptedState(context: InterruptContext): string {
  const flag = context.emulator ? ' --emulator' : '';
  const show = `\`cf-infra show ${context.deployment}${flag}\` follows it`;
  switch (context.phase) {
    case 'preflight':
      return 'nothing was sent to ARM and no lock was taken';
    case 'lock':
    case 'prerequisites':
    case 'what-if':
    case 'confirm':
      return `nothing was changed in ${context.where} (only reads so far)`;
    case 'wait':
      return `stack ${context.stack} keeps running the other operation in ${context.where}; ${show}`;
    case 'apply':
      return `stack ${context.stack} keeps deploying in ${context.where}; ${show}`;
    case 'secrets':
      return `stack ${context.stack} is deployed; generated secrets may be missing: \`cf-infra deploy ${context.deployment}${flag}\` writes only the missing ones`;
    case 'databases':
      return `stack ${context.stack} is deployed; the database step did not finish: \`cf-infra deploy ${context.deployment}${flag}\` runs it again (idempotent)`;
    case 'validate':
      return `stack ${context.stack} is deployed; validation did not finish: \`cf-infra validate ${context.deployment}${flag}\` runs it again`;
    case 'delete':
      return `stack ${context.stack} keeps deleting in ${context.where}; ${show}`;
    default:
      return `the state of stack ${context.stack} in ${context.where} is unknown; ${show}`;
  }
}

/** The one line printed on an interrupt. */
export function interruptedLine(signal: NodeJS.Signals, context: InterruptContext): string {
  return `${context.deployment}: interrupted (${signal}) during ${context.phase}: ${describeInterruptedState(context)}.`;
}

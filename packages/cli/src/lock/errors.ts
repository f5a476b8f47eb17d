import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { describeHolder, type LockHolder } from './holder.ts';

/** How long ago, for humans: "12 s", "7 min", "3 h 5 min". */
export function formatAge(since: string, now: Date = new Date()): string {
  const ms = now.getTime() - Date.parse(since);
  if (!Number.isFinite(ms) || ms < 0) return 'unknown time';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Progress while a run waits for another run's lock (--lock-wait). */
export function lockWaitLine(holder: LockHolder | undefined, waitedMs: number, maxMs: number): string {
  return `locked by ${describeHolder(holder)}: waiting for it to be released or to expire, ${Math.round(waitedMs / 1000)} s of at most ${Math.round(maxMs / 1000)} s`;
}

/** A second run on a locked deployment: exit code 3, naming who holds it and how to break it. */
export class DeploymentLockedError extends CliError {
  readonly deployment: string;
  readonly holder: LockHolder | undefined;

  constructor(deployment: string, holder: LockHolder | undefined) {
    const age = holder === undefined ? '' : ` (${formatAge(holder.startedAt)} ago)`;
    super(`deployment "${deployment}" is locked by ${describeHolder(holder)}${age}.`, {
      exitCode: ExitCode.Locked,
      hint:
        `wait for that run to finish. If it is dead, its lock expires by itself within a minute (leases are at most 60 s and only a live run renews them); ` +
        `to break it now: cf-infra unlock ${deployment} --force`,
    });
    this.deployment = deployment;
    this.holder = holder;
  }
}

// Who holds a deployment lock: written into the lock blob by the holder, read by whoever is refused.
import os from 'node:os';
import { parseJsonObject } from '@complianceflow/core/json.ts';

export interface LockHolder {
  /** The person or CI actor: $GITHUB_ACTOR in GitHub Actions, else the OS user. */
  who: string;
  host: string;
  pid: number;
  /** The run id of the holder (its run directory / report name). */
  runId: string;
  /** The cf-infra command line that took the lock, e.g. "deploy westeu-test-1". */
  command: string;
  /** ISO 8601 time the lock was taken. */
  startedAt: string;
}

/** The actor running this process: GITHUB_ACTOR in Actions, else the OS user name. */
export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  const actor = env.GITHUB_ACTOR?.trim();
  if (actor) return actor;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

export function currentHolder(options: { runId: string; command: string; now?: Date }): LockHolder {
  return {
    who: currentActor(),
    host: os.hostname(),
    pid: process.pid,
    runId: options.runId,
    command: options.command,
    startedAt: (options.now ?? new Date()).toISOString(),
  };
}

/** Parses what a holder wrote; undefined when the blob holds nothing usable (yet). */
export function parseHolder(text: string): LockHolder | undefined {
  const v = parseJsonObject(text);
  if (v === undefined) return undefined;
  const str = (key: string): string => (typeof v[key] === 'string' ? (v[key] as string) : '?');
  if (typeof v.who !== 'string' || typeof v.startedAt !== 'string') return undefined;
  return {
    who: str('who'),
    host: str('host'),
    pid: typeof v.pid === 'number' ? v.pid : -1,
    runId: str('runId'),
    command: str('command'),
    startedAt: str('startedAt'),
  };
}

/** "alice on build-7 (pid 4242), run 20261129-0212-ab12 `deploy westeu-test-1`, since 2026-11-29T02:12:00.000Z" */
export function describeHolder(holder: LockHolder | undefined): string {
  if (holder === undefined) return 'an unknown holder (it has not written its details yet)';
  return `${holder.who} on ${holder.host} (pid ${holder.pid}), run ${holder.runId} \`${holder.command}\`, since ${holder.startedAt}`;
}

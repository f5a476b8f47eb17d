// Running PostgreSQL's programs as the current user, or (PostgreSQL refuses root) as the unprivileged
// `postgres` account when we are root. The programs themselves run through the process layer
// (@complianceflow/core/process.ts).
import { UsageError } from '@complianceflow/core/errors.ts';
import { runSyncNothrow } from '@complianceflow/core/process.ts';

export interface RunAs {
  /** The command line that runs `command` as this user. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** uid/gid to chown files to, or undefined when we already are that user. */
  owner: { uid: number; gid: number } | undefined;
  name: string;
}

/** PostgreSQL's initdb and postgres refuse to run as root: use the `postgres` account then. */
export function postgresRunAs(): RunAs {
  if (process.getuid?.() !== 0) {
    return { wrap: (command, args) => [command, [...args]], owner: undefined, name: 'the current user' };
  }
  const uid = runSyncNothrow('id', ['-u', 'postgres']);
  const gid = runSyncNothrow('id', ['-g', 'postgres']);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new UsageError('running as root and there is no "postgres" user to run PostgreSQL as', 'install the Debian package postgresql (it creates the user), or run as an ordinary user');
  }
  return { wrap: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]], owner: { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }, name: 'postgres' };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

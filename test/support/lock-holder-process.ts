// Starts test/support/lock-holder.ts: a child process that takes a deployment lock in Azurite and
// lives until it is killed (a run that dies while holding the lock).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const holderScript = path.join(import.meta.dirname, 'lock-holder.ts');

/** Starts a child that takes the lock; resolves once it printed ACQUIRED. */
export async function startLockHolder(azuritePort: number, container: string, deployment: string, leaseSeconds = 15): Promise<ChildProcess> {
  const child = spawn(process.execPath, [holderScript, String(azuritePort), container, deployment, String(leaseSeconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ACQUIRED')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${err}`)));
  });
  return child;
}

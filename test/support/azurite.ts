// Test harness: a real Azurite blob service on a free loopback port with a throw-away location.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { azuriteBlobUrl, azuriteCredential } from '@complianceflow/cli/lock/azurite.ts';
import { openLockStore, type LockStore } from '@complianceflow/cli/lock/store.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

const azuriteBlobMain = path.join(repoRoot, 'node_modules/azurite/dist/src/blob/main.js');

export interface AzuriteBlob {
  port: number;
  /** Its process id (benchmarks read its CPU time). */
  pid: number | undefined;
  url: string;
  /** A lock store in a container of this Azurite (container name is optional). */
  lockStore(container?: string): LockStore;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startAzuriteBlob(): Promise<AzuriteBlob> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'cf-azurite-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [azuriteBlobMain, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location,
      '--skipApiVersionCheck', '--loose', '--silent'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) throw new Error(`azurite-blob exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`azurite-blob did not listen on 127.0.0.1:${port} within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = azuriteBlobUrl(port);
  return {
    port,
    pid: child.pid,
    url,
    lockStore: (container) => openLockStore({ accountUrl: url, credential: azuriteCredential(), ...(container ? { container } : {}) }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}

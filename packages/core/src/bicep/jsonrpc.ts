// A client for one long-lived `bicep jsonrpc --stdio` process: JSON-RPC 2.0 messages framed with
// `Content-Length` headers (the vscode-jsonrpc base protocol). Requests may be answered out of order.
// The one spawn outside the process layer (../process.ts): a duplex pipe held open for the whole run,
// framed requests in and responses out, driven by its events; zx's run-to-its-end promise and its
// shell wrapper add nothing here.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CliError } from '../errors.ts';
import type { RpcMethod, RpcMethods } from './protocol.ts';

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface RpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string; data?: { message?: string } };
}

const headerEnd = Buffer.from('\r\n\r\n');
const stderrKept = 4000;

/** Splits a byte stream into Content-Length framed message bodies. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns the complete message bodies now available. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const bodies: string[] = [];
    for (;;) {
      const end = this.buffer.indexOf(headerEnd);
      if (end < 0) break;
      const header = this.buffer.subarray(0, end).toString('ascii');
      const length = /content-length:\s*(\d+)/i.exec(header);
      if (length === null) throw new Error(`bicep jsonrpc sent a header without Content-Length: ${JSON.stringify(header)}`);
      const start = end + headerEnd.length;
      const size = Number(length[1]);
      if (this.buffer.length < start + size) break;
      bodies.push(this.buffer.subarray(start, start + size).toString('utf8'));
      this.buffer = this.buffer.subarray(start + size);
    }
    return bodies;
  }
}

export function frame(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

export class BicepRpcClient {
  readonly bicepPath: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new FrameReader();
  private nextId = 1;
  private stderr = '';
  /** Set once the process is gone: every later request fails with it. */
  private closed: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(bicepPath: string) {
    this.bicepPath = bicepPath;
    this.child = spawn(bicepPath, ['jsonrpc', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-stderrKept);
    });
    // Writing to a process that has died raises EPIPE here; the exit handler reports it.
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.close(new CliError(`could not start ${bicepPath} jsonrpc: ${error.message}`));
        resolve();
      });
      this.child.on('close', (code, signal) => {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        const tail = this.stderr.trim();
        this.close(new CliError(`the bicep jsonrpc process (${bicepPath}) ended (${how})${tail === '' ? '' : `: ${tail}`}`));
        resolve();
      });
    });
  }

  request<M extends RpcMethod>(method: M, params: RpcMethods[M]['params']): Promise<RpcMethods[M]['result']> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin.write(frame({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Ends the process (closing stdin makes it exit; killed if it has not after 5 s). */
  async dispose(): Promise<void> {
    if (this.closed === undefined) {
      this.close(new CliError('the bicep jsonrpc client was disposed'));
      this.child.stdin.end();
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        // A child of what we started (a wrapper script's) may hold the pipes: stop waiting for them.
        this.child.stdout.destroy();
        this.child.stderr.destroy();
      }, 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private onData(chunk: Buffer): void {
    let bodies: string[];
    try {
      bodies = this.reader.push(chunk);
    } catch (error) {
      this.close(new CliError((error as Error).message));
      this.child.kill();
      return;
    }
    for (const body of bodies) {
      const message = JSON.parse(body) as RpcResponse;
      if (typeof message.id !== 'number') continue; // notifications: none are expected
      const pending = this.pending.get(message.id);
      if (pending === undefined) continue;
      this.pending.delete(message.id);
      if (message.error !== undefined) {
        pending.reject(new CliError(`bicep ${pending.method} failed: ${message.error.data?.message ?? message.error.message}`));
      } else {
        pending.resolve(message.result);
      }
    }
  }

  private close(reason: Error): void {
    if (this.closed !== undefined) return;
    this.closed = reason;
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
  }
}

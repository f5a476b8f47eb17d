// A client for one long-lived `bicep jsonrpc --stdio` process over vscode-jsonrpc, the library Bicep's
// own clients use (the VS Code extension through vscode-languageclient, and bicep-node): JSON-RPC 2.0
// with Content-Length framing on stdio. Requests may be answered out of order; the library pairs them.
// The one spawn outside the process layer (../process.ts; prestart.ts spawns it): a duplex pipe held
// open for the whole run, driven by its events; zx's run-to-its-end promise and its shell wrapper
// add nothing here.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createMessageConnection, ErrorCodes, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { CliError } from '../errors.ts';
import { spawnBicepRpc } from './prestart.ts';
import type { RpcMethod, RpcMethods } from './protocol.ts';

const stderrKept = 4000;

/** The library's own codes: the connection could not write, read or is gone (not an answer of Bicep's). */
const connectionCodes: ReadonlySet<number> = new Set([ErrorCodes.MessageWriteError, ErrorCodes.MessageReadError, ErrorCodes.PendingResponseRejected, ErrorCodes.ConnectionInactive]);

/** Bicep's error answer names the failure in data.message (StreamJsonRpc's exception data). */
function failure(method: string, error: ResponseError<unknown>): CliError {
  const data = error.data as { message?: unknown } | undefined;
  return new CliError(`bicep ${method} failed: ${typeof data?.message === 'string' ? data.message : error.message}`);
}

export class BicepRpcClient {
  readonly bicepPath: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly connection: MessageConnection;
  private stderr = '';
  /** Set once the process is gone: every later request fails with it. */
  private closed: Error | undefined;
  private readonly exited: Promise<void>;

  /** `started`: the process spawnBicepRpc started earlier for this path (prestart.ts), else one is spawned now. */
  constructor(bicepPath: string, started?: ChildProcessWithoutNullStreams) {
    this.bicepPath = bicepPath;
    this.child = started ?? spawnBicepRpc(bicepPath);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-stderrKept);
    });
    // Writing to a process that has died raises EPIPE here; the exit handler reports it.
    this.child.stdin.on('error', () => {});
    const reader = new StreamMessageReader(this.child.stdout);
    // A read error is a malformed frame. A write error (EPIPE) means the process is ending: its exit
    // explains it, so the writer's errors are left to the exit handler.
    reader.onError((error) => {
      this.close(new CliError(`bicep jsonrpc sent a malformed message: ${error.message}`));
      this.child.kill();
    });
    this.connection = createMessageConnection(reader, new StreamMessageWriter(this.child.stdin));
    this.connection.listen();
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

  async request<M extends RpcMethod>(method: M, params: RpcMethods[M]['params']): Promise<RpcMethods[M]['result']> {
    if (this.closed !== undefined) throw this.closed;
    try {
      return (await this.connection.sendRequest(method, params)) as RpcMethods[M]['result'];
    } catch (error) {
      if (this.closed !== undefined) throw this.closed;
      // An answer of Bicep's carries its own code; the library's codes (write error, connection gone)
      // mean the process is ending, and its exit says why.
      if (error instanceof ResponseError && !connectionCodes.has(error.code)) throw failure(method, error);
      await this.exited;
      throw this.closed ?? error;
    }
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

  /** Fails every pending request (and every later one) with the reason. */
  private close(reason: Error): void {
    if (this.closed !== undefined) return;
    this.closed = reason;
    this.connection.dispose();
  }
}

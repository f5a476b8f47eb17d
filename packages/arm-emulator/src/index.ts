// startEmulator: the HTTPS server (TLS from tls.ts) in front of the router; every request needs a
// bearer token, may meet an injected transient fault, and first lets due operations finish.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { defaultEmulatorTenantId } from '@complianceflow/core/arm/emulator-token.ts';
import { envString } from '@complianceflow/core/env.ts';
import { authenticate } from './auth.ts';
import { enforceRequest, readableOnly } from './authorization/request-actions.ts';
import { seedSubscriptionOwner } from './authorization/seed.ts';
import { isKeyVaultPath, keyVaultRequest } from './handlers/keyvault-secrets.ts';
import { rebaseVaultUris } from './keyvault-store.ts';
import type { Context } from './context.ts';
import { ArmError } from './errors.ts';
import { bicepExpander, type Expander } from './expansion.ts';
import { TransientFaults } from './faults.ts';
import { errorReply, readBody, send, type Reply, type Request } from './http.ts';
import { advance } from './lro.ts';
import { defaultSubscriptionId, type EmulatorOptions } from './options.ts';
import { sharedEvaluator } from './policy.ts';
import { route } from './router.ts';
import { StateStore } from './state.ts';
import { loadTls } from './tls.ts';

export type { EmulatorOptions, FaultOptions, LatencyOptions } from './options.ts';
export type { Expander } from './expansion.ts';
export { bicepExpander } from './expansion.ts';

export interface RunningEmulator {
  /** https://127.0.0.1:<port> */
  endpoint: string;
  caPem: string;
  caPath: string;
  subscriptionId: string;
  tenantId: string;
  stateDir: string;
  /** How many times the state file was written since start. */
  saves(): number;
  /** The last write of the state file: its size and how long serializing and writing it took. */
  lastSave(): { bytes: number; ms: number };
  close(): Promise<void>;
}

function contextOf(options: EmulatorOptions, store: StateStore, expander: Expander): Context {
  return {
    store,
    options: { latency: { defaultMs: 0 }, ...options },
    subscriptionId: options.subscriptionId ?? defaultSubscriptionId,
    tenantId: options.tenantId ?? defaultEmulatorTenantId,
    expander,
    policy: options.policyEvaluator ?? sharedEvaluator,
    log: options.log ?? (() => {}),
  };
}

/** The reply to one request: the Key Vault data plane's, or ARM's (token, fault, due operations, authorization, route). */
async function answer(ctx: Context, faults: TransientFaults, message: IncomingMessage, url: URL): Promise<Reply> {
  try {
    // The Key Vault data plane answers its own auth challenge (before ARM's token check).
    if (isKeyVaultPath(url.pathname)) {
      return keyVaultRequest(ctx, { method: message.method ?? 'GET', url, authorization: message.headers.authorization, rawBody: await readBody(message) });
    }
    const principalId = authenticate(message.headers.authorization);
    const rawBody = await readBody(message);
    faults.check();
    advance(ctx);
    const req: Request = { method: message.method ?? 'GET', path: url.pathname.replace(/\/+$/, '') || '/', query: url.searchParams, headers: message.headers, rawBody, origin: `https://${message.headers.host ?? 'localhost'}`, principalId };
    const check = enforceRequest(ctx, req);
    return readableOnly(ctx, req, check, await route(ctx, req));
  } catch (error) {
    if (error instanceof ArmError) return errorReply(error);
    ctx.log(`internal error on ${message.method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
    return errorReply(new ArmError(500, 'InternalServerError', `The emulator failed to process the request: ${(error as Error).message}`));
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const store = new StateStore(options.stateDir, { checkSaves: options.checkSaves ?? envString('ARM_EMULATOR_CHECK_SAVES') === '1' });
  const tls = loadTls(options.stateDir);
  const ownsExpander = options.expander === undefined;
  const expander = options.expander ?? bicepExpander();
  // Its Bicep starts now, not on the first what-if or deployment that needs it.
  if (ownsExpander) expander.warm?.();
  const ctx = contextOf(options, store, expander);
  if (seedSubscriptionOwner(ctx)) store.save();
  const faults = new TransientFaults(options.faults);

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (message, res) => {
    const requestId = randomUUID();
    // ARM tolerates doubled slashes (SDKs send '/{resourceId}' with an id that starts with '/').
    const url = new URL((message.url ?? '/').replace(/^\/+/, '/').replace(/\/{2,}/g, '/'), 'https://localhost');
    void answer(ctx, faults, message, url).then((r) => {
      // What the request changed is on disk before the caller hears of it.
      store.flush();
      ctx.log(`${message.method} ${url.pathname}${url.search} → ${r.status}`);
      send(res, r, requestId);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  ctx.origin = `https://127.0.0.1:${port}`;
  if (rebaseVaultUris(ctx)) store.save();
  // Operations also finish while nobody asks (a stack PUT nobody polls still completes).
  const timer = setInterval(() => advance(ctx), 200);
  timer.unref();
  return {
    endpoint: `https://127.0.0.1:${port}`,
    caPem: tls.caPem,
    caPath: tls.caPath,
    subscriptionId: ctx.subscriptionId,
    tenantId: ctx.tenantId,
    stateDir: options.stateDir,
    saves: () => store.saves,
    lastSave: () => store.lastSave,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.flush();
      if (ownsExpander) await expander.dispose();
    },
  };
}

// How a route table is read (router.ts's, the Key Vault data plane's, the request actions'). Rows are
// [method, pattern, handler]; consecutive rows with the same pattern are one surface. The first surface
// whose pattern matches the path answers, with its row for the request's method ('*': any method),
// else 405; a path no surface matches is 404. Patterns are URLPattern pathnames, their literal
// segments matched in any case (as ARM does); the named groups reach the handler percent-decoded.
import type { Context } from './context.ts';
import { methodNotAllowed, noRoute } from './errors.ts';
import type { Reply, Request } from './http.ts';

export type ParamName = 'subscription' | 'group' | 'namespace' | 'location' | 'name' | 'operation' | 'execution' | 'version' | 'action';
/** The pattern's named groups; a row only reads the ones its pattern has. */
export type Params = Record<ParamName, string>;
export type Handler = (ctx: Context, req: Request, p: Params) => Reply | Promise<Reply>;
export type Row<H = Handler> = readonly [method: string, pattern: string, handler: H];

export interface Surface<H = Handler> {
  pattern: URLPattern;
  byMethod: Map<string, H>;
}

/** A row for paths that some surface owns but none serves: 404 (stops a later, wider pattern). */
export const unrouted: Handler = (_ctx, req) => {
  throw noRoute(req.method, req.path);
};

export function surfaces<H>(rows: readonly Row<H>[]): Surface<H>[] {
  const out: { source: string; surface: Surface<H> }[] = [];
  for (const [method, source, handler] of rows) {
    let last = out.at(-1);
    if (last?.source !== source) {
      last = { source, surface: { pattern: new URLPattern({ pathname: source }, { ignoreCase: true }), byMethod: new Map() } };
      out.push(last);
    }
    if (last.surface.byMethod.has(method)) throw new Error(`route table: ${method} ${source} twice`);
    last.surface.byMethod.set(method, handler);
  }
  return out.map((o) => o.surface);
}

/** The row answering the request with the path's decoded groups; 'no method' when the first matching surface has no row for the method; undefined when no surface matches. */
export function lookup<H>(table: readonly Surface<H>[], method: string, path: string): { handler: H; params: Params } | 'no method' | undefined {
  for (const surface of table) {
    const match = surface.pattern.exec({ pathname: path });
    if (match === null) continue;
    const handler = surface.byMethod.get(method) ?? surface.byMethod.get('*');
    if (handler === undefined) return 'no method';
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.pathname.groups)) if (value !== undefined) params[name] = decodeURIComponent(value);
    return { handler, params: params as Params };
  }
  return undefined;
}

/** An ARM request to its row's handler: 405 and 404 in ARM's words. */
export function dispatch(table: readonly Surface[], ctx: Context, req: Request): Reply | Promise<Reply> {
  const found = lookup(table, req.method, req.path);
  if (found === undefined) throw noRoute(req.method, req.path);
  if (found === 'no method') throw methodNotAllowed(req.method, req.path);
  return found.handler(ctx, req, found.params);
}

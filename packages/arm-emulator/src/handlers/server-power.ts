// POST {flexibleServerId}/stop and /start
// (specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2024-08-01/ServerStartStopRestart.json,
// Servers_Stop / Servers_Start): long-running, 202 with the operation's Azure-AsyncOperation, Location and
// Retry-After; the server shows Stopping/Starting until it finishes, then properties.state Stopped/Ready.
// Stop is only accepted on a Ready server and start only on a Stopped one: ARM answers ServerIsNotReady
// ("Restart or Stop Server can only be performed on Started servers ...") otherwise.
import { latencyFor, type Context } from '../context.ts';
import { ArmError, resourceNotFound } from '../errors.ts';
import { asObject, reply, type Reply, type Request } from '../http.ts';
import { parseResourceId } from '../ids.ts';
import { asyncOperationHeaders, locationHeaders, registerFinisher, startOperation } from '../lro.ts';
import { getResource } from '../store-ops.ts';
import { actionTarget } from './action-target.ts';

export type PowerAction = 'stop' | 'start';

const serverType = 'microsoft.dbforpostgresql/flexibleservers';
const transition = {
  stop: { from: 'Ready', during: 'Stopping', to: 'Stopped', code: 'ServerIsNotReady', message: 'Restart or Stop Server can only be performed on Started servers.' },
  start: { from: 'Stopped', during: 'Starting', to: 'Ready', code: 'ServerIsNotStopped', message: 'Start Server can only be performed on Stopped servers.' },
} as const;

/** Whether a POST path is {flexibleServerId}/stop or /start. */
export function powerActionOf(path: string): { server: string; action: PowerAction } | undefined {
  const cut = path.lastIndexOf('/');
  const last = path.slice(cut + 1).toLowerCase();
  if (last !== 'stop' && last !== 'start') return undefined;
  const server = path.slice(0, cut);
  return parseResourceId(server)?.type.toLowerCase() === serverType ? { server, action: last } : undefined;
}

export function postServerPower(ctx: Context, req: Request, server: string, action: PowerAction): Reply {
  const { rid, apiVersion, stored } = actionTarget(ctx, req, server);
  const t = transition[action];
  const properties = asObject(stored.body.properties) ?? {};
  const state = String(properties.state ?? '');
  if (state !== t.from) {
    throw new ArmError(409, t.code, `${t.message} Server Name = ${stored.name}, Current Server State = ${state || 'unknown'}`);
  }
  properties.state = t.during;
  stored.body.properties = properties;
  const op = startOperation(ctx, 'serverPower', stored.id, { id: stored.id, state: t.to }, latencyFor(ctx, [stored.type]));
  ctx.store.save();
  return reply(202, undefined, { ...locationHeaders(req.origin, rid.subscriptionId, op, apiVersion), ...asyncOperationHeaders(req.origin, rid.subscriptionId, op, apiVersion) });
}

registerFinisher('serverPower', (ctx, op) => {
  const { id, state } = op.payload as { id: string; state: string };
  const stored = getResource(ctx, id);
  const rid = parseResourceId(id)!;
  if (stored === undefined) throw resourceNotFound(rid.type, rid.name, rid.resourceGroup);
  const properties = asObject(stored.body.properties) ?? {};
  properties.state = state;
  stored.body.properties = properties;
});

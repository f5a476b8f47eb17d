// Which handler answers which ARM path (matched case-insensitively, as ARM does).
import type { Context } from './context.ts';
import { ArmError, methodNotAllowed, noRoute } from './errors.ts';
import type { Reply, Request } from './http.ts';
import { operationResult, operationStatus } from './lro.ts';
import { requireApiVersion } from './api-version.ts';
import * as deletedVaults from './handlers/deleted-vaults.ts';
import * as deployments from './handlers/deployments.ts';
import * as providers from './handlers/providers.ts';
import * as groups from './handlers/resource-groups.ts';
import { jobPathOf, routeJob } from './handlers/jobs.ts';
import * as resources from './handlers/resources.ts';
import { postServerPower, powerActionOf } from './handlers/server-power.ts';
import * as stackWhatIf from './handlers/stack-whatif.ts';
import * as stacks from './handlers/stacks.ts';
import { checkSubscription, getSubscription, listSubscriptions } from './handlers/subscriptions.ts';

type Handler = () => Reply | Promise<Reply>;

function byMethod(req: Request, handlers: Partial<Record<string, Handler>>): Reply | Promise<Reply> {
  const h = handlers[req.method];
  if (h === undefined) throw methodNotAllowed(req.method, req.path);
  return h();
}

export function route(ctx: Context, req: Request): Reply | Promise<Reply> {
  const seg = req.path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const low = seg.map((s) => s.toLowerCase());
  const n = seg.length;
  if (low[0] !== 'subscriptions') throw noRoute(req.method, req.path);
  if (n === 1) return byMethod(req, { GET: () => listSubscriptions(ctx, req) });
  const sub = seg[1]!;
  if (n === 2) return byMethod(req, { GET: () => getSubscription(ctx, req, sub) });
  if (low[2] === 'resources' && n === 3) return byMethod(req, { GET: () => groups.listResources(ctx, req, sub) });
  if (low[2] === 'resourcegroups') {
    if (n === 3) return byMethod(req, { GET: () => groups.listResourceGroups(ctx, req, sub) });
    const rg = seg[3]!;
    if (n === 4) {
      return byMethod(req, {
        PUT: () => groups.putResourceGroup(ctx, req, sub, rg),
        GET: () => groups.getResourceGroup(ctx, req, sub, rg),
        HEAD: () => groups.headResourceGroup(ctx, req, sub, rg),
        PATCH: () => groups.patchResourceGroup(ctx, req, sub, rg),
        DELETE: () => groups.deleteResourceGroup(ctx, req, sub, rg),
      });
    }
    if (n === 5 && low[4] === 'resources') return byMethod(req, { GET: () => groups.listResources(ctx, req, sub, rg) });
    if (low[4] !== 'providers') throw noRoute(req.method, req.path);
    return generic(ctx, req);
  }
  if (low[2] !== 'providers') throw noRoute(req.method, req.path);
  if (n === 3) return byMethod(req, { GET: () => providers.listProviders(ctx, req) });
  const ns = seg[3]!;
  if (n === 4) return byMethod(req, { GET: () => { checkSubscription(ctx, sub); return providers.getProvider(ctx, req, ns); } });
  if (n === 5 && (low[4] === 'register' || low[4] === 'unregister')) {
    return byMethod(req, { POST: () => { checkSubscription(ctx, sub); return providers.registerProvider(ctx, req, ns, low[4] === 'register'); } });
  }
  if (low[3] === 'microsoft.keyvault') {
    if (n === 5 && low[4] === 'deletedvaults') return byMethod(req, { GET: () => deletedVaults.listDeletedVaults(ctx, req, sub) });
    if (low[4] === 'locations' && low[6] === 'deletedvaults') {
      if (n === 8) return byMethod(req, { GET: () => deletedVaults.getDeletedVault(ctx, req, sub, seg[5]!, seg[7]!) });
      if (n === 9 && low[8] === 'purge') return byMethod(req, { POST: () => deletedVaults.purgeDeletedVault(ctx, req, sub, seg[5]!, seg[7]!) });
      throw noRoute(req.method, req.path);
    }
  }
  if (low[3] === 'microsoft.resources') {
    const kind = low[4];
    const name = seg[5];
    if ((kind === 'operationstatuses' || kind === 'operationresults') && n === 6) {
      const apiVersion = requireApiVersion(req);
      checkSubscription(ctx, sub);
      return byMethod(req, { GET: () => (kind === 'operationstatuses' ? operationStatus : operationResult)(ctx, name!, req.origin, sub, apiVersion) });
    }
    if (kind === 'deploymentstacks') {
      if (n === 5) return byMethod(req, { GET: () => stacks.listStacks(ctx, req, sub) });
      if (n === 6) return byMethod(req, { PUT: () => stacks.putStack(ctx, req, sub, name!), GET: () => stacks.getStack(ctx, req, sub, name!), DELETE: () => stacks.deleteStack(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'validate') return byMethod(req, { POST: () => stacks.validateStack(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'exporttemplate') return byMethod(req, { POST: () => stacks.exportStackTemplate(ctx, req, sub, name!) });
      throw noRoute(req.method, req.path);
    }
    if (kind === 'deploymentstackswhatifresults') {
      if (n === 5) return byMethod(req, { GET: () => stackWhatIf.listStackWhatIfs(ctx, req, sub) });
      if (n === 6) return byMethod(req, { PUT: () => stackWhatIf.putStackWhatIf(ctx, req, sub, name!), GET: () => stackWhatIf.getStackWhatIf(ctx, req, sub, name!), DELETE: () => stackWhatIf.deleteStackWhatIf(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'whatif') return byMethod(req, { POST: () => stackWhatIf.runStackWhatIf(ctx, req, sub, name!) });
      throw noRoute(req.method, req.path);
    }
    if (kind === 'deployments') {
      if (n === 5) return byMethod(req, { GET: () => deployments.listDeployments(ctx, req, sub) });
      if (n === 6) return byMethod(req, { PUT: () => deployments.putDeployment(ctx, req, sub, name!), GET: () => deployments.getDeployment(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'validate') return byMethod(req, { POST: () => deployments.validateDeployment(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'whatif') return byMethod(req, { POST: () => deployments.whatIfDeployment(ctx, req, sub, name!) });
      if (n === 7 && low[6] === 'operations') return byMethod(req, { GET: () => deployments.listDeploymentOperations(ctx, req, sub, name!) });
      throw noRoute(req.method, req.path);
    }
  }
  return generic(ctx, req);
}

function generic(ctx: Context, req: Request): Reply | Promise<Reply> {
  const job = jobPathOf(req.path);
  if (job !== undefined) return routeJob(ctx, req, job);
  const last = req.path.split('/').pop()?.toLowerCase();
  if (req.method === 'POST' && last === 'listkeys') return resources.listKeys(ctx, req, req.path.slice(0, req.path.lastIndexOf('/')));
  const power = req.method === 'POST' ? powerActionOf(req.path) : undefined;
  if (power !== undefined) return postServerPower(ctx, req, power.server, power.action);
  if (req.method === 'POST') throw new ArmError(404, 'InvalidResourceOperation', `The resource operation '${last ?? ''}' is not supported by the emulator.`);
  return byMethod(req, {
    GET: () => resources.getGenericResource(ctx, req, req.path),
    PUT: () => resources.putGenericResource(ctx, req, req.path),
    PATCH: () => resources.patchGenericResource(ctx, req, req.path),
    DELETE: () => resources.deleteGenericResource(ctx, req, req.path),
  });
}

// Which handler answers which ARM path: one row per method and surface, read in order (route-table.ts:
// the first surface whose pattern matches answers, 405 for a method it has no row for, 404 past the end).
import type { Context } from './context.ts';
import { ArmError, methodNotAllowed } from './errors.ts';
import type { Reply, Request } from './http.ts';
import { operationResult, operationStatus } from './lro.ts';
import { requireApiVersion } from './api-version.ts';
import { anyResource, armResources, deletedVault, group, job, keyVault, providers as rp, subscription as sub } from './arm-paths.ts';
import { dispatch, surfaces, unrouted, type Handler, type Row } from './route-table.ts';
import * as deletedVaults from './handlers/deleted-vaults.ts';
import * as deployments from './handlers/deployments.ts';
import * as providers from './handlers/providers.ts';
import * as groups from './handlers/resource-groups.ts';
import * as jobs from './handlers/jobs.ts';
import * as resources from './handlers/resources.ts';
import { postServerPower, powerActionOf } from './handlers/server-power.ts';
import * as stackWhatIf from './handlers/stack-whatif.ts';
import * as stacks from './handlers/stacks.ts';
import { checkSubscription, getSubscription, listSubscriptions } from './handlers/subscriptions.ts';

const stack = `${armResources}/deploymentstacks/:name`;
const stackWhatIfResult = `${armResources}/deploymentstackswhatifresults/:name`;
const deployment = `${armResources}/deployments/:name`;

/** The job's id: the path without its last `below` segments. */
const jobId = (req: Request, below: number): string => req.path.split('/').slice(0, -below).join('/');

/** GET {operationstatuses|operationresults}/{id}: api-version and subscription are checked before the method. */
const poll =
  (answer: typeof operationStatus): Handler =>
  (ctx, req, p) => {
    const apiVersion = requireApiVersion(req);
    checkSubscription(ctx, p.subscription);
    if (req.method !== 'GET') throw methodNotAllowed(req.method, req.path);
    return answer(ctx, p.operation, req.origin, p.subscription, apiVersion);
  };

/** POST {resourceId}/{action}: listKeys, a flexible server's start/stop; no other action is served. */
function resourceAction(ctx: Context, req: Request): Reply {
  const last = req.path.split('/').pop()?.toLowerCase();
  if (last === 'listkeys') return resources.listKeys(ctx, req, req.path.slice(0, req.path.lastIndexOf('/')));
  const power = powerActionOf(req.path);
  if (power !== undefined) return postServerPower(ctx, req, power.server, power.action);
  throw new ArmError(404, 'InvalidResourceOperation', `The resource operation '${last ?? ''}' is not supported by the emulator.`);
}

const rows: Row[] = [
  ['GET', '/subscriptions', (ctx, req) => listSubscriptions(ctx, req)],
  ['GET', sub, (ctx, req, p) => getSubscription(ctx, req, p.subscription)],
  ['GET', `${sub}/resources`, (ctx, req, p) => groups.listResources(ctx, req, p.subscription)],

  ['GET', `${sub}/resourcegroups`, (ctx, req, p) => groups.listResourceGroups(ctx, req, p.subscription)],
  ['PUT', group, (ctx, req, p) => groups.putResourceGroup(ctx, req, p.subscription, p.group)],
  ['GET', group, (ctx, req, p) => groups.getResourceGroup(ctx, req, p.subscription, p.group)],
  ['HEAD', group, (ctx, req, p) => groups.headResourceGroup(ctx, req, p.subscription, p.group)],
  ['PATCH', group, (ctx, req, p) => groups.patchResourceGroup(ctx, req, p.subscription, p.group)],
  ['DELETE', group, (ctx, req, p) => groups.deleteResourceGroup(ctx, req, p.subscription, p.group)],
  ['GET', `${group}/resources`, (ctx, req, p) => groups.listResources(ctx, req, p.subscription, p.group)],
  ['GET', `${group}{/providers/microsoft.resources}?/deployments/:name/operations`, (ctx, req, p) => deployments.listGroupDeploymentOperations(ctx, req, p.subscription, p.group, p.name)],

  ['GET', rp, (ctx, req) => providers.listProviders(ctx, req)],
  ['GET', `${rp}/:namespace`, (ctx, req, p) => (checkSubscription(ctx, p.subscription), providers.getProvider(ctx, req, p.namespace))],
  ['POST', `${rp}/:namespace/register`, (ctx, req, p) => (checkSubscription(ctx, p.subscription), providers.registerProvider(ctx, req, p.namespace, true))],
  ['POST', `${rp}/:namespace/unregister`, (ctx, req, p) => (checkSubscription(ctx, p.subscription), providers.registerProvider(ctx, req, p.namespace, false))],

  ['GET', `${keyVault}/deletedvaults`, (ctx, req, p) => deletedVaults.listDeletedVaults(ctx, req, p.subscription)],
  ['GET', deletedVault, (ctx, req, p) => deletedVaults.getDeletedVault(ctx, req, p.subscription, p.location, p.name)],
  ['POST', `${deletedVault}/purge`, (ctx, req, p) => deletedVaults.purgeDeletedVault(ctx, req, p.subscription, p.location, p.name)],
  ['*', `${keyVault}/locations/:location/deletedvaults{/*}?`, unrouted],

  ['*', `${armResources}/operationstatuses/:operation`, poll(operationStatus)],
  ['*', `${armResources}/operationresults/:operation`, poll(operationResult)],

  ['GET', `${armResources}/deploymentstacks`, (ctx, req, p) => stacks.listStacks(ctx, req, p.subscription)],
  ['PUT', stack, (ctx, req, p) => stacks.putStack(ctx, req, p.subscription, p.name)],
  ['GET', stack, (ctx, req, p) => stacks.getStack(ctx, req, p.subscription, p.name)],
  ['DELETE', stack, (ctx, req, p) => stacks.deleteStack(ctx, req, p.subscription, p.name)],
  ['POST', `${stack}/validate`, (ctx, req, p) => stacks.validateStack(ctx, req, p.subscription, p.name)],
  ['POST', `${stack}/exporttemplate`, (ctx, req, p) => stacks.exportStackTemplate(ctx, req, p.subscription, p.name)],
  ['*', `${armResources}/deploymentstacks/*`, unrouted],

  ['GET', `${armResources}/deploymentstackswhatifresults`, (ctx, req, p) => stackWhatIf.listStackWhatIfs(ctx, req, p.subscription)],
  ['PUT', stackWhatIfResult, (ctx, req, p) => stackWhatIf.putStackWhatIf(ctx, req, p.subscription, p.name)],
  ['GET', stackWhatIfResult, (ctx, req, p) => stackWhatIf.getStackWhatIf(ctx, req, p.subscription, p.name)],
  ['DELETE', stackWhatIfResult, (ctx, req, p) => stackWhatIf.deleteStackWhatIf(ctx, req, p.subscription, p.name)],
  ['POST', `${stackWhatIfResult}/whatif`, (ctx, req, p) => stackWhatIf.runStackWhatIf(ctx, req, p.subscription, p.name)],
  ['*', `${armResources}/deploymentstackswhatifresults/*`, unrouted],

  ['GET', `${armResources}/deployments`, (ctx, req, p) => deployments.listDeployments(ctx, req, p.subscription)],
  ['PUT', deployment, (ctx, req, p) => deployments.putDeployment(ctx, req, p.subscription, p.name)],
  ['GET', deployment, (ctx, req, p) => deployments.getDeployment(ctx, req, p.subscription, p.name)],
  ['POST', `${deployment}/validate`, (ctx, req, p) => deployments.validateDeployment(ctx, req, p.subscription, p.name)],
  ['POST', `${deployment}/whatif`, (ctx, req, p) => deployments.whatIfDeployment(ctx, req, p.subscription, p.name)],
  ['GET', `${deployment}/operations`, (ctx, req, p) => deployments.listDeploymentOperations(ctx, req, p.subscription, p.name)],
  ['*', `${armResources}/deployments/*`, unrouted],

  ['POST', `${job}/start`, (ctx, req) => jobs.startJob(ctx, req, jobId(req, 1))],
  ['GET', `${job}/executions`, (ctx, req) => jobs.listExecutions(ctx, req, jobId(req, 1))],
  ['GET', `${job}/executions/:execution`, (ctx, req, p) => jobs.getExecution(ctx, req, jobId(req, 2), p.execution)],
  ['POST', `${job}/executions/:execution/stop`, (ctx, req, p) => jobs.stopExecution(ctx, req, jobId(req, 3), p.execution)],
  ['*', `${job}/*`, unrouted],

  ['GET', anyResource, (ctx, req) => resources.getGenericResource(ctx, req, req.path)],
  ['PUT', anyResource, (ctx, req) => resources.putGenericResource(ctx, req, req.path)],
  ['PATCH', anyResource, (ctx, req) => resources.patchGenericResource(ctx, req, req.path)],
  ['DELETE', anyResource, (ctx, req) => resources.deleteGenericResource(ctx, req, req.path)],
  ['POST', anyResource, resourceAction],
];

const table = surfaces(rows);

export function route(ctx: Context, req: Request): Reply | Promise<Reply> {
  return dispatch(table, ctx, req);
}

// Resource providers (specification/resources/resource-manager/Microsoft.Resources/resources/stable/2025-04-01/resources.json
// #/definitions/Provider): get, list, register, unregister.
import { checkApiVersion } from '../api-version.ts';
import { findProvider, locations, providers, type ProviderInfo } from '../catalog.ts';
import type { Context } from '../context.ts';
import { ArmError, invalidNamespace } from '../errors.ts';
import { reply, type Reply, type Request } from '../http.ts';
import { page } from '../paging.ts';

/** Registered in every new subscription (as in Azure). */
const registeredByDefault = new Set(['microsoft.resources', 'microsoft.authorization', 'microsoft.consumption', 'microsoft.costmanagement', 'microsoft.storage', 'microsoft.network']);

export function registrationState(ctx: Context, namespace: string): string {
  return ctx.store.data.providers[namespace.toLowerCase()] ?? (registeredByDefault.has(namespace.toLowerCase()) ? 'Registered' : 'NotRegistered');
}

function providerBody(ctx: Context, p: ProviderInfo): Record<string, unknown> {
  return {
    id: `/subscriptions/${ctx.subscriptionId}/providers/${p.namespace}`,
    namespace: p.namespace,
    registrationState: registrationState(ctx, p.namespace),
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: Object.entries(p.types).map(([resourceType, versions]) => ({
      resourceType,
      locations: locations.map((l) => l),
      apiVersions: versions === 'any' ? [] : [...versions].reverse(),
    })),
  };
}

function provider(namespace: string): ProviderInfo {
  const p = findProvider(namespace);
  if (p === undefined) throw invalidNamespace(namespace);
  return p;
}

export function listProviders(ctx: Context, req: Request): Reply {
  checkApiVersion(req, 'Microsoft.Resources/providers');
  return reply(200, page(req, providers.map((p) => providerBody(ctx, p))));
}

export function getProvider(ctx: Context, req: Request, namespace: string): Reply {
  checkApiVersion(req, 'Microsoft.Resources/providers');
  return reply(200, providerBody(ctx, provider(namespace)));
}

export function registerProvider(ctx: Context, req: Request, namespace: string, register: boolean): Reply {
  checkApiVersion(req, 'Microsoft.Resources/providers');
  const p = provider(namespace);
  ctx.store.data.providers[p.namespace.toLowerCase()] = register ? 'Registered' : 'NotRegistered';
  ctx.store.save();
  return reply(200, providerBody(ctx, p));
}

/** ARM refuses writes to a namespace the subscription is not registered for. */
export function requireRegistered(ctx: Context, namespace: string): void {
  if (registrationState(ctx, namespace) === 'Registered') return;
  throw new ArmError(409, 'MissingSubscriptionRegistration', `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`, {
    details: [{ code: 'MissingSubscriptionRegistration', target: namespace, message: `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.` }],
  });
}

/** Deployments register the namespaces they use (ARM does this for templates). */
export function autoRegister(ctx: Context, namespaces: Iterable<string>): void {
  for (const ns of namespaces) if (findProvider(ns) !== undefined) ctx.store.data.providers[ns.toLowerCase()] = 'Registered';
}

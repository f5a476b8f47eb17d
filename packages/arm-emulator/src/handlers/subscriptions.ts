// Subscriptions (specification/subscription/resource-manager/Microsoft.Subscription/stable/2016-06-01/subscriptions.json
// #/definitions/Subscription): one subscription, configurable id.
import { checkApiVersion } from '../api-version.ts';
import type { Context } from '../context.ts';
import { subscriptionNotFound } from '../errors.ts';
import { reply, type Reply, type Request } from '../http.ts';
import { page } from '../paging.ts';

export function subscriptionBody(ctx: Context): Record<string, unknown> {
  return {
    id: `/subscriptions/${ctx.subscriptionId}`,
    subscriptionId: ctx.subscriptionId,
    tenantId: ctx.tenantId,
    displayName: ctx.options.subscriptionName ?? 'ComplianceFlow local emulator',
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  };
}

/** Throws SubscriptionNotFound unless `sub` is the emulated subscription. */
export function checkSubscription(ctx: Context, sub: string): void {
  if (sub.toLowerCase() !== ctx.subscriptionId.toLowerCase()) throw subscriptionNotFound(sub);
}

export function listSubscriptions(ctx: Context, req: Request): Reply {
  checkApiVersion(req, 'Microsoft.Resources/subscriptions');
  return reply(200, page(req, [subscriptionBody(ctx)]));
}

export function getSubscription(ctx: Context, req: Request, sub: string): Reply {
  checkApiVersion(req, 'Microsoft.Resources/subscriptions');
  checkSubscription(ctx, sub);
  return reply(200, subscriptionBody(ctx));
}

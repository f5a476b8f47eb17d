// The resource a POST action (start, stop, …) is sent to: ARM's checks in ARM's order — api-version,
// subscription, resource group, resource — before the action does anything.
import { checkApiVersion } from '../api-version.ts';
import type { Context } from '../context.ts';
import { resourceGroupNotFound, resourceNotFound } from '../errors.ts';
import type { Request } from '../http.ts';
import { parseResourceId, type ResourceId } from '../ids.ts';
import type { StoredResource } from '../state.ts';
import { getResource, missingResourceGroup } from '../store-ops.ts';
import { checkSubscription } from './subscriptions.ts';

export function actionTarget(ctx: Context, req: Request, id: string): { rid: ResourceId; apiVersion: string; stored: StoredResource } {
  const rid = parseResourceId(id)!;
  const { apiVersion } = checkApiVersion(req, rid.type);
  checkSubscription(ctx, rid.subscriptionId);
  const group = missingResourceGroup(ctx, rid.id);
  if (group !== undefined) throw resourceGroupNotFound(group);
  const stored = getResource(ctx, rid.id);
  if (stored === undefined) throw resourceNotFound(rid.type, rid.name, rid.resourceGroup);
  return { rid, apiVersion, stored };
}

// ARM resource ids: their type, and the ids the tools build (one place for the CLI, the docs tools
// and, through required-actions.ts, the emulator).

/**
 * The full type of a resource id (Ns/type[/child]), read from its last /providers/ segment
 * (…/providers/Microsoft.EventHub/namespaces/n/eventhubs/e → Microsoft.EventHub/namespaces/eventhubs;
 * an extension resource's type is its own). A resource group id is Microsoft.Resources/resourceGroups.
 * Undefined when `id` is not a resource id under a subscription (a subscription, a collection, text).
 */
export function typeOfId(id: string): string | undefined {
  const segments = id.split('/').filter((s) => s !== '');
  if (segments[0]?.toLowerCase() !== 'subscriptions') return undefined;
  const last = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (last < 0) return segments[2]?.toLowerCase() === 'resourcegroups' && segments.length === 4 ? 'Microsoft.Resources/resourceGroups' : undefined;
  const rest = segments.slice(last + 1);
  if (rest.length < 3 || rest.length % 2 !== 1) return undefined;
  const parts = [rest[0]!];
  for (let i = 1; i < rest.length; i += 2) parts.push(rest[i]!);
  return parts.join('/');
}

export const subscriptionScope = (subscriptionId: string): string => `/subscriptions/${subscriptionId}`;
export const resourceGroupId = (subscriptionId: string, group: string): string => `${subscriptionScope(subscriptionId)}/resourceGroups/${group}`;
export const providerId = (subscriptionId: string, namespace: string): string => `${subscriptionScope(subscriptionId)}/providers/${namespace}`;
export const deploymentStackId = (subscriptionId: string, name: string): string => `${providerId(subscriptionId, 'Microsoft.Resources')}/deploymentStacks/${name}`;

// Resource ids: /subscriptions/{s}[/resourceGroups/{rg}][/providers/{Ns}/{type}/{name}[/{child}/{name}...]]
// (an extension resource has a second /providers/ segment; its type is read from the last one).

export interface ResourceId {
  /** The id as given (case preserved), without a trailing slash. */
  id: string;
  subscriptionId: string;
  resourceGroup?: string;
  namespace: string;
  /** Full type, e.g. Microsoft.Storage/storageAccounts or Microsoft.Network/virtualNetworks/subnets. */
  type: string;
  name: string;
  /** The id of the scope the resource lives at (subscription, resource group or parent resource). */
  scope: string;
  /** Parent resource id for child types (…/virtualNetworks/vnet/subnets/a → …/virtualNetworks/vnet). */
  parent?: string;
}

/** Keys of the state maps: ARM ids are case-insensitive. */
export const key = (id: string): string => id.toLowerCase();

export function parseResourceId(path: string): ResourceId | undefined {
  const id = path.replace(/\/+$/, '');
  const segments = id.split('/').slice(1);
  if (segments[0]?.toLowerCase() !== 'subscriptions' || segments[1] === undefined) return undefined;
  const subscriptionId = segments[1];
  const resourceGroup = segments[2]?.toLowerCase() === 'resourcegroups' ? segments[3] : undefined;
  const lastProviders = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (lastProviders < 0) return undefined;
  const rest = segments.slice(lastProviders + 1);
  // namespace, then (type, name) pairs
  if (rest.length < 3 || rest.length % 2 !== 1) return undefined;
  const namespace = rest[0]!;
  const typeParts = [namespace];
  for (let i = 1; i < rest.length; i += 2) typeParts.push(rest[i]!);
  const name = rest[rest.length - 1]!;
  const scope = '/' + segments.slice(0, lastProviders).join('/');
  const parent = rest.length > 3 ? `/${segments.slice(0, segments.length - 2).join('/')}` : undefined;
  return { id, subscriptionId, resourceGroup, namespace, type: typeParts.join('/'), name, scope, parent };
}

export const subscriptionId = (sub: string): string => `/subscriptions/${sub}`;
export const resourceGroupId = (sub: string, rg: string): string => `/subscriptions/${sub}/resourceGroups/${rg}`;

/** True when `id` is `scope` itself or lies below it. */
export function isWithin(id: string, scope: string): boolean {
  const a = id.toLowerCase();
  const b = scope.toLowerCase().replace(/\/+$/, '');
  return a === b || a.startsWith(`${b}/`);
}

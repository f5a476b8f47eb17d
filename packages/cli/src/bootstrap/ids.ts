// Resource ids, deterministic GUID names and the api-versions bootstrap speaks (each checked against
// azure-rest-api-specs; the emulator accepts the same).
import { createHash } from 'node:crypto';

export const apiVersions = {
  providers: '2021-04-01',
  resourceGroups: '2021-04-01',
  networkWatchers: '2024-05-01',
  storage: '2023-05-01',
  budgets: '2023-11-01',
  scheduledActions: '2023-11-01',
  policy: '2023-04-01',
  roleDefinitions: '2022-04-01',
  roleAssignments: '2022-04-01',
  postgres: '2024-08-01',
} as const;

export const subscriptionScope = (sub: string): string => `/subscriptions/${sub}`;
export const resourceGroupId = (sub: string, rg: string): string => `/subscriptions/${sub}/resourceGroups/${rg}`;

/** A GUID derived from text (name of role definitions and assignments): the same inputs, the same GUID. */
export function deterministicGuid(text: string): string {
  const h = createHash('sha256').update(text.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The full type of a resource id (Ns/type[/child]), read from its last /providers/ segment. */
export function typeOfId(id: string): string {
  const segments = id.split('/').filter((s) => s !== '');
  const last = segments.map((s) => s.toLowerCase()).lastIndexOf('providers');
  if (last < 0) return segments[2]?.toLowerCase() === 'resourcegroups' ? 'Microsoft.Resources/resourceGroups' : 'Microsoft.Resources/subscriptions';
  const rest = segments.slice(last + 1);
  const parts = [rest[0]!];
  for (let i = 1; i < rest.length; i += 2) parts.push(rest[i]!);
  return parts.join('/');
}

/** Built-in role definition GUIDs (the same in every tenant). */
export const builtInRoles = {
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Delegator': 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
} as const;

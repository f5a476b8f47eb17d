// What ARM authorizes for one resource write: the write on the target itself, and the *linked*
// actions on every resource the body references (ARM answers 403 LinkedAuthorizationFailed when one
// is missing). One source for the emulator's authorization and for bootstrap's role coverage check.
//
// Sources (Azure docs and ARM's own answers, checked 2026-12):
// - "Azure RBAC permissions for Azure Private Link" (learn.microsoft.com/azure/private-link/rbac-permissions):
//   a private endpoint needs privateEndpoints/write and subnets/join/action on its subnet — and nothing on
//   network interfaces: the endpoint's NIC is created and owned by the Network provider, so no NIC action
//   is listed (an earlier version of this file asked for networkInterfaces/write: not what Azure checks).
//   Automatic approval needs <provider>/<type>/privateEndpointConnectionsApproval/action on the target
//   (without it the connection stays Pending: the emulator sets that state, the coverage check reports it).
// - Built-in roles "Private DNS Zone Contributor" / "Network Contributor" and "Private endpoint DNS
//   integration": virtualNetworks/join/action for a zone's virtual network link, privateDnsZones/join/action
//   for a private endpoint's DNS zone group.
// - "Add, change, or delete a virtual network subnet" (permissions): networkSecurityGroups/join/action and
//   routeTables/join/action when a subnet references them; "Configure Azure Storage firewalls and virtual
//   networks" / Key Vault network security: a virtual network rule (service endpoint) needs
//   subnets/joinViaServiceEndpoint/action on the subnet, not join/action.
// - ARM's LinkedAuthorizationFailed answers name the linked actions of managed identities
//   (userAssignedIdentities/assign/action, Azure/aad-pod-identity#613) and of diagnostic-setting
//   destinations: an Event Hubs authorization rule's listkeys/action (CDCgov/prime-reportstream#7678);
//   "Diagnostic settings in Azure Monitor": workspaces/sharedKeys/action on a Log Analytics destination
//   and storageAccounts/listKeys/action on a storage destination. Any other reference to a workspace
//   or storage account is held to the same action (stricter than Azure where unsure).

import { trailingGuid } from '../guid.ts';
import { typeOfId } from './ids.ts';

/** The emulator's name for typeOfId (ids.ts). */
export { typeOfId as typeOfResourceId } from './ids.ts';

export interface ResourceWrite {
  id: string;
  type: string;
  /** The body as declared (properties, identity, sku …). */
  body: Record<string, unknown>;
}

export interface RequiredAction {
  action: string;
  /** The resource id (or resource group id) the action is checked on. */
  scope: string;
  /** Linked: checked on a referenced resource, not on the target (ARM: LinkedAuthorizationFailed). */
  linked: boolean;
  why: string;
}

/** The RBAC action prefix of a resource type (resource groups are authorized under subscriptions/). */
export function actionPrefix(resourceType: string): string {
  return resourceType.toLowerCase() === 'microsoft.resources/resourcegroups' ? 'Microsoft.Resources/subscriptions/resourceGroups' : resourceType;
}

/** Referenced types → the linked action ARM checks on the referenced resource. */
const linkedActionByType: Record<string, { action: string; why: string }> = {
  'microsoft.network/virtualnetworks/subnets': { action: 'Microsoft.Network/virtualNetworks/subnets/join/action', why: 'references a subnet' },
  'microsoft.network/virtualnetworks': { action: 'Microsoft.Network/virtualNetworks/join/action', why: 'links a virtual network' },
  'microsoft.network/networksecuritygroups': { action: 'Microsoft.Network/networkSecurityGroups/join/action', why: 'attaches a network security group' },
  'microsoft.network/routetables': { action: 'Microsoft.Network/routeTables/join/action', why: 'attaches a route table' },
  'microsoft.network/privatednszones': { action: 'Microsoft.Network/privateDnsZones/join/action', why: 'registers in a private DNS zone' },
  'microsoft.managedidentity/userassignedidentities': { action: 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', why: 'assigns a user-assigned identity' },
  'microsoft.operationalinsights/workspaces': { action: 'Microsoft.OperationalInsights/workspaces/sharedKeys/action', why: 'sends to a Log Analytics workspace' },
  'microsoft.storage/storageaccounts': { action: 'Microsoft.Storage/storageAccounts/listKeys/action', why: 'writes to a storage account' },
  'microsoft.eventhub/namespaces/authorizationrules': { action: 'Microsoft.EventHub/namespaces/authorizationRules/listKeys/action', why: 'sends with an Event Hubs authorization rule' },
  // Azure permissions for Compute, Microsoft.App: "Allows to create a Container App in a Managed Environment".
  'microsoft.app/managedenvironments': { action: 'Microsoft.App/managedEnvironments/join/action', why: 'runs in a Container Apps environment' },
};

/** A subnet referenced by a service-endpoint network rule is joined via the service endpoint. */
const serviceEndpointJoin = { action: 'Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action', why: 'allows a subnet through a service endpoint' };
const isServiceEndpointRule = (path: string): boolean => /(^|\.)virtualNetworkRules\[\d+\]/i.test(path);

/** Target types of our private endpoints: approving the connection is an action on the target. */
export const privateEndpointApprovalTypes = [
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.KeyVault/vaults',
  'Microsoft.EventHub/namespaces',
  'Microsoft.Cache/redisEnterprise',
  'Microsoft.ContainerRegistry/registries',
] as const;

export const approvalAction = (targetType: string): string => `${targetType}/privateEndpointConnectionsApproval/action`;

/** Every string in the body that is a resource id, with the JSON path it was found at. */
export function referencedIds(body: unknown, path = ''): { id: string; path: string }[] {
  if (typeof body === 'string') return typeOfId(body) === undefined || body.includes('[') ? [] : [{ id: body, path }];
  if (Array.isArray(body)) return body.flatMap((v, i) => referencedIds(v, `${path}[${i}]`));
  if (body !== null && typeof body === 'object') {
    return Object.entries(body).flatMap(([k, v]) => [
      // identity.userAssignedIdentities is keyed by the identity's id
      ...(typeOfId(k) === undefined ? [] : [{ id: k, path: `${path}.${k}` }]),
      ...referencedIds(v, path === '' ? k : `${path}.${k}`),
    ]);
  }
  return [];
}

/** The private link targets a private endpoint asks for automatic approval on. */
export function privateLinkTargets(r: ResourceWrite): string[] {
  if (r.type.toLowerCase() !== 'microsoft.network/privateendpoints') return [];
  const props = (r.body['properties'] ?? {}) as { privateLinkServiceConnections?: { properties?: { privateLinkServiceId?: unknown } }[] };
  return (props.privateLinkServiceConnections ?? []).map((c) => c.properties?.privateLinkServiceId).filter((id): id is string => typeof id === 'string');
}

/**
 * The actions a PUT of this resource needs: its own write, then every linked action. The private
 * endpoint approval action is listed (linked) but is not a refusal: without it the connection stays
 * Pending — callers decide (the emulator sets the state; the coverage check reports the gap).
 */
export function actionsForWrite(r: ResourceWrite): (RequiredAction & { approval?: true })[] {
  const out: (RequiredAction & { approval?: true })[] = [{ action: `${actionPrefix(r.type)}/write`, scope: r.id, linked: false, why: `writes ${r.type}` }];
  const own = r.id.toLowerCase();
  const seen = new Set<string>();
  const add = (a: RequiredAction & { approval?: true }): void => {
    const k = `${a.action}|${a.scope}`.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(a);
    }
  };
  const targets = new Set(privateLinkTargets(r).map((t) => t.toLowerCase()));
  for (const { id, path } of referencedIds(r.body)) {
    const low = id.toLowerCase();
    if (low === own || low.startsWith(`${own}/`) || own.startsWith(`${low}/`)) continue; // itself, its children, its parents
    const type = typeOfId(id)!;
    if (targets.has(low)) {
      add({ action: approvalAction(type), scope: id, linked: true, approval: true, why: `approves its private endpoint connection (${path})` });
      continue;
    }
    const rule = type.toLowerCase() === 'microsoft.network/virtualnetworks/subnets' && isServiceEndpointRule(path) ? serviceEndpointJoin : linkedActionByType[type.toLowerCase()];
    if (rule !== undefined) add({ action: rule.action, scope: id, linked: true, why: `${rule.why} (${path})` });
  }
  return out;
}

/** A delete needs the type's delete action (the private endpoint's NIC goes with it, owned by the Network provider). */
export function actionsForDelete(id: string, type: string): RequiredAction[] {
  return [{ action: `${actionPrefix(type)}/delete`, scope: id, linked: false, why: `deletes ${type}` }];
}

/** The role definition GUID and principal type a role assignment body grants (condition attributes). */
export function roleAssignmentRequest(body: Record<string, unknown>): { roleDefinitionGuid?: string; principalType?: string } {
  const p = (body['properties'] ?? {}) as { roleDefinitionId?: unknown; principalType?: unknown };
  const guid = typeof p.roleDefinitionId === 'string' ? trailingGuid(p.roleDefinitionId) : undefined;
  return { ...(guid === undefined ? {} : { roleDefinitionGuid: guid }), ...(typeof p.principalType === 'string' ? { principalType: p.principalType } : {}) };
}

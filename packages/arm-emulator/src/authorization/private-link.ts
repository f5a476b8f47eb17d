// Private endpoint connection states as Azure gives them: a private endpoint's connection to a
// target is Approved automatically when the caller holds <type>/privateEndpointConnectionsApproval/action
// on the target, and stays Pending (awaiting manual approval, no traffic) otherwise — "Azure RBAC
// permissions for Azure Private Link" (learn.microsoft.com/azure/private-link/rbac-permissions) and
// "Manage Azure private endpoints" (approval workflow). The state shows on the endpoint
// (privateLinkServiceConnections[].properties.privateLinkServiceConnectionState) and on the target
// (properties.privateEndpointConnections[]), as in the Network and the services' REST specs.
import { approvalAction, privateLinkTargets, typeOfResourceId, type ResourceWrite } from '@complianceflow/core/arm/required-actions.ts';
import type { Context } from '../context.ts';
import { asObject } from '../http.ts';
import { allows } from './engine.ts';

export type ConnectionStatus = 'Approved' | 'Pending';

/** Target id (lower case) → the status the caller's rights give the connection. */
export function connectionStatuses(ctx: Context, principalId: string, r: ResourceWrite): Record<string, ConnectionStatus> {
  const out: Record<string, ConnectionStatus> = {};
  for (const target of privateLinkTargets(r)) {
    const type = typeOfResourceId(target);
    out[target.toLowerCase()] = type !== undefined && allows(ctx, principalId, approvalAction(type), target) ? 'Approved' : 'Pending';
  }
  return out;
}

const stateOf = (status: ConnectionStatus): Record<string, string> =>
  status === 'Approved' ? { status, description: 'Auto-Approved', actionsRequired: 'None' } : { status, description: 'Awaiting approval', actionsRequired: 'None' };

/** Writes the states onto the stored endpoint and its targets' privateEndpointConnections. */
export function applyConnectionStatuses(ctx: Context, endpointId: string, statuses: Record<string, ConnectionStatus>): void {
  const endpoint = ctx.store.data.resources[endpointId.toLowerCase()];
  if (endpoint === undefined) return;
  const props = asObject(endpoint.body.properties) ?? {};
  const connections = Array.isArray(props.privateLinkServiceConnections) ? (props.privateLinkServiceConnections as Record<string, unknown>[]) : [];
  for (const c of connections) {
    const cp = asObject(c.properties) ?? {};
    const target = typeof cp.privateLinkServiceId === 'string' ? cp.privateLinkServiceId : undefined;
    if (target === undefined) continue;
    const status = statuses[target.toLowerCase()] ?? 'Pending';
    cp.privateLinkServiceConnectionState = stateOf(status);
    c.properties = cp;
    const stored = ctx.store.data.resources[target.toLowerCase()];
    if (stored === undefined) continue;
    const tp = asObject(stored.body.properties) ?? {};
    const others = (Array.isArray(tp.privateEndpointConnections) ? (tp.privateEndpointConnections as Record<string, unknown>[]) : []).filter(
      (pec) => String(asObject(asObject(pec.properties)?.privateEndpoint)?.id ?? '').toLowerCase() !== endpoint.id.toLowerCase(),
    );
    const name = `${endpoint.name}.${String(c.name ?? 'connection')}`;
    others.push({
      id: `${stored.id}/privateEndpointConnections/${name}`,
      name,
      type: `${stored.type}/privateEndpointConnections`,
      properties: { privateEndpoint: { id: endpoint.id }, groupIds: cp.groupIds ?? [], privateLinkServiceConnectionState: stateOf(status), provisioningState: 'Succeeded' },
    });
    tp.privateEndpointConnections = others;
    stored.body.properties = tp;
  }
}

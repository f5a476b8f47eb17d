// ARM-level checks over the stack's managed resources, with the SDK clients (Azure or the emulator):
// every managed resource Succeeded, private endpoint connections Approved, public network access
// disabled on the data services, diagnostic settings present on them.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClients } from '../arm/clients.ts';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { managedResourceIds } from '../arm/stack-definition.ts';
import { validateManagedResources, type ValidationResult } from './managed-resources.ts';
import { fail, pass, type CheckDefinition } from './model.ts';

export interface ArmContext {
  clients: ArmClients;
  stack: DeploymentStack;
  /** The api-version of each planned resource type (lower-case type → version). */
  apiVersions: Map<string, string>;
  emulator: boolean;
  /** The managed-resources walk when the caller already made it (deploy keeps it for its report). */
  managed?: Promise<ValidationResult>;
}

/** The data services and where each keeps its public network access setting. */
export const dataServiceTypes: Record<string, (properties: Record<string, unknown>) => unknown> = {
  'microsoft.dbforpostgresql/flexibleservers': (p) => (p.network as { publicNetworkAccess?: unknown } | undefined)?.publicNetworkAccess,
  'microsoft.cache/redisenterprise': (p) => p.publicNetworkAccess,
  'microsoft.eventhub/namespaces': (p) => p.publicNetworkAccess,
  'microsoft.keyvault/vaults': (p) => p.publicNetworkAccess,
};

const dataServiceIds = (ids: readonly string[]): string[] => ids.filter((id) => (typeOfId(id)?.toLowerCase() ?? '') in dataServiceTypes);
const shortName = (id: string): string => `${typeOfId(id)}/${id.split('/').pop()}`;

async function propertiesOf(context: ArmContext, id: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const apiVersion = context.apiVersions.get(typeOfId(id)?.toLowerCase() ?? '');
  if (apiVersion === undefined) throw new Error(`no api-version known for ${typeOfId(id)}`);
  // The signal aborts the read (and its connection) once the check's time is up.
  signal?.throwIfAborted();
  const resource = await context.clients.resources.resources.getById(id, apiVersion, signal === undefined ? {} : { abortSignal: signal });
  return (resource.properties ?? {}) as Record<string, unknown>;
}

/** Pure: the data services among the ids without a diagnostic setting among the ids. */
export function missingDiagnosticSettings(ids: readonly string[]): string[] {
  const lower = ids.map((id) => id.toLowerCase());
  return dataServiceIds(ids).filter((id) => !lower.some((other) => other.startsWith(`${id.toLowerCase()}/providers/microsoft.insights/diagnosticsettings/`)));
}

type Connection = { name?: string; properties?: { privateLinkServiceConnectionState?: { status?: string } } };

async function privateEndpointsApproved(context: ArmContext, ids: readonly string[], signal: AbortSignal): ReturnType<CheckDefinition['run']> {
  const endpoints = ids.filter((id) => typeOfId(id)?.toLowerCase() === 'microsoft.network/privateendpoints');
  if (endpoints.length === 0) return fail('the stack manages no private endpoints');
  const problems: string[] = [];
  let unreported = 0;
  for (const id of endpoints) {
    const properties = await propertiesOf(context, id, signal);
    const connections = (properties.privateLinkServiceConnections ?? []) as Connection[];
    if (connections.length === 0) problems.push(`${shortName(id)} has no private link service connection`);
    for (const c of connections) {
      const status = c.properties?.privateLinkServiceConnectionState?.status;
      if (status === undefined) unreported++;
      else if (status !== 'Approved') problems.push(`${shortName(id)}: connection ${c.name ?? ''} is ${status}`);
    }
  }
  // The emulator reports the states Azure gives (Approved only with the approval action): no skip there.
  if (unreported > 0) problems.push(`${unreported} private endpoint connection(s) report no state`);
  if (problems.length > 0) return fail(problems.join('; '));
  return pass(`${endpoints.length} private endpoints, every connection Approved`);
}

export function armChecks(context: ArmContext): CheckDefinition[] {
  const ids = managedResourceIds(context.stack);
  return [
    {
      name: 'arm: every managed resource Succeeded',
      troubleshooting: 'arm-succeeded',
      timeoutMs: 120_000,
      async run(signal) {
        const result = await (context.managed ?? validateManagedResources(context.clients, context.stack, context.apiVersions, () => undefined, signal));
        if (result.checked === 0) return fail('the stack manages no resources');
        return result.failed.length === 0
          ? pass(`${result.checked} managed resources report Succeeded`)
          : fail(`${result.failed.length} of ${result.checked} managed resources are not Succeeded: ${result.failed.map((f) => `${f.state}: ${f.id}`).join('; ')}`);
      },
    },
    {
      name: 'arm: private endpoint connections Approved',
      troubleshooting: 'arm-private-endpoints',
      timeoutMs: 60_000,
      run: (signal) => privateEndpointsApproved(context, ids, signal),
    },
    {
      name: 'arm: public network access disabled on data services',
      troubleshooting: 'arm-public-access',
      timeoutMs: 60_000,
      async run(signal) {
        const services = dataServiceIds(ids);
        if (services.length === 0) return fail('the stack manages none of the data services (PostgreSQL, Redis, Event Hubs, Key Vault)');
        const problems: string[] = [];
        for (const id of services) {
          const value = dataServiceTypes[typeOfId(id)!.toLowerCase()]!(await propertiesOf(context, id, signal));
          if (value !== 'Disabled') problems.push(`${shortName(id)}: publicNetworkAccess is ${value === undefined ? 'not set' : String(value)}`);
        }
        return problems.length === 0 ? pass(`disabled on ${services.map(shortName).join(', ')}`) : fail(problems.join('; '));
      },
    },
    {
      name: 'arm: diagnostic settings present on data services',
      troubleshooting: 'arm-diagnostic-settings',
      async run() {
        const services = dataServiceIds(ids);
        if (services.length === 0) return fail('the stack manages none of the data services');
        const missing = missingDiagnosticSettings(ids);
        return missing.length === 0 ? pass(`present on all ${services.length} data services`) : fail(`no diagnostic setting on ${missing.map(shortName).join(', ')}`);
      },
    },
  ];
}

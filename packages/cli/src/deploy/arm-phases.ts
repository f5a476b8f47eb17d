// The deploy's prerequisites in ARM (Azure or the emulator): the subscription answers, the planned
// resource providers are registered and bootstrap's shared network watcher group exists. The stack
// itself is reached through arm/stack-provider.ts.
import type { ArmClients } from '../arm/clients.ts';
import { armFailure, statusOf } from '../arm/stack-errors.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import type { Resource } from '../plan/resources.ts';

/** The namespaces of the planned resource types (Microsoft.Network/virtualNetworks/subnets → Microsoft.Network). */
export function requiredNamespaces(resources: readonly Resource[]): string[] {
  return [...new Set(resources.map((r) => String(r.type ?? '').split('/')[0]!).filter((ns) => ns !== ''))].sort((a, b) => a.localeCompare(b));
}

export interface Prerequisites {
  registeredNamespaces: string[];
}

/**
 * The subscription answers, the planned resource providers are registered and bootstrap created
 * the shared network watcher group; otherwise a CliError that names what is missing and the fix.
 */
export async function checkPrerequisites(clients: ArmClients, input: { deployment: string; resources: readonly Resource[]; networkWatcherResourceGroup: string; where: string }): Promise<Prerequisites> {
  const states = new Map<string, string>();
  try {
    for await (const provider of clients.resources.providers.list()) {
      if (provider.namespace !== undefined) states.set(provider.namespace.toLowerCase(), provider.registrationState ?? 'Unknown');
    }
  } catch (error) {
    const status = statusOf(error);
    const code = (error as { code?: string }).code;
    if (status === 404 || code === 'SubscriptionNotFound') {
      throw new CliError(`subscription ${clients.subscriptionId} was not found in ${input.where}.`, { hint: 'check the subscription id (az account show --query id -o tsv); against the emulator: its default subscription, or the one you bootstrapped' });
    }
    if (status === undefined) {
      throw new CliError(`cannot reach ${input.where}: ${(error as Error).message}`, { hint: 'check the network, or start the emulator (npm run emulator)' });
    }
    throw armFailure(error, input.deployment);
  }
  const required = requiredNamespaces(input.resources);
  const missing = required.filter((ns) => (states.get(ns.toLowerCase()) ?? 'NotRegistered') !== 'Registered');
  const bootstrap = input.where.includes('emulator')
    ? `npm run emulator (in another terminal), then cf-infra bootstrap --emulator --yes --subscription ${clients.subscriptionId}`
    : `cf-infra bootstrap --subscription ${clients.subscriptionId}`;
  if (missing.length > 0) {
    throw new CliError(`subscription ${clients.subscriptionId} is not registered for resource provider(s) ${missing.join(', ')}, which ${input.deployment} uses.`, { hint: `run ${bootstrap} (it registers every provider the deployments need)` });
  }
  let watcherGroup: boolean;
  try {
    watcherGroup = (await clients.resources.resourceGroups.checkExistence(input.networkWatcherResourceGroup)).body;
  } catch (error) {
    throw armFailure(error, input.deployment);
  }
  if (!watcherGroup) {
    throw new CliError(`resource group ${input.networkWatcherResourceGroup} (the shared network watchers, created once per subscription) does not exist.`, { hint: `run ${bootstrap}` });
  }
  return { registeredNamespaces: required };
}

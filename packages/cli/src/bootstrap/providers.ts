// Resource provider registration: GET each namespace, POST register where it is not registered.
import { providerId } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import { readProvider, type ItemResult, type StepContext } from './reconcile.ts';

export async function registerProviders(ctx: StepContext, namespaces: readonly string[]): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const namespace of namespaces) {
    const provider = await readProvider(ctx.rest, namespace);
    if (provider === undefined) {
      if (ctx.emulator) {
        results.push({ label: `provider ${namespace}`, action: 'skipped', detail: 'namespace not emulated' });
        continue;
      }
      throw Object.assign(new Error(`the resource provider namespace ${namespace} does not exist in this cloud`), { code: 'InvalidResourceNamespace' });
    }
    const state = String(provider['registrationState'] ?? '');
    if (state === 'Registered') {
      results.push({ label: `provider ${namespace}`, action: 'unchanged' });
      continue;
    }
    // Registering is asynchronous in Azure (Registering → Registered, minutes): the POST starts it,
    // a rerun reports it unchanged once done.
    if (state === 'Registering') {
      results.push({ label: `provider ${namespace}`, action: 'unchanged', detail: 'still registering' });
      continue;
    }
    if (!ctx.dryRun) await ctx.rest.post(`${providerId(ctx.rest.subscriptionId, namespace)}/register`, apiVersions.providers);
    results.push({ label: `provider ${namespace}`, action: 'create', detail: `was ${state || 'NotRegistered'}`, verbs: { done: 'registered', planned: 'would register' } });
  }
  return results;
}

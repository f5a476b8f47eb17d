// ARM-level validation: every resource the stack manages exists and reports provisioningState
// Succeeded. Reads through the SDK client (its one retry policy covers throttling and server errors).
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import type { ArmClients } from '../arm/clients.ts';
import { managedResourceIds } from '../arm/stack-definition.ts';

export interface ValidationResult {
  checked: number;
  failed: { id: string; state: string }[];
}

const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

/** The state of one managed resource: undefined when Succeeded, else what it is. */
async function stateOf(clients: ArmClients, id: string, apiVersions: Map<string, string>, abortSignal?: AbortSignal): Promise<string | undefined> {
  const apiVersion = apiVersions.get(typeOfId(id)?.toLowerCase() ?? '');
  if (apiVersion === undefined) return 'a resource type the plan does not have';
  try {
    const resource = await clients.resources.resources.getById(id, apiVersion, abortSignal === undefined ? {} : { abortSignal });
    const state = (resource.properties as { provisioningState?: string } | undefined)?.provisioningState ?? 'Succeeded';
    return state.toLowerCase() === 'succeeded' ? undefined : state;
  } catch (error) {
    return statusOf(error) === 404 ? 'missing' : `unreadable (${(error as Error).message.split('\n')[0]})`;
  }
}

export async function validateManagedResources(clients: ArmClients, stack: DeploymentStack, apiVersions: Map<string, string>, update: (detail: string) => void, abortSignal?: AbortSignal): Promise<ValidationResult> {
  const ids = managedResourceIds(stack);
  const failed: ValidationResult['failed'] = [];
  let done = 0;
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (abortSignal?.aborted) return;
      const state = await stateOf(clients, id, apiVersions, abortSignal);
      if (state !== undefined) failed.push({ id, state });
      done++;
      if (done % 25 === 0 || done === ids.length) update(`${done}/${ids.length} managed resources checked`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { checked: ids.length, failed };
}

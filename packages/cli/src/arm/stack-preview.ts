// What applying a stack would change: the stack what-if (api 2025-07-01) where the endpoint offers it;
// else a subscription-scope deployment what-if of the compiled template (the SDK's poller) plus the
// deletions or detachments of what the existing stack manages and the plan no longer has.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { normaliseDeploymentWhatIf, normaliseStackWhatIf, withStackRemovals, type WhatIfModel } from '../whatif/index.ts';
import type { ArmClients } from './clients.ts';
import { denySettingsOf, managedResourceIds, type WhatIfInput } from './stack-definition.ts';
import { armFailure, errorBodies } from './stack-errors.ts';
import { runStackWhatIf } from './stack-whatif.ts';

export interface PollOptions {
  /** How often to poll a long-running operation when ARM sends no Retry-After (ms). */
  updateIntervalInMs?: number;
}

export async function whatIf(clients: ArmClients, input: WhatIfInput, existing: DeploymentStack | undefined, poll: PollOptions = {}): Promise<WhatIfModel> {
  let stackResult;
  try {
    stackResult = await runStackWhatIf(
      clients,
      { stackName: input.stack.name, location: input.location, template: input.template, parameters: input.parameters, actionOnUnmanage: input.stack.actionOnUnmanage, denySettings: denySettingsOf(input.stack, input.principalId), ...(input.validationLevel === undefined ? {} : { validationLevel: input.validationLevel }) },
      poll.updateIntervalInMs ?? 1000,
    );
  } catch (error) {
    throw armFailure(error, input.deployment);
  }
  if (stackResult !== undefined) {
    const error = (stackResult['properties'] as { error?: unknown } | undefined)?.error;
    if (error !== undefined && error !== null) throw armFailure({ error }, input.deployment);
    return normaliseStackWhatIf(stackResult, { noise: input.noise });
  }
  return deploymentWhatIf(clients, input, existing, poll);
}

/** The fallback where no stack what-if is offered: deployment what-if plus the stack's removals. */
export async function deploymentWhatIf(clients: ArmClients, input: WhatIfInput, existing: DeploymentStack | undefined, poll: PollOptions = {}): Promise<WhatIfModel> {
  const errors = errorBodies();
  let result;
  try {
    result = await clients.deployments.deployments.beginWhatIfAtSubscriptionScopeAndWait(
      input.stack.name,
      { location: input.location, properties: { mode: 'Incremental', template: input.template, parameters: input.parameters as Record<string, never>, ...(input.validationLevel === undefined ? {} : { validationLevel: input.validationLevel }) } },
      { ...poll, onResponse: errors.onResponse },
    );
  } catch (error) {
    throw armFailure(errors.last ?? error, input.deployment);
  }
  if (result.error !== undefined) throw armFailure({ error: result.error }, input.deployment);
  const model = normaliseDeploymentWhatIf(result, { noise: input.noise });
  return existing === undefined ? model : withStackRemovals(model, managedResourceIds(existing), existing.properties?.actionOnUnmanage as { resources: 'delete' | 'detach'; resourceGroups?: 'delete' | 'detach' } ?? input.stack.actionOnUnmanage);
}

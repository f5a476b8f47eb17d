// The stack provider: everything the commands do with a deployment's stack, behind one interface
// (as azd's provisioning providers): its state, a preview of a change, apply, destroy, and the
// operations another run or the portal may have running on it. The ARM implementation calls the
// deployment stacks SDK and follows every long-running operation with the SDK's pollers.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { CliError } from '@complianceflow/core/errors.ts';
import { explainArmError, toCliError } from '../arm-errors/index.ts';
import { tierOf } from '../cost/index.ts';
import type { WhatIfModel } from '../whatif/index.ts';
import { createMasker } from '../whatif/mask.ts';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import type { ArmClients } from './clients.ts';
import { settleDeletedKeyVault, type VaultRetention, type VaultSettings } from './key-vault-retention.ts';
import { managedResourceIds, secureParameterValues, stackDefinition, type ApplyInput, type WhatIfInput } from './stack-definition.ts';
import { armFailure, errorBodies, statusOf } from './stack-errors.ts';
import { isStackBusyError, stackIsBusy, waitForStackToSettle, type SettleInput, type SettleOptions } from './stack-operations.ts';
import { whatIf, type PollOptions } from './stack-preview.ts';
import { armOperationReader, followDeploymentOperations, type Following } from './deployment-operations.ts';
import type { ResourceSink } from '../runner/resource-progress.ts';

export interface DestroyInput {
  deployment: string;
  stackName: string;
  /** The deployment's Key Vault: purged or retained after the delete, as its profile says. */
  vault: VaultSettings;
}

/** Another operation running on the stack: whether one is, whether ARM refused for it, waiting it out. */
export interface StackOperations {
  running(stack: DeploymentStack | undefined): boolean;
  refusedFor(error: unknown): boolean;
  settle(input: SettleInput, update: (detail: string) => void, options: SettleOptions): Promise<DeploymentStack | undefined>;
}

export interface StackProvider {
  /** The stack, or undefined when there is none. */
  state(stackName: string, deployment: string): Promise<DeploymentStack | undefined>;
  /** What apply would change. */
  preview(input: WhatIfInput, existing: DeploymentStack | undefined): Promise<WhatIfModel>;
  /** Creates or updates the stack and waits for it, reporting its state as it goes (and each resource's, given `resource`). */
  apply(input: ApplyInput, update: (detail: string) => void, resource?: ResourceSink): Promise<DeploymentStack>;
  /** Deletes the stack with its resources and resource groups; then settles the soft-deleted Key Vault. */
  destroy(input: DestroyInput, update: (detail: string) => void): Promise<VaultRetention>;
  operations: StackOperations;
}

export function armStackProvider(clients: ArmClients, poll: PollOptions = {}): StackProvider {
  const state = (stackName: string, deployment: string) => getStack(clients, stackName, deployment);
  return {
    state,
    preview: (input, existing) => whatIf(clients, input, existing, poll),
    apply: (input, update, resource) => applyStack(clients, input, update, poll, resource),
    destroy: (input, update) => deleteStack(clients, input, update, poll),
    operations: {
      running: stackIsBusy,
      refusedFor: isStackBusyError,
      settle: (input, update, options) => waitForStackToSettle(() => state(input.stackName, input.deployment), input, update, options),
    },
  };
}

async function getStack(clients: ArmClients, name: string, deployment: string): Promise<DeploymentStack | undefined> {
  try {
    return await clients.stacks.deploymentStacks.getAtSubscription(name);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw armFailure(error, deployment);
  }
}

/** The deployment's stack, or a CliError saying it is not deployed and how to deploy it. */
export async function getDeployedStack(arm: { clients: ArmClients; where: string; emulator: boolean }, name: string, deployment: string): Promise<DeploymentStack> {
  const stack = await armStackProvider(arm.clients).state(name, deployment);
  if (stack === undefined) throw new CliError(`${deployment} has no stack ${name} in ${arm.where}: it is not deployed.`, { hint: `cf-infra deploy ${deployment}${arm.emulator ? ' --emulator' : ''}` });
  return stack;
}

/** "networking 52, monitoring 31, …": managed resources per tier, most first. */
export function perTier(ids: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const tier = tierOf(typeOfId(id) ?? '');
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([tier, n]) => `${tier} ${n}`).join(', ');
}

/** A failed stack as the explanation of its error and failed resources. */
async function stackFailure(clients: ArmClients, input: { deployment: string; stackName: string }, error: unknown): Promise<CliError> {
  const stack = await clients.stacks.deploymentStacks.getAtSubscription(input.stackName).catch(() => undefined);
  const properties = stack?.properties;
  if (properties?.error !== undefined) return toCliError(explainArmError({ error: properties.error, failedResources: properties.failedResources ?? [] }, { deployment: input.deployment }), error);
  return armFailure(error, input.deployment);
}

/** How often apply reads the deployment operations: each read is one GET per (nested) deployment, within ARM's read limits on Azure. */
function followIntervalMs(clients: ArmClients, poll: PollOptions): number {
  if (poll.updateIntervalInMs !== undefined) return Math.max(100, poll.updateIntervalInMs);
  return clients.endpoint === undefined ? 10_000 : 1000;
}

const elapsed = (started: number): string => `${Math.round((Date.now() - started) / 1000)} s`;

async function applyStack(clients: ArmClients, input: ApplyInput, update: (detail: string) => void, poll: PollOptions, resource: ResourceSink | undefined): Promise<DeploymentStack> {
  const started = Date.now();
  const errors = errorBodies();
  const failure = { deployment: input.deployment, stackName: input.stack.name };
  const previousDeploymentId = resource === undefined ? undefined : (await getStack(clients, input.stack.name, input.deployment).catch(() => undefined))?.properties?.deploymentId;
  let following: Following | undefined;
  try {
    const poller = await clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscription(input.stack.name, stackDefinition(input), { ...poll, onResponse: errors.onResponse });
    poller.onProgress((s) => update(`stack ${input.stack.name}: ${s.status} (${elapsed(started)})`));
    if (resource !== undefined) {
      // ARM's messages may quote a parameter value: a secure one never reaches the output.
      const masker = createMasker(secureParameterValues(input.template, input.parameters));
      const masked: ResourceSink = (e) => resource(e.error === undefined ? e : { ...e, error: masker.text(e.error) });
      following = followDeploymentOperations(armOperationReader(clients, input.stack.name), masked, {
        intervalMs: followIntervalMs(clients, poll),
        unavailable: (reason) => update(`stack ${input.stack.name}: per-resource progress unavailable (${reason})`),
        ...(previousDeploymentId === undefined ? {} : { previousDeploymentId }),
      });
    }
    const stack = await poller.pollUntilDone().finally(() => following?.stop());
    if (stack.properties?.provisioningState !== undefined && stack.properties.provisioningState !== 'succeeded') throw await stackFailure(clients, failure, stack.properties.error);
    update(`stack ${input.stack.name}: ${stack.properties?.provisioningState ?? 'done'}; managed per tier: ${perTier(managedResourceIds(stack))}`);
    return stack;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw await stackFailure(clients, failure, errors.last ?? error);
  }
}

async function deleteStack(clients: ArmClients, input: DestroyInput, update: (detail: string) => void, poll: PollOptions): Promise<VaultRetention> {
  const started = Date.now();
  const errors = errorBodies();
  try {
    const poller = await clients.stacks.deploymentStacks.beginDeleteAtSubscription(input.stackName, {
      onResponse: errors.onResponse,
      unmanageActionResources: 'delete',
      unmanageActionResourceGroups: 'delete',
      unmanageActionManagementGroups: 'detach',
      ...poll,
    });
    poller.onProgress((s) => update(`stack ${input.stackName}: ${s.status} (${elapsed(started)})`));
    await poller.pollUntilDone();
  } catch (error) {
    throw await stackFailure(clients, input, errors.last ?? error);
  }
  return settleDeletedKeyVault(clients, input.vault, { pollIntervalMs: poll.updateIntervalInMs ?? 2000 });
}

// The phases of a deploy that talk to ARM (Azure or the emulator), each a small function over the
// real SDK clients: prerequisites, what-if, stack create/update with progress, validation, delete.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClients } from '../arm/clients.ts';
import { explainArmError, isTransient, retryDelayMs, toCliError, type HeaderSource } from '../arm-errors/index.ts';
import { tierOf } from '../cost/index.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import type { Resource } from '../plan/resources.ts';
import { normaliseDeploymentWhatIf, normaliseStackWhatIf, withStackRemovals, type WhatIfModel } from '../whatif/index.ts';
import { runStackWhatIf, StackWhatIfError, type WhatIfValidationLevel } from './stack-whatif.ts';
import type { StackSettings } from './preflight.ts';
import { resolveTarget } from './preflight.ts';
import { settleDeletedKeyVault, type VaultRetention } from './key-vault-retention.ts';

export interface PollOptions {
  /** How often to poll a long-running operation when ARM sends no Retry-After (ms). */
  updateIntervalInMs?: number;
}

/**
 * The last ARM error body seen on any response of an operation, polls included: when a long-running
 * operation fails, the SDK's error keeps only code and message, while ARM's body also names the
 * inner errors (the policy assignment, the failed resources).
 */
function errorBodies(): { last: unknown; onResponse: (raw: { parsedBody?: unknown; bodyAsText?: string | null }) => void } {
  const seen: { last: unknown; onResponse: (raw: { parsedBody?: unknown; bodyAsText?: string | null }) => void } = {
    last: undefined,
    onResponse(raw) {
      let body = raw.parsedBody;
      if (body === undefined && typeof raw.bodyAsText === 'string') {
        try {
          body = JSON.parse(raw.bodyAsText);
        } catch {
          body = undefined;
        }
      }
      if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object') seen.last = body;
    },
  };
  return seen;
}

const statusOf = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode;

function armFailure(error: unknown, deployment: string): CliError {
  if (error instanceof CliError) return error;
  return toCliError(explainArmError(error, { deployment }), error);
}

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

/** The stack, or undefined when there is none. */
export async function getStack(clients: ArmClients, name: string, deployment: string): Promise<DeploymentStack | undefined> {
  try {
    return await clients.stacks.deploymentStacks.getAtSubscription(name);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw armFailure(error, deployment);
  }
}

/** The deployment's stack, or a CliError saying it is not deployed and how to deploy it. */
export async function getDeployedStack(arm: { clients: ArmClients; where: string; emulator: boolean }, name: string, deployment: string): Promise<DeploymentStack> {
  const stack = await getStack(arm.clients, name, deployment);
  if (stack === undefined) throw new CliError(`${deployment} has no stack ${name} in ${arm.where}: it is not deployed.`, { hint: `cf-infra deploy ${deployment}${arm.emulator ? ' --emulator' : ''}` });
  return stack;
}

export function managedResourceIds(stack: DeploymentStack | undefined): string[] {
  return (stack?.properties?.resources ?? []).filter((r) => r.status === undefined || r.status === 'managed').map((r) => r.id!).filter((id) => id !== undefined);
}

export interface WhatIfInput {
  deployment: string;
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  stack: StackSettings;
  /** Default Provider: the deploy's own what-if checks the deploying identity's write rights early. */
  validationLevel?: WhatIfValidationLevel;
}

/**
 * The stack what-if (api 2025-07-01) where the endpoint offers it; else a subscription-scope
 * deployment what-if of the compiled template plus the deletions or detachments of what the
 * existing stack manages and the plan no longer has.
 */
export async function whatIf(clients: ArmClients, input: WhatIfInput, existing: DeploymentStack | undefined, poll: PollOptions = {}): Promise<WhatIfModel> {
  let stackResult;
  try {
    stackResult = await runStackWhatIf(
      clients,
      { stackName: input.stack.name, location: input.location, template: input.template, parameters: input.parameters, actionOnUnmanage: input.stack.actionOnUnmanage, denySettings: input.stack.denySettings, ...(input.validationLevel === undefined ? {} : { validationLevel: input.validationLevel }) },
      poll.updateIntervalInMs ?? 1000,
    );
  } catch (error) {
    throw armFailure(error instanceof StackWhatIfError ? error.body : error, input.deployment);
  }
  if (stackResult !== undefined) {
    const error = (stackResult.properties as { error?: unknown } | undefined)?.error;
    if (error !== undefined && error !== null) throw armFailure({ error }, input.deployment);
    return normaliseStackWhatIf(stackResult);
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
  const model = normaliseDeploymentWhatIf(result);
  return existing === undefined ? model : withStackRemovals(model, managedResourceIds(existing), existing.properties?.actionOnUnmanage as { resources: 'delete' | 'detach'; resourceGroups?: 'delete' | 'detach' } ?? input.stack.actionOnUnmanage);
}

export interface ApplyInput extends WhatIfInput {
  /** The deploying identity, excluded from the deny assignment (where known). */
  principalId: string | undefined;
}

export function stackDefinition(input: ApplyInput): DeploymentStack {
  const deny = input.stack.denySettings;
  return {
    location: input.location,
    tags: { app: 'complianceflow', deployment: input.deployment },
    properties: {
      description: `ComplianceFlow deployment ${input.deployment} (cf-infra)`,
      template: input.template,
      parameters: input.parameters as unknown as NonNullable<DeploymentStack['properties']>['parameters'],
      actionOnUnmanage: input.stack.actionOnUnmanage,
      denySettings: {
        mode: deny.mode,
        applyToChildScopes: deny.applyToChildScopes,
        ...(deny.mode !== 'none' && input.principalId !== undefined ? { excludedPrincipals: [input.principalId] } : {}),
      },
    },
  };
}

/** "networking 52, monitoring 31, …": managed resources per tier, most first. */
export function perTier(ids: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const tier = tierOf(typeOfId(id));
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

/** Creates or updates the stack and waits for it, reporting its state as it goes. */
export async function applyStack(clients: ArmClients, input: ApplyInput, update: (detail: string) => void, poll: PollOptions = {}): Promise<DeploymentStack> {
  const started = Date.now();
  const errors = errorBodies();
  try {
    const poller = await clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscription(input.stack.name, stackDefinition(input), { ...poll, onResponse: errors.onResponse });
    poller.onProgress((state) => update(`stack ${input.stack.name}: ${state.status} (${Math.round((Date.now() - started) / 1000)} s)`));
    const stack = await poller.pollUntilDone();
    if (stack.properties?.provisioningState !== undefined && stack.properties.provisioningState !== 'succeeded') {
      throw await stackFailure(clients, { deployment: input.deployment, stackName: input.stack.name }, stack.properties.error);
    }
    update(`stack ${input.stack.name}: ${stack.properties?.provisioningState ?? 'done'}; managed per tier: ${perTier(managedResourceIds(stack))}`);
    return stack;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw await stackFailure(clients, { deployment: input.deployment, stackName: input.stack.name }, errors.last ?? error);
  }
}

export interface ValidationResult {
  checked: number;
  failed: { id: string; state: string }[];
}

/**
 * The resource type of an id: the last provider segment's namespace and type names
 * (…/providers/Microsoft.EventHub/namespaces/n/eventhubs/e → Microsoft.EventHub/namespaces/eventhubs).
 */
export function typeOfId(id: string): string {
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(id)) return 'Microsoft.Resources/resourceGroups';
  const at = id.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) return '';
  const [namespace, ...rest] = id.slice(at + '/providers/'.length).split('/');
  return [namespace, ...rest.filter((_, i) => i % 2 === 0)].join('/');
}

/**
 * The api-version of each planned resource type (lower-case type → version). Ids would not do:
 * the offline snapshot uses a placeholder subscription, so guid()-named resources differ.
 */
export function apiVersionsByType(resources: readonly Resource[]): Map<string, string> {
  const map = new Map<string, string>([['microsoft.resources/resourcegroups', '2024-03-01']]);
  for (const r of resources) {
    if (typeof r.type === 'string' && typeof r.apiVersion === 'string') map.set(r.type.toLowerCase(), r.apiVersion);
  }
  return map;
}

/**
 * Retries an ARM call on transient answers (429, 5xx, network) after the server's Retry-After, on
 * top of the SDK's own retries: a read that the SDK gave up on is not yet a failed resource.
 */
export async function withTransientRetries<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const e = error as { statusCode?: number; code?: string; response?: { headers?: HeaderSource } };
      if (attempt + 1 >= attempts || !isTransient(e.statusCode, e.code)) throw error;
      await new Promise((r) => setTimeout(r, retryDelayMs({ attempt, baseMs: 500, maxMs: 30_000, ...(e.response?.headers === undefined ? {} : { headers: e.response.headers }) })));
    }
  }
}

/** ARM-level validation: every managed resource exists and reports provisioningState Succeeded. */
export async function validateManagedResources(clients: ArmClients, stack: DeploymentStack, apiVersions: Map<string, string>, update: (detail: string) => void, abortSignal?: AbortSignal): Promise<ValidationResult> {
  const ids = managedResourceIds(stack);
  const failed: ValidationResult['failed'] = [];
  let done = 0;
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (abortSignal?.aborted) return;
      const apiVersion = apiVersions.get(typeOfId(id).toLowerCase());
      if (apiVersion === undefined) {
        failed.push({ id, state: 'a resource type the plan does not have' });
      } else {
        try {
          const resource = await withTransientRetries(() => clients.resources.resources.getById(id, apiVersion, abortSignal === undefined ? {} : { abortSignal }));
          const state = (resource.properties as { provisioningState?: string } | undefined)?.provisioningState ?? 'Succeeded';
          if (state.toLowerCase() !== 'succeeded') failed.push({ id, state });
        } catch (error) {
          failed.push({ id, state: statusOf(error) === 404 ? 'missing' : `unreadable (${(error as Error).message.split('\n')[0]})` });
        }
      }
      done++;
      if (done % 25 === 0 || done === ids.length) update(`${done}/${ids.length} managed resources checked`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { checked: ids.length, failed };
}

/**
 * Deletes the stack and, as `actionOnUnmanage` says here (delete), its resources and resource groups;
 * then settles the soft-deleted Key Vault (purged, or retained under purge protection).
 */
export async function deleteStack(clients: ArmClients, input: { deployment: string; stackName: string }, update: (detail: string) => void, poll: PollOptions = {}): Promise<VaultRetention> {
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
    poller.onProgress((state) => update(`stack ${input.stackName}: ${state.status} (${Math.round((Date.now() - started) / 1000)} s)`));
    await poller.pollUntilDone();
  } catch (error) {
    throw await stackFailure(clients, { deployment: input.deployment, stackName: input.stackName }, errors.last ?? error);
  }
  return settleDeletedKeyVault(clients, resolveTarget(input.deployment).resolved, { pollIntervalMs: poll.updateIntervalInMs ?? 2000 });
}

/**
 * The stack states after which ARM takes a new PUT or DELETE; in any other state (creating,
 * validating, waiting, deploying, canceling, updatingDenyAssignments, deletingResources, deleting:
 * KnownDeploymentStackProvisioningState of @azure/arm-resourcesdeploymentstacks, api 2024-03-01) it
 * refuses with 409 DeploymentStackInNonTerminalState. A state not in this list counts as running.
 */
export const terminalStackStates: ReadonlySet<string> = new Set(['succeeded', 'failed', 'canceled']);

export function stackIsBusy(stack: DeploymentStack | undefined): boolean {
  const state = stack?.properties?.provisioningState;
  return stack !== undefined && state !== undefined && !terminalStackStates.has(state.toLowerCase());
}

/** Default bound of --stack-wait: how long a run waits for another operation on its stack. */
export const defaultStackWaitSeconds = 1800;

/**
 * Waits, with progress, until the stack has left a running state (another run's or the portal's
 * operation), at most `timeoutMs`; returns the settled stack (undefined once deleted).
 */
export async function waitForStackToSettle(
  clients: ArmClients,
  input: { deployment: string; stackName: string; where: string; stack: DeploymentStack | undefined },
  update: (detail: string) => void,
  options: { timeoutMs: number; pollMs?: number },
): Promise<DeploymentStack | undefined> {
  const started = Date.now();
  let stack = input.stack;
  while (stackIsBusy(stack)) {
    const state = stack!.properties!.provisioningState!;
    const waited = Math.round((Date.now() - started) / 1000);
    if (Date.now() - started >= options.timeoutMs) {
      throw new CliError(`stack ${input.stackName} in ${input.where} is still "${state}" after ${waited} s (another operation on it, not this run's); nothing was changed.`, {
        hint: `\`cf-infra show ${input.deployment}\` follows it; rerun when it has finished, or wait longer with --stack-wait <seconds> (default ${defaultStackWaitSeconds})`,
      });
    }
    update(`stack ${input.stackName} is "${state}" (another operation): waiting for it, ${waited} s of at most ${Math.round(options.timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
    stack = await getStack(clients, input.stackName, input.deployment);
  }
  return stack;
}

/** ARM refused a PUT/DELETE because the stack is still running another operation. */
export function isStackBusyError(error: unknown): boolean {
  const e = error as { code?: string; error?: { code?: string } };
  return e?.code === 'DeploymentStackInNonTerminalState' || e?.error?.code === 'DeploymentStackInNonTerminalState';
}

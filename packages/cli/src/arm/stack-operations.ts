// Another operation running on a stack (another run's, or the portal's): ARM refuses a PUT or DELETE
// meanwhile (409 DeploymentStackInNonTerminalState), so a run waits for it, bounded.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { CliError } from '@complianceflow/core/errors.ts';

/**
 * The stack states after which ARM takes a new PUT or DELETE; in any other state (creating,
 * validating, waiting, deploying, canceling, updatingDenyAssignments, deletingResources, deleting:
 * KnownDeploymentStackProvisioningState of @azure/arm-resourcesdeploymentstacks, api 2024-03-01) it
 * refuses with 409 DeploymentStackInNonTerminalState. A state not in this list counts as running.
 */
export const terminalStackStates: ReadonlySet<string> = new Set(['succeeded', 'failed', 'canceled']);

/** Default bound of --stack-wait: how long a run waits for another operation on its stack. */
export const defaultStackWaitSeconds = 1800;

export function stackIsBusy(stack: DeploymentStack | undefined): boolean {
  const state = stack?.properties?.provisioningState;
  return stack !== undefined && state !== undefined && !terminalStackStates.has(state.toLowerCase());
}

/** ARM refused a PUT/DELETE because the stack is still running another operation. */
export function isStackBusyError(error: unknown): boolean {
  const e = error as { code?: string; error?: { code?: string } };
  return e?.code === 'DeploymentStackInNonTerminalState' || e?.error?.code === 'DeploymentStackInNonTerminalState';
}

export interface SettleInput {
  deployment: string;
  stackName: string;
  where: string;
  stack: DeploymentStack | undefined;
}

export interface SettleOptions {
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Waits, with progress, until the stack has left a running state, at most `timeoutMs`; returns the
 * settled stack (undefined once deleted). `read` reads the stack again.
 */
export async function waitForStackToSettle(read: () => Promise<DeploymentStack | undefined>, input: SettleInput, update: (detail: string) => void, options: SettleOptions): Promise<DeploymentStack | undefined> {
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
    stack = await read();
  }
  return stack;
}

// One destroy as a list of steps over one DestroyContext: lock → read the stack → wait for an
// operation still running → confirm (type the name) → delete the stack with its resources; then,
// always, unlock → run report (once a delete or wait ran, or an interrupt came).
import os from 'node:os';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { currentActor } from '../lock/index.ts';
import type { PlanTarget } from '../plan/target.ts';
import type { KeyVaultRetention, RunReport } from '../report/model.ts';
import { describeVaultRetention } from '../report/render.ts';
import { uploadRunReport, writeRunReport } from '../report/store.ts';
import { newRunState, type Step, type StepList } from '../runner/steps.ts';
import { vaultSettingsOf } from '../arm/key-vault-retention.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { failureStep, must, onceMoreAfterOtherOperation, openServicesStep, takeLockStep, unlockStep, type LockedRun } from './locked-run.ts';
import { newRunId } from './run-id.ts';
import type { CommandServices } from './services.ts';

export interface DestroyRequest {
  deployment: string;
  command: string;
  target: PlanTarget;
  /** --confirm <name> (checked against the name already); without it the name is asked for. */
  confirmed: boolean;
  stackWaitMs: number;
  lockWaitMs: number;
}

export interface DestroyContext extends LockedRun {
  readonly request: DestroyRequest;
  /** Asks on the terminal for the deployment's name. */
  readonly askForText: (question: string) => Promise<string>;
  readonly startedAt: string;
  stack?: DeploymentStack;
  /** No stack, or the name not typed: nothing is deleted. */
  stopped: boolean;
  deleted: number;
  keyVault?: KeyVaultRetention;
}

export function newDestroyContext(request: DestroyRequest, services: CommandServices, askForText: (question: string) => Promise<string>): DestroyContext {
  return {
    run: newRunState('lock'), request, deployment: request.deployment, command: request.command, open: services, askForText, runId: newRunId(), startedAt: new Date().toISOString(), stackName: request.target.resolved.otherNames.deploymentStack,
    stopped: false, deleted: 0, outcome: 'failed', exitCode: ExitCode.Failed,
  };
}

type DestroyStep = Step<DestroyContext>;
const arm = (ctx: DestroyContext) => must(ctx.arm, 'the ARM session');
const stacks = (ctx: DestroyContext) => armStackProvider(arm(ctx).clients);

const readStackStep: DestroyStep = {
  async run(ctx) {
    ctx.stack = await stacks(ctx).state(ctx.stackName, ctx.request.deployment);
  },
};

const waitStep = (onlyWhenBusy: boolean): DestroyStep => ({
  name: 'wait',
  title: (ctx) => `${ctx.request.deployment}: wait for the operation still running on stack ${ctx.stackName}`,
  skip: (ctx) => onlyWhenBusy && !stacks(ctx).operations.running(ctx.stack),
  async run(ctx, task) {
    const { deployment, stackWaitMs } = ctx.request;
    ctx.stack = await stacks(ctx).operations.settle({ deployment, stackName: ctx.stackName, where: arm(ctx).where, stack: ctx.stack }, task.output, { timeoutMs: stackWaitMs });
  },
});

const nothingThereStep: DestroyStep = {
  async run(ctx) {
    if (ctx.stack !== undefined) {
      ctx.deleted = ctx.stack.properties?.resources?.length ?? 0;
      return;
    }
    console.log(`${ctx.request.deployment}: no stack ${ctx.stackName} in ${arm(ctx).where}; nothing to delete.`);
    ctx.stopped = true;
    ctx.exitCode = ExitCode.Success;
  },
};

const confirmStep: DestroyStep = {
  name: 'confirm',
  unrecorded: true,
  skip: (ctx) => ctx.stopped || ctx.request.confirmed,
  async run(ctx) {
    const typed = await ctx.askForText(`This deletes stack ${ctx.stackName} and its ${ctx.deleted} resources (resource groups included) in ${arm(ctx).where}.\nType the deployment name to confirm: `);
    if (typed === ctx.request.deployment) return;
    console.log('Not confirmed; nothing was deleted.');
    ctx.stopped = true;
    ctx.outcome = 'cancelled';
    ctx.exitCode = ExitCode.BadInput;
  },
};

const deleteOnceStep: DestroyStep = {
  name: 'delete',
  title: (ctx) => `${ctx.request.deployment}: delete stack ${ctx.stackName} with its ${ctx.deleted} resources`,
  async run(ctx, task) {
    const retention = await stacks(ctx).destroy({ deployment: ctx.request.deployment, stackName: ctx.stackName, vault: vaultSettingsOf(ctx.request.target.resolved) }, task.output);
    if (retention.action !== 'none') ctx.keyVault = retention;
  },
};

/** Another operation started since the read: wait for it, then delete once more. */
const deleteStep: DestroyStep = {
  skip: (ctx) => ctx.stopped,
  async run(ctx, task) {
    await onceMoreAfterOtherOperation(task, { once: deleteOnceStep, read: readStackStep, wait: waitStep(false) }, (cause) => stacks(ctx).operations.refusedFor(cause));
    console.log(`${ctx.request.deployment}: destroyed (stack ${ctx.stackName} and its ${ctx.deleted} managed resources deleted).`);
    if (ctx.keyVault !== undefined) console.log(describeVaultRetention(ctx.keyVault));
    ctx.outcome = 'succeeded';
    ctx.exitCode = ExitCode.Success;
  },
};

/** A report once ARM was asked to do something (a delete, a wait) or an interrupt came. */
const reportStep: DestroyStep = {
  skip: (ctx) => ctx.lock === undefined || !(ctx.run.phases.some((p) => p.name === 'delete' || p.name === 'wait') || ctx.outcome === 'interrupted'),
  async run(ctx) {
    const { request, outcome, keyVault, error } = ctx;
    const session = arm(ctx);
    const report: RunReport = {
      runId: ctx.runId, command: request.command, deployment: request.deployment, environment: request.target.environment, location: request.target.location, stack: ctx.stackName,
      target: session.where, subscriptionId: session.clients.subscriptionId, who: currentActor(), host: os.hostname(),
      startedAt: ctx.startedAt, finishedAt: new Date().toISOString(), outcome, exitCode: ctx.exitCode, phases: ctx.run.phases,
      result: { provisioningState: outcome === 'succeeded' ? 'deleted' : outcome === 'interrupted' ? 'unknown (interrupted)' : 'failed', managedResources: 0, outputs: {}, ...(keyVault === undefined ? {} : { keyVault }) },
      ...(error === undefined ? {} : { error }),
    };
    const dir = await writeRunReport(report);
    await uploadRunReport(report, must(ctx.store, 'the lock store')).catch(() => undefined);
    console.log(`Run report: ${dir}`);
  },
};

export const destroySteps: StepList<DestroyContext> = {
  steps: [openServicesStep<DestroyContext>(), takeLockStep<DestroyContext>(({ request }) => ({ handleSignals: false, waitMs: request.lockWaitMs })), readStackStep, waitStep(true), nothingThereStep, confirmStep, deleteStep],
  finally: [failureStep<DestroyContext>((_ctx, line) => console.error(line)), unlockStep<DestroyContext>(), reportStep],
};

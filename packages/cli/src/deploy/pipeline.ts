// One deploy as a list of steps over one DeployContext (GUIDE section 2): plan (config, compile +
// lint, snapshot, policy, cost) → lock → prerequisites → what-if → confirm → create/update the
// stack → secrets → databases → validate; then, always, unlock → run report. The runner
// (runner/run-steps.ts) shows and times them; the services (Bicep, ARM, lock store, progress,
// prompt) come from the caller, so the command and the tests run the same code.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { RunOrigin, RunReport } from '../report/model.ts';
import { runSteps } from '../runner/run-steps.ts';
import type { Step, StepList } from '../runner/steps.ts';
import { hasChanges, renderJson, renderMarkdown, renderText, summaryLine, utcDate, type WhatIfModel } from '../whatif/index.ts';
import { describeExpired, loadNoiseRules } from '../config/what-if-rules.ts';
import { noiseLine } from '../report/render-noise.ts';
import { validateAfterDeploy } from '../validate/deploy-phase.ts';
import { anyFailed } from '../validate/model.ts';
import { renderTable as renderChecks } from '../validate/render.ts';
import { apiVersionsByType } from '../arm/api-versions.ts';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { checkPrerequisites } from './arm-phases.ts';
import { newDeployContext, type DeployContext, type DeployRequest, type DeployServices, type OutputFormat } from './deploy-context.ts';
import { publishDeployReport } from './deploy-report.ts';
import { keepArtifactsStep } from './run-artifacts.ts';
import { failureStep, must, onceMoreAfterOtherOperation, openServicesStep, takeLockStep, unlockStep } from './locked-run.ts';
import { deployShape, resolveTarget, runPreflight, type Preflight } from './preflight.ts';
import { prepareCreationSecrets, runSecretsPhase } from './secrets-phase.ts';
import { runDatabasePhase } from './database-phase.ts';
import { checkNoise } from './noise-check.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';

export type { DeployRequest, DeployServices, OutputFormat } from './deploy-context.ts';

export interface DeployResult {
  exitCode: number;
  report: RunReport | undefined;
  /** The signal that interrupted the run (the command ends by it after cleaning up). */
  interrupted?: NodeJS.Signals;
  reportDir?: string;
  whatIf?: WhatIfModel;
  stack?: DeploymentStack;
  /** The offline half of this run (what a what-if of the same code would plan again). */
  preflight?: Preflight;
}

export function renderWhatIf(model: WhatIfModel, format: OutputFormat, title: string, color = false, showUnchanged = false): string {
  if (format === 'json') return renderJson(model);
  if (format === 'markdown') return renderMarkdown(model, { title });
  return renderText(model, { color, showUnchanged });
}

/** Deletions/detachments need a confirmation of their own in prod. */
function removals(model: WhatIfModel): number {
  return model.summary.delete + model.summary.detach;
}

type DeployStep = Step<DeployContext>;
const planWhat = (origin: RunOrigin | undefined): string =>
  origin === undefined ? 'config, compile + lint, snapshot, policy, cost' : `the template of run ${origin.runId} (${origin.deployment})${origin.kind === 'rollback' ? ' and its parameters' : ''}: snapshot, policy, cost`;
const arm = (ctx: DeployContext) => must(ctx.arm, 'the ARM session');
const stacks = (ctx: DeployContext) => armStackProvider(arm(ctx).clients, ctx.services.poll ?? {});
const plan = (ctx: DeployContext) => must(ctx.preflight, 'the plan');
/** The steps of a run that changes the stack (neither in sync nor cancelled). */
const applying = (ctx: DeployContext): boolean => !ctx.noChanges && !ctx.cancelled;

const preflightStep: DeployStep = {
  name: 'preflight',
  title: (ctx) => `${ctx.request.deployment}: plan (${planWhat(ctx.request.source?.origin)})`,
  async run(ctx, task) {
    const { source } = ctx.request;
    const target = source?.parameters === undefined ? ctx.target : { ...ctx.target, parameters: source.parameters };
    const result = await runPreflight(target, ctx.services.bicep, source?.template);
    task.output(`${result.plan.resources.length} resources; ${result.budget.message}`);
    ctx.preflight = result;
  },
};

const prerequisitesStep: DeployStep = {
  name: 'prerequisites',
  title: (ctx) => `${ctx.request.deployment}: prerequisites in ${arm(ctx).where}`,
  async run(ctx) {
    const preflight = plan(ctx);
    await checkPrerequisites(arm(ctx).clients, { deployment: ctx.request.deployment, resources: preflight.plan.resources, networkWatcherResourceGroup: preflight.resolved.names.networkWatcherResourceGroup, where: arm(ctx).where });
  },
};

const readStackStep: DeployStep = {
  async run(ctx) {
    ctx.existing = await stacks(ctx).state(plan(ctx).stack.name, ctx.request.deployment);
  },
};

/**
 * ARM refuses a PUT while the stack runs another operation (409 DeploymentStackInNonTerminalState):
 * that is not a lock held by a run (exit 3), it is a wait.
 */
const waitStep = (onlyWhenBusy: boolean): DeployStep => ({
  name: 'wait',
  title: (ctx) => `${ctx.request.deployment}: wait for the operation still running on stack ${plan(ctx).stack.name}`,
  skip: (ctx) => onlyWhenBusy && !stacks(ctx).operations.running(ctx.existing),
  async run(ctx, task) {
    const { services, request } = ctx;
    ctx.existing = await stacks(ctx).operations.settle({ deployment: request.deployment, stackName: plan(ctx).stack.name, where: arm(ctx).where, stack: ctx.existing }, task.output, {
      timeoutMs: services.stackWaitMs ?? defaultStackWaitSeconds * 1000,
      ...(services.stackWaitPollMs === undefined ? {} : { pollMs: services.stackWaitPollMs }),
    });
  },
});

/** From the second deploy on, the stack's outputs go back in (config/fed-back.ts). */
const shapeStep: DeployStep = {
  async run(ctx) {
    const preflight = plan(ctx);
    ctx.creation = await prepareCreationSecrets(arm(ctx), preflight, ctx.existing);
    ctx.shape = deployShape(preflight, ctx.existing);
    const parameters = { ...ctx.shape.parameters, ...ctx.creation.parameters };
    ctx.whatIfInput = { deployment: ctx.request.deployment, location: preflight.location, template: preflight.template, parameters, stack: preflight.stack, noise: ctx.noiseRules.active, principalId: arm(ctx).principalId };
  },
};

const whatIfStep: DeployStep = {
  name: 'what-if',
  title: (ctx) => `${ctx.request.deployment}: what-if`,
  async run(ctx, task) {
    const { fedBack } = must(ctx.shape, 'the deploy shape');
    const model = await stacks(ctx).preview(must(ctx.whatIfInput, 'the what-if input'), ctx.existing);
    task.output(`${summaryLine(model.summary)}${fedBack.length === 0 ? '' : ` (fed back from the stack's outputs: ${fedBack.join(', ')})`}`);
    ctx.whatIf = model;
  },
};

/** Shows the what-if; nothing to change with the stack in sync means no apply and no validation. */
const showWhatIfStep: DeployStep = {
  async run(ctx) {
    const { request, services } = ctx;
    const model = must(ctx.whatIf, 'the what-if');
    if (request.format !== 'json') services.progress.print(renderWhatIf(model, request.format, `What-if: ${request.deployment}`, services.color));
    // An expired rule drops nothing any more; plan --check fails on it.
    for (const rule of ctx.noiseRules.expired) services.progress.notice(`warning: ${describeExpired(rule)} (no longer applied; renew or delete it)`);
    ctx.noChanges = !hasChanges(model) && ctx.existing?.properties?.provisioningState === 'succeeded';
  },
};

const prodDeletionStep: DeployStep = {
  skip: (ctx) => ctx.noChanges,
  async run(ctx) {
    const model = must(ctx.whatIf, 'the what-if');
    if (plan(ctx).environment === 'prod' && removals(model) > 0 && !ctx.request.allowDelete) {
      throw new UsageError(`${ctx.request.deployment} is a prod deployment and this run would delete or detach ${removals(model)} resource(s); nothing was changed.`, 'review the what-if above; if intended, rerun with --allow-delete');
    }
  },
};

const confirmStep: DeployStep = {
  name: 'confirm',
  unrecorded: true,
  skip: (ctx) => ctx.noChanges || ctx.request.yes,
  async run(ctx) {
    const { confirm } = ctx.services;
    if (confirm === undefined) throw new UsageError('no terminal to confirm on: pass --yes to deploy without a prompt');
    const model = must(ctx.whatIf, 'the what-if');
    ctx.cancelled = !(await confirm(`Deploy ${ctx.request.deployment} (${summaryLine(model.summary)}) to ${arm(ctx).where}? [y/N] `));
  },
};

const applyOnceStep: DeployStep = {
  name: 'apply',
  title: (ctx) => `${ctx.request.deployment}: create/update stack ${plan(ctx).stack.name}`,
  resources: true,
  async run(ctx, task) {
    ctx.stack = await stacks(ctx).apply({ ...must(ctx.whatIfInput, 'the what-if input'), principalId: arm(ctx).principalId }, task.output, task.resource);
  },
};

/** Another operation started between the read and the PUT: wait for it, then apply once more. */
const applyStep: DeployStep = {
  recordSkipAs: 'apply',
  skip: (ctx) => !applying(ctx),
  async run(ctx, task) {
    await onceMoreAfterOtherOperation(task, { once: applyOnceStep, read: readStackStep, wait: waitStep(false) }, (cause) => stacks(ctx).operations.refusedFor(cause));
    const lost = must(ctx.lock, 'the lock').lost;
    if (lost !== undefined) throw new CliError(`${lost.message}; the stack finished, but another run may have started meanwhile.`, { hint: `check with cf-infra list, then rerun cf-infra deploy ${ctx.request.deployment}` });
  },
};

/** The stack the post-deploy steps work on: the one just applied, or the one in sync. */
const deployed = (ctx: DeployContext): DeploymentStack => must(ctx.noChanges ? ctx.existing : ctx.stack, 'the stack');

const secretsStep: DeployStep = {
  name: 'secrets',
  title: (ctx) => `${ctx.request.deployment}: post-deploy secrets in Key Vault (generated once, never overwritten)`,
  skip: (ctx) => ctx.cancelled,
  async run(ctx, task) {
    const pending = ctx.noChanges ? undefined : ctx.creation?.pending;
    await runSecretsPhase({ preflight: plan(ctx), arm: arm(ctx), stack: deployed(ctx), ...(pending === undefined ? {} : { pending }) }, task.output, (r) => (ctx.secrets = r));
  },
};

const databasesStep: DeployStep = {
  name: 'databases',
  title: (ctx) => `${ctx.request.deployment}: post-deploy database step (sql/service.sql per service, in the validation job)`,
  skip: (ctx) => ctx.cancelled,
  async run(ctx, task) {
    const { localEnvironment } = ctx.services;
    const input = { deployment: ctx.request.deployment, resolved: plan(ctx).resolved as ResolvedDeployment, stack: deployed(ctx), clients: arm(ctx).clients, emulator: arm(ctx).emulator, ...(localEnvironment === undefined ? {} : { localEnvironment }) };
    const r = await runDatabasePhase(input, task.output, (x) => (ctx.databases = x));
    return r.ran ? undefined : 'skipped';
  },
};

const validateStep: DeployStep = {
  name: 'validate',
  title: (ctx) => `${ctx.request.deployment}: post-deploy validation (cf-infra validate: ARM-level checks)`,
  skip: (ctx) => !applying(ctx),
  async run(ctx, task) {
    const apiVersions = apiVersionsByType(must(ctx.shape, 'the deploy shape').resources);
    const validated = await validateAfterDeploy({ clients: arm(ctx).clients, stack: deployed(ctx), apiVersions, emulator: arm(ctx).emulator }, ctx.request.deployment, task.output);
    ctx.validation = validated.managed;
    ctx.checks = validated.checks;
  },
};

const checksVerdictStep: DeployStep = {
  skip: (ctx) => !applying(ctx),
  async run(ctx) {
    const validation = must(ctx.validation, 'the validation');
    const checks = must(ctx.checks, 'the checks');
    if (ctx.request.format !== 'json') ctx.services.progress.print(renderChecks(checks));
    if (validation.failed.length > 0) {
      throw new CliError(`${validation.failed.length} of ${validation.checked} managed resources are not Succeeded:\n${validation.failed.map((f) => `  - ${f.state}: ${f.id}`).join('\n')}`);
    }
    if (anyFailed(checks)) {
      const failedChecks = checks.filter((c) => c.status === 'fail');
      throw new CliError(`${failedChecks.length} post-deploy check(s) failed:\n${failedChecks.map((c) => `  - ${c.name}: ${c.reason}`).join('\n')}`, { hint: `see ${failedChecks[0]!.troubleshooting}` });
    }
  },
};

/** After a successful deploy, the what-if once more: whatever it still shows is noise (a candidate rule). */
const noiseStep: DeployStep = {
  name: 'noise',
  title: (ctx) => `${ctx.request.deployment}: what-if once more (noise check)`,
  skip: (ctx) => ctx.cancelled,
  async run(ctx, task) {
    const input = must(ctx.whatIfInput, 'the what-if input');
    ctx.noise = await checkNoise({ before: must(ctx.whatIf, 'the what-if'), applied: applying(ctx), input, stack: deployed(ctx), preview: (i, s) => stacks(ctx).preview(i, s), today: utcDate() });
    task.output(noiseLine(ctx.noise));
  },
};

const outcomeStep: DeployStep = {
  async run(ctx) {
    ctx.outcome = ctx.noChanges ? 'no-changes' : ctx.cancelled ? 'cancelled' : 'succeeded';
    ctx.exitCode = ExitCode.Success;
  },
};

const reportStep: DeployStep = {
  skip: (ctx) => ctx.lock === undefined,
  run: publishDeployReport,
};

const lockStep = takeLockStep<DeployContext>(({ services }) => ({
  // With the run's own interrupt handling, the lock is released by the run (after its report).
  handleSignals: services.interrupts === undefined,
  ...(services.leaseSeconds === undefined ? {} : { leaseSeconds: services.leaseSeconds }),
  ...(services.lockWaitMs === undefined ? {} : { waitMs: services.lockWaitMs }),
}));

/** README's pipeline, in the order it runs. */
export const deploySteps: StepList<DeployContext> = {
  steps: [
    preflightStep, openServicesStep<DeployContext>(), lockStep, prerequisitesStep, readStackStep, waitStep(true), shapeStep, whatIfStep, showWhatIfStep,
    prodDeletionStep, confirmStep, applyStep, secretsStep, databasesStep, validateStep, checksVerdictStep, noiseStep, outcomeStep,
  ],
  finally: [failureStep<DeployContext>((ctx, line) => ctx.services.progress.error(line)), unlockStep<DeployContext>(), keepArtifactsStep, reportStep],
};

export async function runDeploy(request: DeployRequest, services: DeployServices): Promise<DeployResult> {
  // Offline: bad input stops here, before any step.
  const ctx = newDeployContext(request, services, resolveTarget(request.deployment, request.registryRoot), loadNoiseRules(request.registryRoot));
  await runSteps(deploySteps, ctx, { progress: services.progress, ...(services.interrupts === undefined ? {} : { interrupts: services.interrupts }) });
  // Before the lock nothing was written: an interrupt there only said so; a failure (bad input,
  // policy, budget, a store that is not running) is the command's error.
  if (ctx.lock === undefined) {
    if (ctx.interrupted !== undefined) return { exitCode: ctx.exitCode, report: undefined, interrupted: ctx.interrupted };
    throw ctx.run.failure;
  }
  const { exitCode, report, reportDir, whatIf: model, preflight, stack, interrupted } = ctx;
  return { exitCode, report, reportDir, whatIf: model, preflight, ...(stack === undefined ? {} : { stack }), ...(interrupted === undefined ? {} : { interrupted }) };
}

// One deploy, phase by phase (GUIDE section 2): offline preflight → lock → prerequisites → what-if →
// confirm → create/update the stack → validate → unlock → run report. The services (Bicep, ARM,
// lock store, progress, prompt) come from the caller, so the command and the tests run the same code.
import os from 'node:os';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { Bicep } from '@complianceflow/core/bicep/index.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { acquireDeploymentLock, currentActor, lockWaitLine, type DeploymentLock, type LockStore } from '../lock/index.ts';
import { maskDeep } from '../report/mask.ts';
import type { PhaseRecord, RunOutcome, RunReport } from '../report/model.ts';
import { renderReportJson, renderReportMarkdown, renderReportText } from '../report/render.ts';
import { defaultRunsDir, uploadRunReport, writeRunReport } from '../report/store.ts';
import { hasChanges, renderJson, renderMarkdown, renderText, summaryLine, type WhatIfModel } from '../whatif/index.ts';
import { validateAfterDeploy } from '../validate/deploy-phase.ts';
import { anyFailed, type CheckResult } from '../validate/model.ts';
import { renderTable as renderChecks } from '../validate/render.ts';
import { apiVersionsByType, applyStack, checkPrerequisites, defaultStackWaitSeconds, getStack, isStackBusyError, stackIsBusy, waitForStackToSettle, whatIf, type PollOptions, type ValidationResult } from './arm-phases.ts';
import { InterruptedError, interruptedLine, signalExitCode, type InterruptWatch } from './interrupt.ts';
import type { ArmSession } from '../arm/session.ts';
import type { Progress } from './progress.ts';
import type { Resource } from '../plan/resources.ts';
import { deployShape, resolveTarget, runPreflight, type DeployShape, type Preflight } from './preflight.ts';
import { prepareCreationSecrets, runSecretsPhase, type SecretsRecord } from './secrets-phase.ts';
import { runDatabasePhase, type DatabasesRecord } from './database-phase.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import { newRunId } from './run-id.ts';

export type OutputFormat = 'text' | 'markdown' | 'json';

export interface DeployRequest {
  deployment: string;
  /** The command line for the lock holder and the report, e.g. "deploy westeu-test-1". */
  command: string;
  yes: boolean;
  allowDelete: boolean;
  format: OutputFormat;
  registryRoot?: string;
}

export interface DeployServices {
  bicep: Bicep;
  /** Opened after the offline preflight passed (so bad input starts nothing). */
  openArm(): Promise<ArmSession>;
  openLockStore(): Promise<LockStore>;
  progress: Progress;
  /** Asks on the terminal; undefined without one. */
  confirm?: (question: string) => Promise<boolean>;
  color?: boolean;
  runsDir?: string;
  poll?: PollOptions;
  leaseSeconds?: number;
  /** Emulator: the database step runs against the local native server (its settings file, default local/.env); skipped without it. */
  localEnvironment?: { envPath?: string };
  /** SIGINT/SIGTERM handling of the command (deploy/interrupt.ts); without it signals are not caught. */
  interrupts?: InterruptWatch;
  /** How long to wait for another operation still running on the stack (default defaultStackWaitSeconds). */
  stackWaitMs?: number;
  /** How often to look at a stack that is still running another operation (ms, default 2000). */
  stackWaitPollMs?: number;
  /** How long to wait for the deployment's lock held by another run (ms, default 0: exit 3 at once). */
  lockWaitMs?: number;
}

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

/** The plan of the shape this run sent (the follow-up's from the second deploy on). */
function planRecord(preflight: Preflight, resources: readonly Resource[]): NonNullable<RunReport['plan']> {
  const byType: Record<string, number> = {};
  for (const r of resources) byType[String(r.type)] = (byType[String(r.type)] ?? 0) + 1;
  return {
    resources: resources.length,
    byType,
    policy: { evaluated: preflight.policy.evaluated, denied: preflight.policy.denied, audited: preflight.policy.audited },
    cost: { monthlyUsd: preflight.cost.monthlyTotal, budgetUsd: preflight.budget.budgetUsd, message: preflight.budget.message },
  };
}

export function renderWhatIf(model: WhatIfModel, format: OutputFormat, title: string, color = false, showUnchanged = false): string {
  if (format === 'json') return renderJson(model);
  if (format === 'markdown') return renderMarkdown(model, { title });
  return renderText(model, { color, showUnchanged });
}

function outputsOf(stack: DeploymentStack): Record<string, unknown> {
  const outputs = (stack.properties?.outputs ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, (o as { value?: unknown })?.value ?? o]));
}

/** Deletions/detachments need a confirmation of their own in prod. */
function removals(model: WhatIfModel): number {
  return model.summary.delete + model.summary.detach;
}

export async function runDeploy(request: DeployRequest, services: DeployServices): Promise<DeployResult> {
  const { progress } = services;
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const phases: PhaseRecord[] = [];
  const interrupts = services.interrupts;
  // Where a signal finds the run: the phase running (or last started), for the one-line message.
  let current = 'preflight';
  const race = <T>(work: Promise<T>): Promise<T> => (interrupts === undefined ? work : interrupts.race(work));
  const phase = async <T>(name: string, title: string, run: (update: (detail: string) => void) => Promise<T>): Promise<T> => {
    // After a signal the abandoned flow must not start another phase (it would change ARM further).
    if (interrupts?.signal !== undefined) throw new InterruptedError(interrupts.signal);
    current = name;
    const started = Date.now();
    try {
      const value = await race(progress.phase(title, run));
      phases.push({ name, durationMs: Date.now() - started, outcome: 'done' });
      return value;
    } catch (error) {
      phases.push({ name, durationMs: Date.now() - started, outcome: error instanceof InterruptedError ? 'interrupted' : 'failed' });
      throw error;
    }
  };

  // Offline: bad input and policy/budget failures end here, before any ARM call or lock.
  const target = resolveTarget(request.deployment, request.registryRoot);
  const stackName = `cf-${request.deployment}`;
  // Before the lock nothing is written anywhere: an interrupt there only says so (no report).
  const interruptedEarly = (error: unknown, where: string, emulator: boolean): DeployResult => {
    if (!(error instanceof InterruptedError)) throw error;
    progress.error(interruptedLine(error.signal, { deployment: request.deployment, phase: current, stack: stackName, where, emulator }));
    return { exitCode: signalExitCode(error.signal), report: undefined, interrupted: error.signal };
  };
  let preflight: Preflight;
  let store: LockStore;
  let arm: ArmSession;
  let lock: DeploymentLock;
  try {
    preflight = await phase('preflight', `${request.deployment}: plan (config, compile + lint, snapshot, policy, cost)`, async (update) => {
      const result = await runPreflight(target, services.bicep);
      update(`${result.plan.resources.length} resources; ${result.budget.message}`);
      return result;
    });
    // The lock store first: when it is not running, the run stops before any emulator is started.
    store = await race(services.openLockStore());
    arm = await race(services.openArm());
  } catch (error) {
    return interruptedEarly(error, 'ARM', false);
  }
  let lockProgress: (detail: string) => void = () => {};
  const pendingLock = acquireDeploymentLock(store, {
    deployment: request.deployment,
    runId,
    command: request.command,
    // With the run's own interrupt handling, the lock is released by the run (after its report).
    handleSignals: interrupts === undefined,
    ...(services.leaseSeconds === undefined ? {} : { leaseSeconds: services.leaseSeconds }),
    ...(services.lockWaitMs === undefined ? {} : { waitMs: services.lockWaitMs }),
    onWaiting: (holder, waitedMs) => lockProgress(lockWaitLine(holder, waitedMs, services.lockWaitMs ?? 0)),
  });
  try {
    lock = await phase('lock', `${request.deployment}: take the deployment lock`, (update) => {
      lockProgress = update;
      return pendingLock;
    });
  } catch (error) {
    if (error instanceof InterruptedError) await pendingLock.then((l) => l.release()).catch(() => undefined);
    return interruptedEarly(error, arm.where, arm.emulator);
  }

  let outcome: RunOutcome = 'failed';
  let exitCode: number = ExitCode.Failed;
  let error: RunReport['error'];
  let model: WhatIfModel | undefined;
  let stack: DeploymentStack | undefined;
  let validation: ValidationResult | undefined;
  let checks: CheckResult[] | undefined;
  let secrets: SecretsRecord | undefined;
  let databases: DatabasesRecord | undefined;
  let shape: DeployShape | undefined;
  const secretsPhase = (s: DeploymentStack, pending?: ReadonlyMap<string, string>): Promise<SecretsRecord> =>
    phase('secrets', `${request.deployment}: post-deploy secrets in Key Vault (generated once, never overwritten)`, (update) =>
      runSecretsPhase({ preflight, arm, stack: s, ...(pending === undefined ? {} : { pending }) }, update, (r) => (secrets = r)),
    );
  const databasesPhase = async (s: DeploymentStack): Promise<void> => {
    const started = Date.now();
    const r = await progress.phase(`${request.deployment}: post-deploy database step (sql/service.sql per service, in the validation job)`, (update) =>
      runDatabasePhase({ deployment: request.deployment, resolved: preflight.resolved as ResolvedDeployment, stack: s, clients: arm.clients, emulator: arm.emulator, ...(services.localEnvironment === undefined ? {} : { localEnvironment: services.localEnvironment }) }, update, (x) => (databases = x)),
    ).catch((e: unknown) => {
      phases.push({ name: 'databases', durationMs: Date.now() - started, outcome: 'failed' });
      throw e;
    });
    phases.push({ name: 'databases', durationMs: Date.now() - started, outcome: r.ran ? 'done' : 'skipped' });
  };
  const poll = services.poll ?? {};
  const clients = arm.clients;
  const whatIfInput = { deployment: request.deployment, location: preflight.location, template: preflight.template, parameters: preflight.parameters, stack: preflight.stack };
  const body = async (): Promise<void> => {
    await phase('prerequisites', `${request.deployment}: prerequisites in ${arm.where}`, async () =>
      checkPrerequisites(clients, { deployment: request.deployment, resources: preflight.plan.resources, networkWatcherResourceGroup: preflight.resolved.names.networkWatcherResourceGroup, where: arm.where }),
    );
    let existing = await getStack(clients, preflight.stack.name, request.deployment);
    const settle = (stack: DeploymentStack | undefined): Promise<DeploymentStack | undefined> =>
      phase('wait', `${request.deployment}: wait for the operation still running on stack ${preflight.stack.name}`, (update) =>
        waitForStackToSettle(clients, { deployment: request.deployment, stackName: preflight.stack.name, where: arm.where, stack }, update, {
          timeoutMs: services.stackWaitMs ?? defaultStackWaitSeconds * 1000,
          ...(services.stackWaitPollMs === undefined ? {} : { pollMs: services.stackWaitPollMs }),
        }),
      );
    // ARM refuses a PUT while the stack runs another operation (409 DeploymentStackInNonTerminalState):
    // that is not a lock held by a run (exit 3), it is a wait.
    if (stackIsBusy(existing)) existing = await settle(existing);
    const creation = await prepareCreationSecrets(arm, preflight, existing);
    // From the second deploy on, the stack's outputs go back in (config/fed-back.ts).
    shape = deployShape(preflight, existing);
    whatIfInput.parameters = { ...shape.parameters, ...creation.parameters };
    const { fedBack } = shape;
    const apiVersions = apiVersionsByType(shape.resources);
    model = await phase('what-if', `${request.deployment}: what-if`, async (update) => {
      const m = await whatIf(clients, whatIfInput, existing, poll);
      update(`${summaryLine(m.summary)}${fedBack.length === 0 ? '' : ` (fed back from the stack's outputs: ${fedBack.join(', ')})`}`);
      return m;
    });
    if (request.format !== 'json') progress.print(renderWhatIf(model, request.format, `What-if: ${request.deployment}`, services.color));

    const inSync = existing?.properties?.provisioningState === 'succeeded';
    if (!hasChanges(model) && inSync) {
      phases.push({ name: 'apply', durationMs: 0, outcome: 'skipped' });
      await secretsPhase(existing!);
      await databasesPhase(existing!);
      outcome = 'no-changes';
      exitCode = ExitCode.Success;
    } else {
      if (preflight.environment === 'prod' && removals(model) > 0 && !request.allowDelete) {
        throw new UsageError(`${request.deployment} is a prod deployment and this run would delete or detach ${removals(model)} resource(s); nothing was changed.`, 'review the what-if above; if intended, rerun with --allow-delete');
      }
      let go = request.yes;
      if (!go) {
        if (services.confirm === undefined) throw new UsageError('no terminal to confirm on: pass --yes to deploy without a prompt');
        current = 'confirm';
        go = await race(services.confirm(`Deploy ${request.deployment} (${summaryLine(model.summary)}) to ${arm.where}? [y/N] `));
      }
      if (!go) {
        outcome = 'cancelled';
        exitCode = ExitCode.Success;
        phases.push({ name: 'apply', durationMs: 0, outcome: 'skipped' });
      } else {
        const apply = (): Promise<DeploymentStack> =>
          phase('apply', `${request.deployment}: create/update stack ${preflight.stack.name}`, (update) =>
            applyStack(clients, { ...whatIfInput, principalId: arm.principalId }, update, poll),
          );
        try {
          stack = await apply();
        } catch (e) {
          // Another operation started between the read above and the PUT: wait for it, then once more.
          if (!(e instanceof CliError) || !isStackBusyError(e.cause)) throw e;
          await settle(await getStack(clients, preflight.stack.name, request.deployment));
          stack = await apply();
        }
        if (lock.lost !== undefined) throw new CliError(`${lock.lost.message}; the stack finished, but another run may have started meanwhile.`, { hint: `check with cf-infra list, then rerun cf-infra deploy ${request.deployment}` });
        await secretsPhase(stack, creation.pending);
        await databasesPhase(stack);
        const validated = await phase('validate', `${request.deployment}: post-deploy validation (cf-infra validate: ARM-level checks)`, (update) =>
          validateAfterDeploy({ clients, stack: stack!, apiVersions, emulator: arm.emulator }, request.deployment, update),
        );
        validation = validated.managed;
        checks = validated.checks;
        if (request.format !== 'json') progress.print(renderChecks(checks));
        if (validation.failed.length > 0) {
          throw new CliError(`${validation.failed.length} of ${validation.checked} managed resources are not Succeeded:\n${validation.failed.map((f) => `  - ${f.state}: ${f.id}`).join('\n')}`);
        }
        if (anyFailed(checks)) {
          const failedChecks = checks.filter((c) => c.status === 'fail');
          throw new CliError(`${failedChecks.length} post-deploy check(s) failed:\n${failedChecks.map((c) => `  - ${c.name}: ${c.reason}`).join('\n')}`, { hint: `see ${failedChecks[0]!.troubleshooting}` });
        }
        outcome = 'succeeded';
        exitCode = ExitCode.Success;
      }
    }
  };
  let interrupted: NodeJS.Signals | undefined;
  try {
    await race(body());
  } catch (e) {
    if (e instanceof InterruptedError) {
      interrupted = e.signal;
      const line = interruptedLine(e.signal, { deployment: request.deployment, phase: current, stack: preflight.stack.name, where: arm.where, emulator: arm.emulator });
      progress.error(line);
      outcome = 'interrupted';
      exitCode = signalExitCode(e.signal);
      error = { message: line };
    } else {
      const cli = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
      outcome = 'failed';
      exitCode = cli.exitCode;
      error = { message: cli.message, ...(cli.hint === undefined ? {} : { hint: cli.hint }) };
    }
  } finally {
    const started = Date.now();
    await lock.release().catch(() => undefined);
    phases.push({ name: 'unlock', durationMs: Date.now() - started, outcome: 'done' });
  }

  const report: RunReport = maskDeep({
    runId,
    command: request.command,
    deployment: request.deployment,
    environment: preflight.environment,
    location: preflight.location,
    stack: preflight.stack.name,
    target: arm.where,
    subscriptionId: clients.subscriptionId,
    who: currentActor(),
    host: os.hostname(),
    startedAt,
    finishedAt: new Date().toISOString(),
    outcome,
    exitCode,
    phases,
    plan: planRecord(preflight, shape?.resources ?? preflight.plan.resources),
    ...(model === undefined
      ? {}
      : { whatIf: { source: model.source, summary: model.summary, summaryLine: summaryLine(model.summary), changes: model.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore').map((c) => ({ kind: c.kind, resourceId: c.resourceId })) } }),
    ...(stack === undefined
      ? {}
      : { result: { provisioningState: stack.properties?.provisioningState ?? 'unknown', managedResources: stack.properties?.resources?.length ?? 0, outputs: outputsOf(stack), ...(validation === undefined ? {} : { validation }), ...(checks === undefined ? {} : { checks: checks.map(({ name, status, reason, durationMs }) => ({ name, status, reason, durationMs })) }) } }),
    ...(secrets === undefined ? {} : { secrets: { vault: secrets.vaultUrl, created: secrets.created, kept: secrets.kept, operatorMissing: secrets.operatorMissing, failed: secrets.failed, ...(secrets.notRun === undefined ? {} : { notRun: secrets.notRun }) } }),
    ...(databases === undefined ? {} : { databases: { ran: databases.ran, ...(databases.notRun === undefined ? {} : { notRun: databases.notRun }), results: databases.results.map(({ name, status, reason }) => ({ name, status, reason })) } }),
    ...(error === undefined ? {} : { error }),
  } satisfies RunReport);

  const reportDir = await writeRunReport(report, services.runsDir ?? defaultRunsDir);
  let uploaded: string | undefined;
  try {
    uploaded = await uploadRunReport(report, store);
  } catch {
    uploaded = undefined;
  }

  if (request.format === 'json') progress.print(renderReportJson(report).trimEnd());
  else if (request.format === 'markdown') progress.print(renderReportMarkdown(report));
  else progress.print(`\n${renderReportText(report)}`);
  // JSON: stdout carries the report alone (for jq); where it was written is in report.json's runId.
  if (request.format !== 'json') progress.print(`Run report: ${reportDir}${uploaded ? ` (uploaded to ${uploaded})` : ''}`);
  progress.summary(renderReportMarkdown(report));
  if (outcome === 'interrupted') progress.notice(`${request.deployment}: interrupted; lock released, run report written`);
  else if (outcome === 'failed') progress.error(`${request.deployment}: ${error?.message.split('\n')[0] ?? 'failed'}`);
  else progress.notice(`${request.deployment}: ${outcome === 'no-changes' ? 'no changes' : outcome}`);
  return { exitCode, report, reportDir, whatIf: model, preflight, ...(stack === undefined ? {} : { stack }), ...(interrupted === undefined ? {} : { interrupted }) };
}

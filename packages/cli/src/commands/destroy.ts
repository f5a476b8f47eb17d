// `cf-infra destroy <deployment>`: deletes the stack with its resources and resource groups, under
// the deployment's lock. Type the name to confirm (or --confirm <name> without a terminal); prod
// also needs --allow-prod.
import { asOptionHelp } from '../arm/identities.ts';
import { defaultStackWaitSeconds, deleteStack, getStack, isStackBusyError, stackIsBusy, waitForStackToSettle } from '../deploy/arm-phases.ts';
import { InterruptedError, interruptedLine, signalExitCode, watchInterrupts } from '../runner/interrupt.ts';
import { parseWaitSeconds } from './deploy.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { createProgress, progressModeFor } from '../runner/progress.ts';
import { newRunId } from '../deploy/run-id.ts';
import { askForText, checkTargetFlags, commandServices, isInteractive } from '../deploy/services.ts';
import os from 'node:os';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';
import { acquireDeploymentLock, currentActor, lockWaitLine } from '../lock/index.ts';
import type { KeyVaultRetention, PhaseRecord, RunOutcome, RunReport } from '../report/model.ts';
import { describeVaultRetention } from '../report/render.ts';
import { uploadRunReport, writeRunReport } from '../report/store.ts';


const help = `Usage: cf-infra destroy <deployment> [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run destroy -- <deployment> [options])

Deletes the deployment stack cf-<deployment> together with the resources and resource groups it
manages, under the deployment's lock. Key Vaults are soft-deleted as their profile says
(keyVault.softDeleteRetentionDays): without purge protection the soft-deleted vault is purged; with
it (prod) it is kept until its purge date. The run report in .runs/<deployment>/<run-id>/ says which.

Options:
  --emulator             the local ARM emulator and the local lock store (cf-infra local lockstore start)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --confirm <name>       the deployment's name again (required without a terminal)
  --allow-prod           required for a prod deployment
  --lock-wait <s>        when another run holds the deployment's lock, wait at most <s> seconds
                         for it to be released or to expire (default 0: exit 3 at once)
  --stack-wait <s>       when the stack is still running another operation, wait for it at most
                         <s> seconds (default ${defaultStackWaitSeconds}; 0: do not wait)
  -h, --help

Exit codes: 0 deleted (or nothing to delete), 1 failed, 2 bad input or not confirmed, 3 locked,
130/143 interrupted by SIGINT/SIGTERM (the stack delete keeps running in ARM; lock released, run
report written with the outcome "interrupted").`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('destroy', args, {
    help,
    positionals: deploymentPositional,
    options: { ...targetOptions, confirm: { type: 'string' }, 'allow-prod': { type: 'boolean', default: false }, 'stack-wait': { type: 'string' }, 'lock-wait': { type: 'string' } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const deployment = positionals[0]!;
  const flags = checkTargetFlags(values);
  const stackWaitMs = parseWaitSeconds(values['stack-wait'], '--stack-wait', 'destroy', defaultStackWaitSeconds);
  const lockWaitMs = parseWaitSeconds(values['lock-wait'], '--lock-wait', 'destroy', 0);
  const target = resolveTarget(deployment);
  if (target.environment === 'prod' && !values['allow-prod']) throw new UsageError(`destroy: ${deployment} is a prod deployment: pass --allow-prod as well to delete it`);
  if (values.confirm !== undefined && values.confirm !== deployment) throw new UsageError(`destroy: --confirm "${values.confirm}" does not match the deployment name "${deployment}"; nothing was deleted`);
  if (values.confirm === undefined && !isInteractive()) throw new UsageError(`destroy: no terminal to confirm on: pass --confirm ${deployment}`);

  const stackName = target.resolved.otherNames.deploymentStack;
  const progress = createProgress(progressModeFor());
  const services = commandServices(flags);
  const command = ['destroy', ...args].join(' ');
  const startedAt = new Date().toISOString();
  const phases: PhaseRecord[] = [];
  const interrupts = watchInterrupts();
  let current = 'lock';
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    if (interrupts.signal !== undefined) throw new InterruptedError(interrupts.signal);
    current = name;
    const started = Date.now();
    try {
      const value = await interrupts.race(run());
      phases.push({ name, durationMs: Date.now() - started, outcome: 'done' });
      return value;
    } catch (error) {
      phases.push({ name, durationMs: Date.now() - started, outcome: error instanceof InterruptedError ? 'interrupted' : 'failed' });
      throw error;
    }
  };
  try {
    const store = await interrupts.race(services.openLockStore());
    const arm = await interrupts.race(services.openArm());
    const runId = newRunId();
    let lockProgress: (detail: string) => void = () => {};
    const pendingLock = acquireDeploymentLock(store, { deployment, runId, command, handleSignals: false, waitMs: lockWaitMs, onWaiting: (holder, waited) => lockProgress(lockWaitLine(holder, waited, lockWaitMs)) });
    let lock;
    try {
      lock = await timed('lock', () => progress.phase(`${deployment}: take the deployment lock`, (update) => {
        lockProgress = update;
        return pendingLock;
      }));
    } catch (e) {
      if (!(e instanceof InterruptedError)) throw e;
      await pendingLock.then((l) => l.release()).catch(() => undefined);
      console.error(interruptedLine(e.signal, { deployment, phase: 'lock', stack: stackName, where: arm.where, emulator: arm.emulator }));
      return signalExitCode(e.signal);
    }
    let exitCode: number = ExitCode.Failed;
    let outcome: RunOutcome = 'failed';
    let error: RunReport['error'];
    let deleted = 0;
    let keyVault: KeyVaultRetention | undefined;
    try {
      let stack = await interrupts.race(getStack(arm.clients, stackName, deployment));
      const settle = (s: typeof stack) =>
        timed('wait', () => progress.phase(`${deployment}: wait for the operation still running on stack ${stackName}`, (update) => waitForStackToSettle(arm.clients, { deployment, stackName, where: arm.where, stack: s }, update, { timeoutMs: stackWaitMs })));
      if (stackIsBusy(stack)) stack = await settle(stack);
      if (stack === undefined) {
        console.log(`${deployment}: no stack ${stackName} in ${arm.where}; nothing to delete.`);
        return ExitCode.Success;
      }
      deleted = stack.properties?.resources?.length ?? 0;
      if (values.confirm === undefined) {
        current = 'confirm';
        const typed = await interrupts.race(askForText(`This deletes stack ${stackName} and its ${deleted} resources (resource groups included) in ${arm.where}.\nType the deployment name to confirm: `));
        if (typed !== deployment) {
          console.log('Not confirmed; nothing was deleted.');
          return ExitCode.BadInput;
        }
      }
      const remove = () => timed('delete', () => progress.phase(`${deployment}: delete stack ${stackName} with its ${deleted} resources`, (update) => deleteStack(arm.clients, { deployment, stackName }, update)));
      let retention;
      try {
        retention = await remove();
      } catch (e) {
        // Another operation started since the read above: wait for it, then delete once more.
        if (!(e instanceof CliError) || !isStackBusyError(e.cause)) throw e;
        await settle(await getStack(arm.clients, stackName, deployment));
        retention = await remove();
      }
      console.log(`${deployment}: destroyed (stack ${stackName} and its ${deleted} managed resources deleted).`);
      if (retention.action !== 'none') {
        keyVault = retention;
        console.log(describeVaultRetention(retention));
      }
      exitCode = ExitCode.Success;
      outcome = 'succeeded';
      return exitCode;
    } catch (e) {
      if (e instanceof InterruptedError) {
        const line = interruptedLine(e.signal, { deployment, phase: current, stack: stackName, where: arm.where, emulator: arm.emulator });
        console.error(line);
        error = { message: line };
        outcome = 'interrupted';
        exitCode = signalExitCode(e.signal);
        return exitCode;
      }
      const cli = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
      error = { message: cli.message, ...(cli.hint === undefined ? {} : { hint: cli.hint }) };
      exitCode = cli.exitCode;
      throw cli;
    } finally {
      const unlockStarted = Date.now();
      await lock.release().catch(() => undefined);
      phases.push({ name: 'unlock', durationMs: Date.now() - unlockStarted, outcome: 'done' });
      if (phases.some((p) => p.name === 'delete' || p.name === 'wait') || outcome === 'interrupted') {
        const report: RunReport = {
          runId, command, deployment, environment: target.environment, location: target.location, stack: stackName,
          target: arm.where, subscriptionId: arm.clients.subscriptionId, who: currentActor(), host: os.hostname(),
          startedAt, finishedAt: new Date().toISOString(), outcome, exitCode, phases,
          result: { provisioningState: outcome === 'succeeded' ? 'deleted' : outcome === 'interrupted' ? 'unknown (interrupted)' : 'failed', managedResources: 0, outputs: {}, ...(keyVault === undefined ? {} : { keyVault }) },
          ...(error === undefined ? {} : { error }),
        };
        const dir = await writeRunReport(report);
        await uploadRunReport(report, store).catch(() => undefined);
        console.log(`Run report: ${dir}`);
      }
    }
  } catch (e) {
    // Interrupted before the lock was taken: nothing was changed, nothing to report.
    if (!(e instanceof InterruptedError)) throw e;
    console.error(interruptedLine(e.signal, { deployment, phase: current, stack: stackName, where: 'ARM', emulator: flags.emulator }));
    return signalExitCode(e.signal);
  } finally {
    await services.close();
    interrupts.finish();
  }
}

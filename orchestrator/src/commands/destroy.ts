// `cf-infra destroy <deployment>`: deletes the stack with its resources and resource groups, under
// the deployment's lock. Type the name to confirm (or --confirm <name> without a terminal); prod
// also needs --allow-prod.
import { asOptionHelp } from '../arm/identities.ts';
import { deleteStack, getStack } from '../deploy/arm-phases.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { createProgress, progressModeFor } from '../deploy/progress.ts';
import { newRunId } from '../deploy/run-id.ts';
import { askForText, checkTargetFlags, commandServices, isInteractive } from '../deploy/services.ts';
import os from 'node:os';
import { CliError, UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';
import { acquireDeploymentLock, currentActor } from '../lock/index.ts';
import type { KeyVaultRetention, PhaseRecord, RunOutcome, RunReport } from '../report/model.ts';
import { describeVaultRetention } from '../report/render.ts';
import { uploadRunReport, writeRunReport } from '../report/store.ts';

export const summary = 'Delete a deployment: its stack with every resource and resource group (type the name to confirm)';

const help = `Usage: cf-infra destroy <deployment> [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run destroy -- <deployment> [options])

Deletes the deployment stack cf-<deployment> together with the resources and resource groups it
manages, under the deployment's lock. Key Vaults are soft-deleted as their profile says
(keyVault.softDeleteRetentionDays): without purge protection the soft-deleted vault is purged; with
it (prod) it is kept until its purge date. The run report in .runs/<deployment>/<run-id>/ says which.

Options:
  --emulator             the local ARM emulator and Azurite
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --confirm <name>       the deployment's name again (required without a terminal)
  --allow-prod           required for a prod deployment
  -h, --help

Exit codes: 0 deleted (or nothing to delete), 1 failed, 2 bad input or not confirmed, 3 locked.`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('destroy', args, {
    help,
    positionals: deploymentPositional,
    options: { ...targetOptions, confirm: { type: 'string' }, 'allow-prod': { type: 'boolean', default: false } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const deployment = positionals[0]!;
  const flags = checkTargetFlags(values);
  const target = resolveTarget(deployment);
  if (target.environment === 'prod' && !values['allow-prod']) throw new UsageError(`destroy: ${deployment} is a prod deployment: pass --allow-prod as well to delete it`);
  if (values.confirm !== undefined && values.confirm !== deployment) throw new UsageError(`destroy: --confirm "${values.confirm}" does not match the deployment name "${deployment}"; nothing was deleted`);
  if (values.confirm === undefined && !isInteractive()) throw new UsageError(`destroy: no terminal to confirm on: pass --confirm ${deployment}`);

  const stackName = `cf-${deployment}`;
  const progress = createProgress(progressModeFor());
  const services = commandServices(flags);
  const command = ['destroy', ...args].join(' ');
  const startedAt = new Date().toISOString();
  const phases: PhaseRecord[] = [];
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const value = await run();
      phases.push({ name, durationMs: Date.now() - started, outcome: 'done' });
      return value;
    } catch (error) {
      phases.push({ name, durationMs: Date.now() - started, outcome: 'failed' });
      throw error;
    }
  };
  try {
    const arm = await services.openArm();
    const store = await services.openLockStore();
    const runId = newRunId();
    const lock = await timed('lock', () => acquireDeploymentLock(store, { deployment, runId, command }));
    let exitCode: number = ExitCode.Failed;
    let outcome: RunOutcome = 'failed';
    let error: RunReport['error'];
    let deleted = 0;
    let keyVault: KeyVaultRetention | undefined;
    try {
      const stack = await getStack(arm.clients, stackName, deployment);
      if (stack === undefined) {
        console.log(`${deployment}: no stack ${stackName} in ${arm.where}; nothing to delete.`);
        return ExitCode.Success;
      }
      deleted = stack.properties?.resources?.length ?? 0;
      if (values.confirm === undefined) {
        const typed = await askForText(`This deletes stack ${stackName} and its ${deleted} resources (resource groups included) in ${arm.where}.\nType the deployment name to confirm: `);
        if (typed !== deployment) {
          console.log('Not confirmed; nothing was deleted.');
          return ExitCode.BadInput;
        }
      }
      const retention = await timed('delete', () => progress.phase(`${deployment}: delete stack ${stackName} with its ${deleted} resources`, (update) => deleteStack(arm.clients, { deployment, stackName }, update)));
      console.log(`${deployment}: destroyed (stack ${stackName} and its ${deleted} managed resources deleted).`);
      if (retention.action !== 'none') {
        keyVault = retention;
        console.log(describeVaultRetention(retention));
      }
      exitCode = ExitCode.Success;
      outcome = 'succeeded';
      return exitCode;
    } catch (e) {
      const cli = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), { cause: e });
      error = { message: cli.message, ...(cli.hint === undefined ? {} : { hint: cli.hint }) };
      exitCode = cli.exitCode;
      throw cli;
    } finally {
      await timed('unlock', () => lock.release()).catch(() => undefined);
      if (phases.some((p) => p.name === 'delete')) {
        const report: RunReport = {
          runId, command, deployment, environment: target.environment, location: target.location, stack: stackName,
          target: arm.where, subscriptionId: arm.clients.subscriptionId, who: currentActor(), host: os.hostname(),
          startedAt, finishedAt: new Date().toISOString(), outcome, exitCode, phases,
          result: { provisioningState: outcome === 'succeeded' ? 'deleted' : 'failed', managedResources: 0, outputs: {}, ...(keyVault === undefined ? {} : { keyVault }) },
          ...(error === undefined ? {} : { error }),
        };
        const dir = await writeRunReport(report);
        await uploadRunReport(report, store).catch(() => undefined);
        console.log(`Run report: ${dir}`);
      }
    }
  } finally {
    await services.close();
  }
}

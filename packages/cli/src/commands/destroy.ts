// `cf-infra destroy <deployment>`: deletes the stack with its resources and resource groups, under
// the deployment's lock. Type the name to confirm (or --confirm <name> without a terminal); prod
// also needs --allow-prod.
import { asOptionHelp } from '../arm/identities.ts';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { destroySteps, newDestroyContext } from '../deploy/destroy-pipeline.ts';
import { signalExitCode, watchInterrupts } from '../runner/interrupt.ts';
import { runSteps } from '../runner/run-steps.ts';
import { parseWaitSeconds } from './deploy-options.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { createProgress, rendererFor } from '../runner/progress.ts';
import { askForText, checkTargetFlags, commandServices, isInteractive } from '../deploy/services.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';


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

  const services = commandServices(flags);
  const interrupts = watchInterrupts();
  const ctx = newDestroyContext(
    { deployment, command: ['destroy', ...args].join(' '), target, confirmed: values.confirm !== undefined, stackWaitMs, lockWaitMs },
    services,
    askForText,
  );
  try {
    await runSteps(destroySteps, ctx, { progress: createProgress(rendererFor('text').mode), interrupts });
    if (ctx.interrupted !== undefined) return signalExitCode(ctx.interrupted);
    if (ctx.run.failure !== undefined) throw ctx.run.failure;
    return ctx.exitCode;
  } finally {
    await services.close();
    interrupts.finish();
  }
}

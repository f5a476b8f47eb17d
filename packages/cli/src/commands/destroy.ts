// `cf-infra destroy <deployment>`: deletes the stack with its resources and resource groups, under
// the deployment's lock. Type the name to confirm (or --confirm <name> without a terminal); prod
// also needs --allow-prod. Light: the pipeline loads from destroy-run.ts once the flags are read.
import { asOptionHelp } from '../arm/identities.ts';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { parseWaitSeconds } from './deploy-options.ts';
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
  const stackWaitMs = parseWaitSeconds(values['stack-wait'], '--stack-wait', 'destroy', defaultStackWaitSeconds);
  const lockWaitMs = parseWaitSeconds(values['lock-wait'], '--lock-wait', 'destroy', 0);
  const { destroyDeployment } = await import('./destroy-run.ts');
  return destroyDeployment(positionals[0]!, args, { ...values, stackWaitMs, lockWaitMs });
}

// `cf-infra bootstrap --subscription <id>`: prepare a subscription once —
// providers, shared resource groups, network watchers, the artifacts storage account and lock
// container, budgets and cost anomaly alerts, policies, the deployment and pull-request roles, the CI
// and pull-request identities and their role assignments — idempotently; then the GitHub variables.
// Light: the bootstrap steps and the ARM clients load from bootstrap-run.ts once the flags are read.
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';

const help = `Usage: cf-infra bootstrap --subscription <id> [options]     (npm run bootstrap -- --subscription <id> [options])

Prepares an Azure subscription for ComplianceFlow. Every step reads what exists and
changes only what differs: a second run changes nothing and says so; after a failure, a rerun
resumes. Run by a person with Owner (or User Access Administrator + Contributor) on the subscription
and Application Administrator in Entra ID — see docs/infrastructure/Bootstrap.md.

Options:
  --subscription <id>  the subscription id (a GUID)
  --emulator           against the local ARM emulator ($ARM_EMULATOR_ENDPOINT, CA $ARM_EMULATOR_CA);
                       Microsoft Graph is not emulated: the identity steps are skipped
  --dry-run            print every change without making it
  --yes                do not ask for confirmation (required without a terminal)
  -h, --help

Exit codes: 0 done, 1 a step failed (rerun to resume), 2 bad input (nothing was changed).`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('bootstrap', args, {
    help,
    options: {
      subscription: { type: 'string' },
      emulator: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
    },
  });
  if (parsed.help) return ExitCode.Success;
  const { values } = parsed;
  if (values.subscription === undefined) throw new UsageError('bootstrap: --subscription <id> is required', 'az account show --query id -o tsv prints the current subscription id');
  const { bootstrapSubscription } = await import('./bootstrap-run.ts');
  return bootstrapSubscription({ subscription: values.subscription, dryRun: values['dry-run'], yes: values.yes, emulator: values.emulator });
}

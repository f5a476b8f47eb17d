// `cf-infra bootstrap --subscription <id>`: prepare a subscription once —
// providers, shared resource groups, network watchers, the artifacts storage account and lock
// container, budgets and cost anomaly alerts, policies, the deployment and pull-request roles, the CI
// and pull-request identities and their role assignments — idempotently; then the GitHub variables.
import { createInterface } from 'node:readline/promises';
import { checkRoleCoverage, prepareBootstrap, runBootstrap, type BootstrapTarget } from '../bootstrap/run.ts';
import { checkSubscriptionId } from '../bootstrap/config.ts';
import { emulatorTarget } from '../arm/emulator-target.ts';
import { deploymentShapes, type DeploymentShape } from '../bootstrap/resource-types.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';
import { progressModeFor } from '../runner/progress.ts';


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

// The first and follow-up deploy of every deployment (golden snapshots, offline plans); once per process.
let shapesOnce: Promise<DeploymentShape[]> | undefined;
function plannedShapes(): Promise<DeploymentShape[]> {
  shapesOnce ??= deploymentShapes();
  return shapesOnce;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

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
  const subscriptionId = checkSubscriptionId(values.subscription);
  const dryRun = values['dry-run'];
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!dryRun && !values.yes && !interactive) {
    throw new UsageError('bootstrap: no terminal to confirm on: pass --yes to apply the changes (or --dry-run to only print them)');
  }

  // Bad input stops here, before any request.
  const target: BootstrapTarget = values.emulator ? emulatorTarget() : { kind: 'azure' };
  const prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId }), await plannedShapes());

  if (!dryRun && !values.yes) {
    const where = target.kind === 'emulator' ? `the ARM emulator at ${target.endpoint}` : 'Azure';
    if (!(await confirm(`Bootstrap subscription ${subscriptionId} in ${where} (creates or updates what differs)? [y/N] `))) {
      console.log('Nothing done.');
      return ExitCode.Success;
    }
  }
  // listr2's default renderer on a terminal, its simple renderer in CI and when piped.
  await runBootstrap(prepared, { subscriptionId, target, dryRun, renderer: progressModeFor() === 'tty' ? 'default' : 'simple' });
  return ExitCode.Success;
}

// `cf-infra what-if <deployment>... | --all`: what a deploy would change, without a lock and without
// writing; `--format markdown` is the whole pull-request comment (review/comment.ts).
// Only light modules here: when the compile is not cached, Bicep's jsonrpc process starts first and
// its .NET start-up overlaps loading the review (what-if-run.ts) and reading the config.
import { asOptionHelp } from '../arm/identities.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { withBicepStartedEarly } from '../plan/bicep-early.ts';
import { formatOrJson, parseCommandArgs, targetOptions } from './args.ts';
import { parseFormat } from './deploy-options.ts';

const help = `Usage: cf-infra what-if <deployment>... | --all [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run what-if -- <deployment> [options])

Runs the offline plan, then asks ARM what deploying it would change: the stack what-if of
cf-<deployment> (api 2025-07-01) where ARM offers it, else a subscription deployment what-if of the
compiled template plus the deletions (test) or detachments (prod) of what the existing stack
manages and the code no longer has. Like the deploy, passes the existing stack's outputs back in
(containerAppsDefaultDomain), so the preview is of what the next deploy sends. Writes nothing, takes no lock.
Asks with validationLevel ProviderNoRbac: read rights and the what-if actions are enough (the
pull-request identity); the deploy's own what-if checks the deploying identity's write rights.
Property changes matched by a rule of deployments/what-if-rules.yaml (read-only and volatile
properties) are left out and counted per rule in a "Suppressed (N)" section.

--format markdown prints the whole pull-request comment (hidden marker <!-- cf-infra-what-if -->):
a summary table (changes, cost change, policy, status per deployment), then per deployment the cost
("Cost: $155.86 → $160.05 / month (+$4.19, +2.7 %); budget $200.00, $39.95 to spare" and the line
items that changed), the policy findings (a deny fails), the error and hint of a failed what-if, and
the changes; under 60,000 characters (GitHub refuses more than 65,536): what does not fit is left
to the job summary, which the comment links to. One deployment failing does not stop the others.

Options:
  --all                  every deployment in deployments/
  --emulator             the local ARM emulator (a running one, else one started for this command)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --format <f>           text (default, like az), markdown (the PR comment) or json
  --json                 the same as --format json
  --cost-base <git-ref>  compare the cost with that ref's golden snapshot (deployments/snapshots/<name>.json,
                         priced with the current price table); default: the deployment's last successful run
  --details-file <file>  markdown: also write everything, without the size limit, to <file> (the job summary)
  --detailed-exitcode    exit 4 when there are changes, 0 when there are none
  -h, --help

Exit codes: 0 ok (no changes with --detailed-exitcode), 1 failed (ARM error, policy deny, over budget;
any deployment), 2 bad input, 4 changes pending.`;

const whatIfOptions = {
  ...targetOptions,
  all: { type: 'boolean', default: false },
  format: { type: 'string' },
  json: { type: 'boolean', default: false },
  'cost-base': { type: 'string' },
  'details-file': { type: 'string' },
  'detailed-exitcode': { type: 'boolean', default: false },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('what-if', args, { help, positionals: { name: 'deployment name', hint: 'cf-infra list shows the deployments' }, options: whatIfOptions });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  if (values.all && positionals.length > 0) throw new UsageError(`what-if: give deployment names or --all, not both (got --all and ${positionals.join(', ')})`);
  if (!values.all && positionals.length === 0) throw new UsageError('what-if: which deployment? Give one or more names, or --all', 'cf-infra list shows the deployments');
  const format = parseFormat(formatOrJson('what-if', values), 'what-if');
  if (values['details-file'] !== undefined && format !== 'markdown') throw new UsageError('what-if: --details-file is for --format markdown');
  const request = { names: values.all ? ('all' as const) : positionals, format, costBase: values['cost-base'], detailsFile: values['details-file'], detailedExitcode: values['detailed-exitcode'], target: values };
  return withBicepStartedEarly(true, async (prestarted) => {
    const { runWhatIf } = await import('./what-if-run.ts');
    return runWhatIf(request, prestarted);
  });
}

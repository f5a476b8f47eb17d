// `cf-infra what-if <deployment>... | --all`: what a deploy would change, without a lock and without
// writing; `--format markdown` is the whole pull-request comment (review/comment.ts).
import { writeFile } from 'node:fs/promises';
import { asOptionHelp } from '../arm/identities.ts';
import { renderWhatIf, type OutputFormat } from '../deploy/pipeline.ts';
import { createProgress, progressModeFor } from '../runner/progress.ts';
import { checkTargetFlags, commandServices } from '../deploy/services.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { colourOn } from '@complianceflow/core/text/style.ts';
import { hasChanges } from '../whatif/index.ts';
import { reviewDeployments } from '../review/collect.ts';
import { renderComment, renderFullReview } from '../review/comment.ts';
import { checkCostBaseRef } from '../review/cost-base.ts';
import { fullOutputPointer } from '../review/full-output.ts';
import { reviewExitCode, type DeploymentReview } from '../review/model.ts';
import { reviewNames } from '../review/targets.ts';
import { describeExpired, loadNoiseRules } from '../config/what-if-rules.ts';
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

interface Options {
  names: string[];
  format: OutputFormat;
  costBase: string | undefined;
  detailsFile: string | undefined;
  detailedExitcode: boolean;
}

function parse(args: string[]): (Options & { flags: ReturnType<typeof checkTargetFlags> }) | 'help' {
  const parsed = parseCommandArgs('what-if', args, {
    help,
    positionals: { name: 'deployment name', hint: 'cf-infra list shows the deployments' },
    options: {
      ...targetOptions,
      all: { type: 'boolean', default: false },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
      'cost-base': { type: 'string' },
      'details-file': { type: 'string' },
      'detailed-exitcode': { type: 'boolean', default: false },
    },
  });
  if (parsed.help) return 'help';
  const { values, positionals } = parsed;
  if (values.all && positionals.length > 0) throw new UsageError(`what-if: give deployment names or --all, not both (got --all and ${positionals.join(', ')})`);
  if (!values.all && positionals.length === 0) throw new UsageError('what-if: which deployment? Give one or more names, or --all', 'cf-infra list shows the deployments');
  const format = parseFormat(formatOrJson('what-if', values), 'what-if');
  if (values['details-file'] !== undefined && format !== 'markdown') throw new UsageError('what-if: --details-file is for --format markdown');
  return {
    names: reviewNames(values.all ? 'all' : positionals, 'what-if'),
    format,
    costBase: values['cost-base'],
    detailsFile: values['details-file'],
    detailedExitcode: values['detailed-exitcode'],
    flags: checkTargetFlags(values),
  };
}

function printText(reviews: readonly DeploymentReview[]): void {
  for (const review of reviews) {
    if (review.whatIf !== undefined) console.log(renderWhatIf(review.whatIf, 'text', `What-if: ${review.deployment}`, colourOn(process.stdout), true));
    if (review.failure === undefined) continue;
    console.error(`error: ${review.failure.message}`);
    if (review.failure.hint !== undefined) console.error(`hint: ${review.failure.hint}`);
  }
}

async function print(reviews: readonly DeploymentReview[], options: Options, where: string): Promise<void> {
  if (options.format === 'text') return printText(reviews);
  if (options.format === 'json') {
    // One deployment: the what-if model itself, its failure on stderr; several: every review.
    const [only] = reviews;
    if (reviews.length > 1) console.log(JSON.stringify(reviews, null, 2));
    else if (only?.whatIf !== undefined) console.log(renderWhatIf(only.whatIf, 'json', '').trimEnd());
    else printText(reviews);
    return;
  }
  const sha = process.env['GITHUB_SHA'];
  const intro = `What-if of ${reviews.length} deployment(s) in ${where}${sha !== undefined && /^[0-9a-f]{7,40}$/.test(sha) ? ` (commit ${sha.slice(0, 7)})` : ''}.`;
  if (options.detailsFile !== undefined) await writeFile(options.detailsFile, renderFullReview(reviews, intro));
  console.log(renderComment(reviews, { intro, fullOutput: fullOutputPointer(process.env, options.detailsFile) }).trimEnd());
}

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options === 'help') return ExitCode.Success;
  if (options.costBase !== undefined) await checkCostBaseRef(options.costBase);
  const noise = loadNoiseRules();

  // Progress goes to stderr: stdout carries only the what-if (for `> comment.md` or `| jq`).
  const progress = createProgress(options.format === 'text' ? progressModeFor(process.env, process.stderr.isTTY === true) : 'plain', process.env, (line) => console.error(line));
  const services = commandServices(options.flags);
  let where = options.flags.emulator ? 'the ARM emulator' : `Azure subscription ${options.flags.subscription}`;
  try {
    const openArm = async () => {
      const arm = await services.openArm();
      where = arm.where;
      return arm;
    };
    // A terminal's live progress shows one deployment at a time.
    const concurrency = options.format === 'text' ? 1 : 2;
    const reviews = await reviewDeployments(options.names, { bicep: services.bicep, openArm, progress, costBase: options.costBase, concurrency, noise: noise.active });
    for (const rule of noise.expired) console.error(`warning: ${describeExpired(rule)} (no longer applied; renew or delete it)`);
    await print(reviews, options, where);
    const failed = reviewExitCode(reviews);
    if (failed !== ExitCode.Success) return failed;
    return options.detailedExitcode && reviews.some((r) => r.whatIf !== undefined && hasChanges(r.whatIf)) ? ExitCode.ChangesPending : ExitCode.Success;
  } finally {
    await services.close();
  }
}

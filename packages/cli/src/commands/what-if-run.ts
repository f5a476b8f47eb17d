// The run of `cf-infra what-if` once its flags are parsed (what-if.ts, which may start Bicep first):
// review the deployments (plan, what-if, cost, policy), then print the what-if, its JSON or the
// pull-request comment.
import { writeFile } from 'node:fs/promises';
import type { PrestartedBicep } from '@complianceflow/core/bicep/prestart.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { colourOn } from '@complianceflow/core/text/style.ts';
import { renderWhatIf, type OutputFormat } from '../deploy/pipeline.ts';
import { checkTargetFlags, commandServices, type TargetFlags } from '../deploy/services.ts';
import { createProgress, progressModeFor } from '../runner/progress.ts';
import { hasChanges } from '../whatif/index.ts';
import { reviewDeployments } from '../review/collect.ts';
import { renderComment, renderFullReview } from '../review/comment.ts';
import { checkCostBaseRef } from '../review/cost-base.ts';
import { fullOutputPointer } from '../review/full-output.ts';
import { reviewExitCode, type DeploymentReview } from '../review/model.ts';
import { reviewNames } from '../review/targets.ts';
import { describeExpired, loadNoiseRules } from '../config/what-if-rules.ts';

interface Options {
  names: string[];
  format: OutputFormat;
  costBase: string | undefined;
  detailsFile: string | undefined;
  detailedExitcode: boolean;
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

/** What what-if.ts parsed: checked further here (names, target flags) before anything starts. */
export interface WhatIfRequest {
  names: 'all' | string[];
  format: OutputFormat;
  costBase: string | undefined;
  detailsFile: string | undefined;
  detailedExitcode: boolean;
  target: TargetFlags;
}

/** `prestarted`: Bicep started early (what-if.ts), adopted on first use. */
export async function runWhatIf(request: WhatIfRequest, prestarted: PrestartedBicep | undefined): Promise<number> {
  const options = { ...request, names: reviewNames(request.names, 'what-if'), flags: checkTargetFlags(request.target) };
  if (options.costBase !== undefined) await checkCostBaseRef(options.costBase);
  const noise = loadNoiseRules();

  // Progress goes to stderr: stdout carries only the what-if (for `> comment.md` or `| jq`).
  const progress = createProgress(options.format === 'text' ? progressModeFor(process.env, process.stderr.isTTY === true) : 'plain', process.env, (line) => console.error(line));
  const services = commandServices(options.flags, prestarted);
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

// The run of `cf-infra plan` (commands/plan.ts parses its arguments and may start Bicep first): plan
// the targets, then show them, compare them with the golden snapshots or rewrite those.
import { lazyBicep } from '@complianceflow/core/bicep/index.ts';
import type { PrestartedBicep } from '@complianceflow/core/bicep/prestart.ts';
import { displayPath } from '@complianceflow/core/bicep/diagnostics.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { stylesForStream, type Styles } from '@complianceflow/core/text/style.ts';
import { diffResources, isEmptyDiff, renderDiff, type ResourceDiff } from '../plan/diff.ts';
import { followUpDelta } from '../plan/follow-up.ts';
import { goldenPath, readFollowUpGolden, readGolden, writeGolden } from '../plan/golden.ts';
import { planDeployments, planJson, type DeploymentPlan } from '../plan/pipeline.ts';
import { planStages } from '../plan/checks.ts';
import { renderSummary } from '../plan/summary.ts';
import { resolveTargets } from '../plan/targets.ts';
import { describeExpired, loadNoiseRules, type LoadedRule } from '../config/what-if-rules.ts';
import type { PlanTarget } from '../plan/target.ts';

export interface PlanCommandOptions {
  names: string[] | 'all';
  json: boolean;
  mode: 'show' | 'check' | 'update';
  goldenDir: string;
  cacheDir: string;
  compileCache: boolean;
}

function renderFollowUp(plan: DeploymentPlan, c: Styles): string[] {
  if (plan.followUp === undefined) return [];
  const delta = followUpDelta(plan.resources, plan.followUp.resources);
  const lines = [c.bold(`Follow-up deploy (${Object.keys(plan.followUp.parameters).join(', ')} fed back from the stack's outputs): ${delta.resources.length} resource(s) added or changed, ${delta.removed.length} removed`)];
  for (const r of delta.resources) lines.push(`  ${String(r['type'])} ${String(r['name'])}`);
  for (const id of delta.removed) lines.push(`  removed: ${id}`);
  const sections = [lines.join('\n')];
  // Its policy and cost results only where they fail: otherwise they repeat the first deploy's.
  for (const stage of planStages) {
    if (stage.render !== undefined && plan.followUp.failedStages.includes(stage.key)) sections.push(`Follow-up deploy: ${stage.render(plan.followUp.stages[stage.key], c)}`);
  }
  return sections;
}

function renderPlan(plan: DeploymentPlan, c: Styles): string {
  const sections = [renderSummary(`${plan.deployment} (${String(plan.parameters['location'])}, ${String(plan.parameters['environment'])})`, plan.summary, c, process.stdout.columns ?? 120)];
  for (const stage of planStages) {
    if (stage.render !== undefined && stage.key in plan.stages) sections.push(stage.render(plan.stages[stage.key], c));
  }
  sections.push(...renderFollowUp(plan, c));
  return sections.join('\n\n');
}

const planFailed = (plan: DeploymentPlan): boolean => plan.failedStages.length > 0 || (plan.followUp?.failedStages.length ?? 0) > 0;

interface CheckResult {
  deployment: string;
  golden: string;
  missing: boolean;
  diff: ResourceDiff;
  /** The follow-up deploy's shape against the golden snapshot's "followUp" section. */
  followUp: { missing: boolean; diff: ResourceDiff };
}

function check(plan: DeploymentPlan, goldenDir: string): CheckResult {
  const golden = readGolden(plan.deployment, goldenDir);
  const diff = diffResources(golden?.resources ?? [], plan.resources);
  const followUpGolden = readFollowUpGolden(plan.deployment, goldenDir);
  // Without a followUp section yet, against the first shape: the diff then shows what the follow-up adds.
  const followUp = { missing: followUpGolden === undefined, diff: diffResources(followUpGolden?.resources ?? golden?.resources ?? [], plan.followUp?.resources ?? []) };
  return { deployment: plan.deployment, golden: displayPath(goldenPath(plan.deployment, goldenDir)), missing: golden === undefined, diff, followUp };
}

/** Writes the plan's golden snapshot; the line saying whether it changed. */
async function updateGolden(plan: DeploymentPlan, goldenDir: string, c: Styles): Promise<string> {
  const followUp = plan.followUp === undefined ? {} : { followUp: { parameters: plan.followUp.parameters, ...followUpDelta(plan.resources, plan.followUp.resources) } };
  const changed = await writeGolden({ deployment: plan.deployment, resources: plan.resources, ...followUp }, goldenDir);
  const more = followUp.followUp === undefined ? '' : `; follow-up deploy: ${followUp.followUp.resources.length} added or changed`;
  return `${displayPath(goldenPath(plan.deployment, goldenDir))}: ${changed ? c.yellow('updated') : 'unchanged'} (${plan.resources.length} resources${more})`;
}

const checkPending = (r: CheckResult): boolean => r.missing || !isEmptyDiff(r.diff) || r.followUp.missing || !isEmptyDiff(r.followUp.diff);

/** --check: the golden snapshots are readable (else bad input) and no noise rule has expired (each one printed). */
function readyToCheck(targets: readonly PlanTarget[], goldenDir: string, expired: readonly LoadedRule[]): boolean {
  for (const target of targets) readGolden(target.deployment, goldenDir);
  for (const rule of expired) console.error(describeExpired(rule));
  if (expired.length > 0) console.error(`${expired.length} what-if noise rule(s) expired: renew each (a new expires date and a reason that still holds) or delete it.`);
  return expired.length === 0;
}

/** The plan itself, once the arguments are parsed (and Bicep maybe started early: `prestarted`). */
export async function runPlan(options: PlanCommandOptions, prestarted: PrestartedBicep | undefined): Promise<number> {
  // Validate everything before any file is written (a prestarted Bicep is ended unused on bad input).
  const targets = resolveTargets(options.names);
  const { expired } = loadNoiseRules(); // a broken rules file stops every plan (exit 2)
  if (options.mode === 'check' && !readyToCheck(targets, options.goldenDir, expired)) return ExitCode.Failed;

  const bicep = lazyBicep(prestarted === undefined ? {} : { prestarted });
  let plans: DeploymentPlan[];
  try {
    // Progress on stderr, only on a terminal: stdout stays the result (and --json stays parseable).
    const progress = process.stderr.isTTY === true && targets.length > 1;
    plans = await planDeployments(targets, {
      bicep,
      cacheDir: options.cacheDir,
      ...(options.compileCache ? {} : { compileCacheDir: null }),
      ...(progress ? { onDeployment: (d: string, i: number, n: number) => process.stderr.write(`planning ${d} (${i + 1}/${n})\n`) } : {}),
    });
  } finally {
    await bicep.dispose();
  }
  const c = stylesForStream(process.stdout);
  const failed = plans.some(planFailed);
  const single = options.names !== 'all' && plans.length === 1;

  if (options.mode === 'update') {
    for (const plan of plans) console.log(await updateGolden(plan, options.goldenDir, c));
    return failed ? ExitCode.Failed : ExitCode.Success;
  }

  if (options.mode === 'check') {
    const results = plans.map((plan) => check(plan, options.goldenDir));
    const pending = results.some(checkPending);
    if (options.json) {
      const json = results.map((r) => ({
        deployment: r.deployment, golden: r.golden, missing: r.missing, changes: checkPending(r), ...r.diff,
        followUp: { missing: r.followUp.missing, changes: r.followUp.missing || !isEmptyDiff(r.followUp.diff), ...r.followUp.diff },
      }));
      console.log(JSON.stringify(single ? json[0] : json, null, 2));
    } else {
      for (const r of results) {
        const title = r.missing ? `${r.deployment} (no golden snapshot at ${r.golden} yet)` : `${r.deployment} (against ${r.golden})`;
        console.log(renderDiff(title, r.diff, c));
        const followUpTitle = r.followUp.missing ? `${r.deployment} follow-up deploy (no "followUp" section in ${r.golden} yet; against its first deploy's shape)` : `${r.deployment} follow-up deploy (against "followUp" in ${r.golden})`;
        console.log(renderDiff(followUpTitle, r.followUp.diff, c));
      }
      if (pending) console.log(`\nThe golden snapshots differ from what the code would create. If the change is intended: cf-infra plan --update ${options.names === 'all' ? '--all' : options.names.join(' ')}`);
    }
    return failed ? ExitCode.Failed : pending ? ExitCode.ChangesPending : ExitCode.Success;
  }

  if (options.json) {
    const json = plans.map(planJson);
    console.log(JSON.stringify(single ? json[0] : json, null, 2));
  } else {
    console.log(plans.map((plan) => renderPlan(plan, c)).join('\n\n'));
  }
  return failed ? ExitCode.Failed : ExitCode.Success;
}

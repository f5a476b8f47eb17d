// What a pull request's cost is compared with: `--cost-base <ref>` prices that ref's golden snapshot
// of the deployment with today's price table (so only the resources differ, not the prices); without
// it, the deployment's last successful run (its run report's estimate).
import path from 'node:path';
import { displayPath } from '@complianceflow/core/bicep/diagnostics.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { runNothrow } from '@complianceflow/core/process.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import type { ArmResource } from '@complianceflow/core/policy/index.ts';
import { estimateCost, type CostBase, type NoCostBase } from '../cost/index.ts';
import { goldenPath, parseGolden, type GoldenSnapshot } from '../plan/golden.ts';
import type { PlanTarget } from '../plan/target.ts';
import { defaultRunsDir, latestLocalReport } from '../report/store.ts';

const git = { install: 'the Debian package git' };

/** Refuses a ref that names no commit here, before anything starts. */
export async function checkCostBaseRef(ref: string, root: string = repoRoot): Promise<void> {
  const hint = 'give a branch, tag or commit of this repository, e.g. origin/main (in CI, check out with fetch-depth: 0)';
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`what-if: --cost-base "${ref}" is not a git ref`, hint);
  const result = await runNothrow('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, ...git });
  if (result.notFound) throw new UsageError(`what-if: --cost-base needs git, which is not installed`, `install ${git.install}, or leave --cost-base out (the base is then the last successful run)`);
  if (result.code !== 0) throw new UsageError(`what-if: --cost-base "${ref}" names no commit in ${root}`, hint);
}

/** The estimate of the deployment's golden snapshot at `ref`, at the current prices. */
export async function costBaseAtRef(ref: string, target: Pick<PlanTarget, 'deployment' | 'location' | 'environment'>, root: string = repoRoot): Promise<CostBase | NoCostBase> {
  const file = path.relative(root, goldenPath(target.deployment, path.join(root, 'deployments', 'snapshots')));
  const result = await runNothrow('git', ['show', `${ref}:./${file}`], { cwd: root, ...git });
  if (result.code !== 0) return { none: `${file} does not exist at ${ref} (a new deployment)` };
  let golden: GoldenSnapshot;
  try {
    golden = parseGolden(result.stdout, target.deployment, `${ref}:${file}`);
  } catch (error) {
    // A broken base is no reason to fail the what-if: the comment says why there is no base.
    return { none: (error as Error).message };
  }
  const estimate = estimateCost(golden.resources as unknown as ArmResource[], { location: target.location, environment: target.environment });
  return { source: `${ref}'s golden snapshot at the prices of ${estimate.priceTable.date}`, monthlyTotal: estimate.monthlyTotal, byResource: estimate.byResource };
}

/** The estimate the deployment's last successful run (succeeded or no changes) recorded. */
export async function costBaseFromLastRun(deployment: string, runsDir: string = defaultRunsDir): Promise<CostBase | NoCostBase> {
  const report = await latestLocalReport(deployment, runsDir, (r) => r.outcome === 'succeeded' || r.outcome === 'no-changes');
  if (report === undefined) return { none: `no successful run of ${deployment} in ${displayPath(runsDir)}; --cost-base <git-ref> compares with a branch` };
  if (report.plan === undefined) return { none: `the last successful run ${report.runId} recorded no cost` };
  const { monthlyUsd, byResource } = report.plan.cost;
  return { source: `the last successful run, ${report.runId}`, monthlyTotal: monthlyUsd, ...(byResource === undefined ? {} : { byResource }) };
}

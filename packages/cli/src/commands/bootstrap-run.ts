// The heavy half of `cf-infra bootstrap` (bootstrap.ts reads the flags): the subscription id checked,
// the steps prepared against every planned deployment's needs, confirmed, then run.
import { createInterface } from 'node:readline/promises';
import { UsageError } from '@complianceflow/core/errors.ts';
import { checkRoleCoverage, prepareBootstrap, runBootstrap, type BootstrapTarget } from '../bootstrap/run.ts';
import { checkSubscriptionId } from '../bootstrap/config.ts';
import { emulatorTarget } from '../arm/emulator-target.ts';
import { deploymentShapes, type DeploymentShape } from '../bootstrap/resource-types.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { progressModeFor } from '../runner/progress.ts';

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

export interface BootstrapValues {
  subscription: string;
  dryRun: boolean;
  yes: boolean;
  emulator: boolean;
}

export async function bootstrapSubscription(values: BootstrapValues): Promise<number> {
  const subscriptionId = checkSubscriptionId(values.subscription);
  const dryRun = values.dryRun;
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

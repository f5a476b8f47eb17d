// The I/O edge of a review: per deployment the plan (without its refusal, so a deny or an overrun
// still shows its findings), the cost base, the plan's refusal, then ARM's what-if. Any failure is
// kept as that deployment's message and hint; the other deployments go on.
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { mapConcurrently } from '@complianceflow/core/concurrency.ts';
import type { BicepSession } from '@complianceflow/core/bicep/index.ts';
import type { ArmSession } from '../arm/session.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { costDelta } from '../cost/index.ts';
import { deployShape, planPreflight, refuseFailedPreflight, resolveTarget, type Preflight } from '../deploy/preflight.ts';
import type { Progress } from '../runner/progress.ts';
import type { NoiseRules, WhatIfModel } from '../whatif/index.ts';
import { costBaseAtRef, costBaseFromLastRun } from './cost-base.ts';
import type { DeploymentReview, ReviewFailure } from './model.ts';

export interface ReviewServices {
  bicep(): Promise<BicepSession>;
  openArm(): Promise<ArmSession>;
  progress: Progress;
  /** --cost-base: a git ref; undefined: the last successful run. */
  costBase?: string | undefined;
  /** The what-if noise rules in force (deployments/what-if-rules.yaml). */
  noise: NoiseRules;
  /** Deployments reviewed at once. */
  concurrency: number;
}

/** What a deploy would change, as the deploy sends it: the existing stack's outputs fed back. */
export async function previewWhatIf(arm: ArmSession, preflight: Preflight, noise: NoiseRules): Promise<WhatIfModel> {
  const stacks = armStackProvider(arm.clients);
  const existing = await stacks.state(preflight.stack.name, preflight.deployment);
  const { parameters } = deployShape(preflight, existing);
  // The deploying identity the stack's deny settings exclude, not the reviewer's: a review is not run
  // as the identity that deploys, and sending none would show a deny-settings change on every prod stack.
  const principalId = existing?.properties?.denySettings?.excludedPrincipals?.[0];
  return stacks.preview({ deployment: preflight.deployment, location: preflight.location, template: preflight.template, parameters, stack: preflight.stack, validationLevel: 'ProviderNoRbac', noise, principalId }, existing);
}

export function failureOf(error: unknown): ReviewFailure {
  if (error instanceof CliError) return { message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }), exitCode: error.exitCode };
  return { message: error instanceof Error ? error.message : String(error), exitCode: ExitCode.Failed };
}

export async function reviewDeployment(deployment: string, services: ReviewServices): Promise<DeploymentReview> {
  const review: DeploymentReview = { deployment };
  try {
    const target = resolveTarget(deployment);
    const preflight = await services.progress.phase(`${deployment}: plan (config, compile + lint, snapshot, policy, cost)`, async () => planPreflight(target, await services.bicep()));
    review.policy = preflight.policy;
    const base = services.costBase === undefined ? await costBaseFromLastRun(deployment) : await costBaseAtRef(services.costBase, target);
    review.cost = costDelta(preflight.cost, preflight.budget, base);
    refuseFailedPreflight(preflight);
    const arm = await services.openArm();
    review.whatIf = await services.progress.phase(`${deployment}: what-if in ${arm.where}`, () => previewWhatIf(arm, preflight, services.noise));
  } catch (error) {
    review.failure = failureOf(error);
  }
  return review;
}

export function reviewDeployments(deployments: readonly string[], services: ReviewServices): Promise<DeploymentReview[]> {
  return mapConcurrently(deployments, services.concurrency, (deployment) => reviewDeployment(deployment, services));
}

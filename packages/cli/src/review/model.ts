// What a pull-request review shows of one deployment: its what-if, policy result and cost change,
// or why its what-if failed (the CliError's message and hint, as the terminal shows them).
import type { CostDelta } from '../cost/index.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { PolicyEvaluation } from '@complianceflow/core/policy/index.ts';
import type { WhatIfModel } from '../whatif/index.ts';

export interface ReviewFailure {
  message: string;
  hint?: string;
  exitCode: number;
}

export interface DeploymentReview {
  deployment: string;
  /** Absent when the what-if did not run (the plan refused, the config is broken, ARM failed). */
  whatIf?: WhatIfModel;
  /** The plan's policy result (absent when the plan did not get that far). */
  policy?: PolicyEvaluation;
  cost?: CostDelta;
  failure?: ReviewFailure;
}

/** "policy deny", "over budget", "failed" or "ok": what the summary's status column says. */
export function reviewStatus(review: DeploymentReview): 'ok' | 'policy deny' | 'over budget' | 'failed' {
  if ((review.policy?.denied ?? 0) > 0) return 'policy deny';
  if (review.cost !== undefined && !review.cost.budget.withinBudget) return 'over budget';
  return review.failure === undefined ? 'ok' : 'failed';
}

/** The exit code of a review of several deployments: 0 when all passed, else the failures' code (1 when they differ). */
export function reviewExitCode(reviews: readonly DeploymentReview[]): number {
  const codes = new Set(reviews.flatMap((r) => (r.failure === undefined ? [] : [r.failure.exitCode])));
  if (codes.size === 0) return ExitCode.Success;
  return codes.size === 1 ? [...codes][0]! : ExitCode.Failed;
}

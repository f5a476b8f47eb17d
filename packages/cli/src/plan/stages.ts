// The stages that run on each deployment's predicted resources after the snapshot. Each adds one key
// to the plan (`plan --json`) and may add a section to the text output and fail the plan.
// The policy and cost checks (./checks.ts) are the first two.
import type { Snapshot } from '@complianceflow/core/bicep/index.ts';
import type { Styles } from '@complianceflow/core/text/style.ts';
import type { Resource } from './resources.ts';
import type { PlanSummary } from './summary.ts';
import type { PlanTarget } from './target.ts';

export interface PlanStageInput {
  target: PlanTarget;
  resources: readonly Resource[];
  summary: PlanSummary;
  snapshot: Snapshot;
}

export interface PlanStage<T = unknown> {
  /** The key of its result in `plan --json` (e.g. "policy", "cost"). */
  key: string;
  run(input: PlanStageInput): Promise<T> | T;
  /** Its section of the text output. */
  render?(value: T, colors: Styles): string;
  /** True when this result must make the plan fail (exit code 1). */
  failed?(value: T): boolean;
}

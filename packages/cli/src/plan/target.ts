import type { ResolvedDeployment } from '../config/registry.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';

/** One deployment to plan: what the config resolved, and the main.bicep parameters built from it. */
export interface PlanTarget {
  deployment: string;
  location: string;
  environment: string;
  parameters: Record<string, JsonValue>;
  /** The resolved deployment itself, for stages that need more of the configuration. */
  resolved: ResolvedDeployment;
}

/** The subscription and tenant id of offline snapshots: the plan runs with no Azure account. */
export const placeholderId = '00000000-0000-0000-0000-000000000000';

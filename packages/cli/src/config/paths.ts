import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { noiseRulesFile } from '../whatif/noise.ts';

export { repoRoot };

/** Clean YAML parses and clean schema checks (config-cache.ts), shared by every run of this checkout. */
export const configCacheDir = path.join(repoRoot, '.cache', 'config');

/** Registry files, relative to a root (messages show these paths). */
export const registryPaths = {
  deploymentsDir: 'deployments',
  profilesDir: 'deployments/profiles',
  regions: 'deployments/regions.yaml',
  catalog: 'deployments/catalog.yaml',
  subnetPlan: 'bicep/shared/subnet-plan.json',
  /** What-if noise rules (config/what-if-rules.ts), read by what-if, deploy and plan. */
  whatIfRules: noiseRulesFile,
  /** The JSON Schemas of these files (read from the checkout the CLI runs from). */
  schemasDir: 'deployments/schemas',
} as const;

/**
 * Files in deployments/ that are not deployment files: the registry's shared files, the
 * subscription-wide bootstrap settings (Story 0), which the bootstrap command reads itself, and the
 * what-if noise rules.
 */
export const sharedRegistryFiles = new Set(['regions.yaml', 'catalog.yaml', 'bootstrap.yaml', 'what-if-rules.yaml']);

export { repoRoot } from '@complianceflow/core/repo-root.ts';

/** Registry files, relative to a root (messages show these paths). */
export const registryPaths = {
  deploymentsDir: 'deployments',
  profilesDir: 'deployments/profiles',
  regions: 'deployments/regions.yaml',
  catalog: 'deployments/catalog.yaml',
  subnetPlan: 'bicep/shared/subnet-plan.json',
  /** The JSON Schemas of these files (read from the checkout the CLI runs from). */
  schemasDir: 'deployments/schemas',
} as const;

/**
 * Files in deployments/ that are not deployment files: the registry's shared files, and the
 * subscription-wide bootstrap settings (Story 0), which the bootstrap command reads itself.
 */
export const sharedRegistryFiles = new Set(['regions.yaml', 'catalog.yaml', 'bootstrap.yaml']);

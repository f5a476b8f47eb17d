// The deployment names of the registry: deployments/<name>.yaml, without the registry's other files.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { sharedRegistryFiles } from '@complianceflow/cli/config/paths.ts';

export const deploymentNames: string[] = readdirSync(path.join(repoRoot, 'deployments'))
  .filter((f) => f.endsWith('.yaml') && !sharedRegistryFiles.has(f))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

// Where the plan reads and writes: light on purpose, so a command can check its caches before it
// loads the plan pipeline (commands/plan.ts starts Bicep early when the compile is not cached).
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/bicep/paths.ts';

export const mainTemplate = path.join(repoRoot, 'bicep', 'main.bicep');
export const defaultCacheDir = path.join(repoRoot, '.cache', 'plan');
/** The compile cache (core/bicep/compile-cache.ts), shared by every run of this checkout. */
export const defaultCompileCacheDir = path.join(repoRoot, '.cache', 'bicep');
export const bicepConfigFile = path.join(repoRoot, 'bicepconfig.json');

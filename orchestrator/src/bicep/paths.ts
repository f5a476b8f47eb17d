import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is orchestrator/src/bicep/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The project's own copy, installed by scripts/install-bicep.sh (`npm run bicep:install`). */
export const projectBicepPath = path.join(repoRoot, '.tools', 'bicep', 'bicep');

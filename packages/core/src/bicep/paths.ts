import path from 'node:path';
import { repoRoot } from '../repo-root.ts';

export { repoRoot };
/** The project's own copy, installed by scripts/install-bicep.sh (`npm run bicep:install`). */
export const projectBicepPath = path.join(repoRoot, '.tools', 'bicep', 'bicep');

import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

export { repoRoot };
/** Default state directory (gitignored). */
export const defaultStateDir = path.join(repoRoot, '.local-data', 'arm-emulator');

import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { defaultEmulatorStateDir } from '@complianceflow/core/arm/emulator-contract.ts';

export { repoRoot };
/** Default state directory (gitignored). */
export const defaultStateDir = defaultEmulatorStateDir;

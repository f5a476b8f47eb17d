import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (local/arm-emulator/ is two levels down). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Default state directory (gitignored). */
export const defaultStateDir = path.join(repoRoot, '.local-data', 'arm-emulator');

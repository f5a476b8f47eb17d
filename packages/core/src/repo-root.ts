import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root: bicep/, deployments/, policies/, pricing/ and sql/ are read from here. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is orchestrator/src/local/paths.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const localDir = path.join(repoRoot, 'local');
export const composeFiles = [
  path.join(localDir, 'docker-compose.yml'),
  path.join(localDir, 'docker-compose.override.yml'),
] as const;
export const envExampleFile = path.join(localDir, '.env.example');
export const envFile = path.join(localDir, '.env');
export const catalogFile = path.join(repoRoot, 'deployments', 'catalog.yaml');
/** The generated services/topics list that the Compose one-shot containers read. */
export const catalogEnvFile = path.join(localDir, 'catalog.env');
export const initDatabasesScript = path.join(repoRoot, 'scripts', 'init-databases.sh');
export const seedTestDataScript = path.join(repoRoot, 'scripts', 'seed-test-data.sh');
/** Native mode's project-owned data directory (gitignored). */
export const defaultDataRoot = path.join(repoRoot, '.local-data');

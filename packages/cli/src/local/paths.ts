import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

export { repoRoot };
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

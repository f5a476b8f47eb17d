import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { envExampleFile, localDir, repoRoot } from '@complianceflow/cli/local/paths.ts';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import { loadSettings, parseEnvText, type LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { cliPath } from './cli.ts';

export const paths = {
  repoRoot,
  localDir,
  envExample: envExampleFile,
  cli: cliPath,
};

/** The values of an env file (local/.env.example, local/catalog.env). */
export function envValues(file: string): Map<string, string> {
  return new Map([...parseEnvText(readFileSync(file, 'utf8'), file)].map(([key, entry]) => [key, entry.value]));
}

/** Compose's ${VAR:-default} interpolation with the values of local/.env.example. */
export function interpolate(value: string): string {
  const example = envValues(envExampleFile);
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, key: string, fallback?: string) => example.get(key) ?? fallback ?? '');
}

/** The local environment's settings (local/.env.example) on two free, distinct ports for PostgreSQL and Redis. */
export async function settingsOnFreePorts(): Promise<LocalSettings> {
  const defaults = loadSettings(envExampleFile);
  const postgres = await findFreePort();
  let redis = await findFreePort();
  while (redis === postgres) redis = await findFreePort();
  return { ...defaults, ports: { ...defaults.ports, postgres, redis } };
}

/** mkdtemp makes 0700 directories; when we are root, PostgreSQL runs as `postgres` and must pass through. */
export function tempRoot(prefix = 'cf-local-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

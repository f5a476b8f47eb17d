import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envExampleFile, localDir, repoRoot } from '../src/local/paths.ts';
import { parseEnvText } from '../src/local/settings.ts';

export const paths = {
  repoRoot,
  localDir,
  envExample: envExampleFile,
  cli: path.join(repoRoot, 'orchestrator', 'src', 'cli.ts'),
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

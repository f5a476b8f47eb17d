// Golden snapshots: deployments/snapshots/<deployment>.json, committed. One pretty JSON file per
// deployment holding its predicted resources (sorted by id, keys in a stable order), nothing volatile:
// the snapshot uses a fixed placeholder subscription and tenant.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.ts';
import { repoRoot } from '../bicep/paths.ts';
import type { Resource } from './resources.ts';

export const defaultGoldenDir = path.join(repoRoot, 'deployments', 'snapshots');

export interface GoldenSnapshot {
  deployment: string;
  resources: Resource[];
}

export function goldenPath(deployment: string, dir: string = defaultGoldenDir): string {
  return path.join(dir, `${deployment}.json`);
}

export function renderGolden(golden: GoldenSnapshot): string {
  return `${JSON.stringify({ deployment: golden.deployment, resources: golden.resources }, null, 2)}\n`;
}

/** The committed golden snapshot, or undefined when there is none yet. */
export function readGolden(deployment: string, dir: string = defaultGoldenDir): GoldenSnapshot | undefined {
  const file = goldenPath(deployment, dir);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}).`, { hint: `Regenerate it: cf-infra plan --update ${deployment}` });
  }
  const golden = parsed as Partial<GoldenSnapshot>;
  if (golden === null || typeof golden !== 'object' || golden.deployment !== deployment || !Array.isArray(golden.resources)) {
    throw new CliError(`${file} is not a golden snapshot of ${deployment} (expected { "deployment": "${deployment}", "resources": [...] }).`, {
      hint: `Regenerate it: cf-infra plan --update ${deployment}`,
    });
  }
  return { deployment, resources: golden.resources };
}

/** Writes the golden snapshot; returns whether the file's content changed. */
export async function writeGolden(golden: GoldenSnapshot, dir: string = defaultGoldenDir): Promise<boolean> {
  const file = goldenPath(golden.deployment, dir);
  const text = renderGolden(golden);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  await mkdir(dir, { recursive: true });
  await writeFile(file, text);
  return true;
}

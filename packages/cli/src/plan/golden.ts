// Golden snapshots: deployments/snapshots/<deployment>.json, committed. One pretty JSON file per
// deployment holding its predicted resources (sorted by id, keys in a stable order), nothing volatile:
// the snapshot uses a fixed placeholder subscription and tenant. `followUp` holds the shape of every
// deploy after the first (the stack's outputs fed back, at deterministic placeholders): the fed-back
// parameters and only the resources it adds or changes (plan/follow-up.ts).
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '@complianceflow/core/errors.ts';
import { repoRoot } from '@complianceflow/core/bicep/paths.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { applyFollowUp, type FollowUpDelta } from './follow-up.ts';
import type { Resource } from './resources.ts';

export const defaultGoldenDir = path.join(repoRoot, 'deployments', 'snapshots');

export interface GoldenFollowUp extends FollowUpDelta {
  /** The fed-back parameters at their placeholders (config/fed-back.ts). */
  parameters: Record<string, JsonValue>;
}

export interface GoldenSnapshot {
  deployment: string;
  resources: Resource[];
  followUp?: GoldenFollowUp;
}

export function goldenPath(deployment: string, dir: string = defaultGoldenDir): string {
  return path.join(dir, `${deployment}.json`);
}

export function renderGolden(golden: GoldenSnapshot): string {
  const followUp = golden.followUp === undefined ? {} : { followUp: { parameters: golden.followUp.parameters, resources: golden.followUp.resources, removed: golden.followUp.removed } };
  return `${JSON.stringify({ deployment: golden.deployment, resources: golden.resources, ...followUp }, null, 2)}\n`;
}

function isFollowUp(value: unknown): value is GoldenFollowUp {
  if (value === null || typeof value !== 'object') return false;
  const f = value as Partial<GoldenFollowUp>;
  return f.parameters !== null && typeof f.parameters === 'object' && !Array.isArray(f.parameters) && Array.isArray(f.resources) && Array.isArray(f.removed) && f.removed.every((id) => typeof id === 'string');
}

/** The committed golden snapshot, or undefined when there is none yet. */
export function readGolden(deployment: string, dir: string = defaultGoldenDir): GoldenSnapshot | undefined {
  const file = goldenPath(deployment, dir);
  if (!existsSync(file)) return undefined;
  return parseGolden(readFileSync(file, 'utf8'), deployment, file);
}

/** A golden snapshot's text (`file` names where it comes from in the errors). */
export function parseGolden(text: string, deployment: string, file: string): GoldenSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}).`, { hint: `Regenerate it: cf-infra plan --update ${deployment}` });
  }
  const golden = parsed as Partial<GoldenSnapshot>;
  if (golden === null || typeof golden !== 'object' || golden.deployment !== deployment || !Array.isArray(golden.resources)) {
    throw new CliError(`${file} is not a golden snapshot of ${deployment} (expected { "deployment": "${deployment}", "resources": [...] }).`, {
      hint: `Regenerate it: cf-infra plan --update ${deployment}`,
    });
  }
  if (golden.followUp !== undefined && !isFollowUp(golden.followUp)) {
    throw new CliError(`${file}: "followUp" is not a follow-up shape (expected { "parameters": {...}, "resources": [...], "removed": [ids] }).`, { hint: `Regenerate it: cf-infra plan --update ${deployment}` });
  }
  return { deployment, resources: golden.resources, ...(golden.followUp === undefined ? {} : { followUp: golden.followUp }) };
}

/**
 * The committed shape of a follow-up deploy of the deployment (outputs fed back): every resource it
 * has, and the fed-back parameters; undefined when the golden snapshot has no follow-up section yet.
 */
export function readFollowUpGolden(deployment: string, dir: string = defaultGoldenDir): { deployment: string; parameters: Record<string, JsonValue>; resources: Resource[] } | undefined {
  const golden = readGolden(deployment, dir);
  if (golden?.followUp === undefined) return undefined;
  return { deployment, parameters: golden.followUp.parameters, resources: applyFollowUp(golden.resources, golden.followUp) };
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

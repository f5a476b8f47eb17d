// After a successful deploy, a what-if of what was just deployed should show nothing. Whatever it
// still shows is noise: ARM reporting a difference the deploy cannot remove. Each leftover property
// change becomes a candidate noise rule (type + path, indices generalised to [*]) with a snippet
// ready to paste into deployments/what-if-rules.yaml; resource-level changes are listed as they are.
import type { PropertyChange, WhatIfModel } from './model.ts';

export interface NoiseCandidate {
  type: string;
  /** The property path with every array index as [*]. */
  path: string;
  /** How many leftover property changes it covers. */
  changes: number;
  resourceIds: string[];
  /** A rule for deployments/what-if-rules.yaml (reason to be written by whoever adds it). */
  snippet: string;
}

export interface NoiseFinding {
  candidates: NoiseCandidate[];
  /** Leftover changes of whole resources (create, delete, detach, redeploy): no property rule drops them. */
  resources: { kind: string; resourceId: string }[];
}

/** How long a pasted candidate rule lives before it must be looked at again. */
export const candidateLifetimeDays = 90;

function leafPaths(delta: readonly PropertyChange[]): string[] {
  return delta.flatMap((change) => (change.children !== undefined && change.children.length > 0 ? leafPaths(change.children) : [change.path]));
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The reason a snippet carries until someone writes the real one (the rules file refuses it). */
export const reasonPlaceholder = '<why ARM reports this after every deploy; link the ARM or provider doc>';

export function ruleSnippet(type: string, path: string, expires: string): string {
  return [
    `  - type: ${JSON.stringify(type)}`,
    `    path: ${JSON.stringify(path)}`,
    `    reason: ${JSON.stringify(reasonPlaceholder)}`,
    `    expires: ${JSON.stringify(expires)}`,
  ].join('\n');
}

/** The candidates of a what-if taken right after a deploy; `today` (YYYY-MM-DD) dates their expiry. */
export function noiseCandidates(model: WhatIfModel, today: string): NoiseFinding {
  const byKey = new Map<string, { type: string; path: string; changes: number; resourceIds: Set<string> }>();
  const add = (type: string, path: string, resourceId: string): void => {
    const general = path.replace(/\[\d+\]/g, '[*]');
    const key = `${type.toLowerCase()}|${general.toLowerCase()}`;
    const entry = byKey.get(key) ?? { type, path: general, changes: 0, resourceIds: new Set<string>() };
    entry.changes++;
    entry.resourceIds.add(resourceId);
    byKey.set(key, entry);
  };
  const resources: NoiseFinding['resources'] = [];
  for (const change of model.changes) {
    if (change.kind === 'modify') for (const path of leafPaths(change.delta)) add(change.type, path, change.resourceId);
    else if (['create', 'delete', 'detach', 'deploy'].includes(change.kind)) resources.push({ kind: change.kind, resourceId: change.resourceId });
  }
  for (const path of leafPaths(model.denySettingsDelta)) add('Microsoft.Resources/deploymentStacks', path, 'the stack');
  const expires = addDays(today, candidateLifetimeDays);
  const candidates = [...byKey.values()].map((c) => ({ type: c.type, path: c.path, changes: c.changes, resourceIds: [...c.resourceIds].sort(), snippet: ruleSnippet(c.type, c.path, expires) }));
  return { candidates, resources };
}

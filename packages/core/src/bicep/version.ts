// The pinned Bicep version: its one source of truth is scripts/bicep-restore/bicep-restore.csproj
// (the file scripts/install-bicep.sh restores from NuGet).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repo-root.ts';

export const restoreProjectFile = path.join(repoRoot, 'scripts', 'bicep-restore', 'bicep-restore.csproj');

/** Reads <BicepVersion> from the restore project. */
export function pinnedBicepVersion(projectFile: string = restoreProjectFile): string {
  const text = readFileSync(projectFile, 'utf8');
  const match = /<BicepVersion>\s*([0-9]+\.[0-9]+\.[0-9]+)\s*<\/BicepVersion>/.exec(text);
  if (match === null) throw new Error(`${projectFile} has no <BicepVersion>x.y.z</BicepVersion>`);
  return match[1]!;
}

/** "Bicep CLI version 0.49.2 (b34271ac51)" or "0.49.2" → "0.49.2"; undefined when there is no x.y.z. */
export function parseBicepVersion(text: string): string | undefined {
  return /(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

/** Negative when a < b, 0 when equal, positive when a > b (numeric x.y.z). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

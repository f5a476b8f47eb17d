// Which deployments a review covers: the names given (each must have its deployments/<name>.yaml),
// or every deployment file. A deployment whose file is broken is still reviewed: its section then
// carries the configuration error, and the others go on.
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { readRegistrySources } from '../config/registry.ts';
import { repoRoot } from '../config/paths.ts';

export function reviewNames(names: readonly string[] | 'all', command: string, root: string = repoRoot): string[] {
  const known = readRegistrySources(root).deployments.map((d) => path.posix.basename(d.file).replace(/\.ya?ml$/, '')).sort();
  if (names === 'all') return known;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`${command}: no deployment named ${unknown.map((n) => `"${n}"`).join(', ')} (no deployments/<name>.yaml)`, `the deployments: ${known.join(', ')}`);
  return [...new Set(names)];
}

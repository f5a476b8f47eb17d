// Resource names written in the docs are checked against the naming code: a concrete name such as
// `psql-cf-westeu-test-1` or `kv-cf-westeutest1-1v2yo` must be one packages/cli/src/naming derives for a
// registered deployment. Patterns (`{d}`, `<deployment>`) are not names and are left alone.
import { resolveAll } from '@complianceflow/cli/config/registry.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { listNames } from '@complianceflow/cli/naming/derive.ts';

export interface NameProblem {
  file: string;
  line: number;
  name: string;
}

export interface KnownNames {
  names: Set<string>;
  /** Matches a word that looks like one of our resource names (a `cf` marker and a region code). */
  candidate: RegExp;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function knownNames(registry: Registry): KnownNames {
  const deployments = resolveAll(registry);
  const names = new Set<string>(deployments.map((d) => d.name));
  for (const d of deployments) for (const entry of listNames(d.names, d.otherNames)) names.add(entry.name);
  const regions = Object.keys(registry.regions).map(escape).join('|');
  return { names, candidate: new RegExp(`(?<![\\w{<.\\/-])[a-z]+-?cf-?[a-z0-9-]*?(?:${regions})[a-z0-9_-]*`, 'g') };
}

export function unknownNames(file: string, text: string, known: KnownNames): NameProblem[] {
  const problems: NameProblem[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(known.candidate)) {
      const name = m[0].replace(/[-_]+$/, '');
      if (!known.names.has(name)) problems.push({ file, line: i + 1, name });
    }
  });
  return problems;
}

export function formatNameProblem(problem: NameProblem): string {
  return `${problem.file}:${problem.line}: ${problem.name} is not a name packages/cli/src/naming derives for a registered deployment (npm run names -- <deployment>)`;
}

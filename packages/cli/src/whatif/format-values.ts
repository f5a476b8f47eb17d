// Values as what-if prints them: JSON scalars, objects flattened into aligned dotted paths.
import { alignColumns } from '@complianceflow/core/tables.ts';

export function formatScalar(value: unknown): string {
  if (value === undefined) return '(none)';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '{}' : JSON.stringify(value);
  return JSON.stringify(value);
}

/** `{ a: { b: 1 }, c: [2] }` → [['a.b', '1'], ['c[0]', '2']]; empty objects/arrays stay as `{}`/`[]`. */
export function flatten(value: unknown, prefix = ''): [string, string][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, '[]']];
    return value.flatMap((item, i) => flatten(item, `${prefix}[${i}]`));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return prefix === '' ? [] : [[prefix, '{}']];
    return entries.flatMap(([key, child]) => flatten(child, prefix === '' ? key : `${prefix}.${key}`));
  }
  return [[prefix, formatScalar(value)]];
}

/** Aligned `path: value` lines. */
export function alignedLines(pairs: readonly [string, string][], indent: string): string[] {
  return alignColumns(pairs.map(([path, value]) => [`${path}:`, value]), { indent, gap: ' ' });
}

/** The longest run of backticks in a text: markdown fences must be longer. */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

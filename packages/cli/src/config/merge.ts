/**
 * Deep-merges `overrides` into `base`: mappings merge key by key, everything else (lists
 * included) is replaced. Neither input is modified.
 */
export function deepMerge<T>(base: T, overrides: unknown): T {
  if (!isMapping(base) || !isMapping(overrides)) return (overrides === undefined ? base : overrides) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = key in merged ? deepMerge(merged[key], value) : value;
  return merged as T;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `path` (dotted) is set in a nested mapping. */
export function hasPath(value: unknown, path: string): boolean {
  let current = value;
  for (const key of path.split('.')) {
    if (!isMapping(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

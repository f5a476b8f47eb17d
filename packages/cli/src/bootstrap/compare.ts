// Desired vs current: a resource is unchanged when every value bootstrap declares is already there
// (ARM adds read-only fields — ids, timestamps, defaults — that we never declare). Pure.

/** The paths (e.g. `properties.minimumTlsVersion`) where `current` differs from `desired`. */
export function differences(desired: unknown, current: unknown, path = ''): string[] {
  if (desired === null || typeof desired !== 'object') {
    if (typeof desired === 'string' && typeof current === 'string') return desired.toLowerCase() === current.toLowerCase() ? [] : [path];
    return desired === current ? [] : [path];
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(current) || current.length !== desired.length) return [path];
    return desired.flatMap((item, i) => differences(item, current[i], `${path}[${i}]`));
  }
  if (current === null || typeof current !== 'object' || Array.isArray(current)) return [path];
  const have = current as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).flatMap(([key, value]) => differences(value, have[key], path === '' ? key : `${path}.${key}`));
}

// Secrets never reach a report: values under secret-looking names are replaced, and known secure
// values are replaced wherever they appear in a string.
import { isSecretName, maskedValue } from '../whatif/index.ts';

export function maskDeep<T>(value: T, secureValues: readonly string[] = []): T {
  const secrets = secureValues.filter((s) => s.length >= 4);
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (key !== undefined && isSecretName(key) && v !== null && typeof v !== 'object') return maskedValue;
    if (typeof v === 'string') return secrets.reduce((text, s) => text.split(s).join(maskedValue), v);
    if (Array.isArray(v)) return v.map((item) => walk(item, undefined));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value, undefined) as T;
}

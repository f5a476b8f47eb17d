// Secrets never reach a report: values under secret-looking names are replaced, and known secure
// values are replaced wherever they appear in a string.
import { isSecretName, maskedValue } from '../whatif/index.ts';

/**
 * Secure values shorter than this are not searched for inside strings (a 3-character value would
 * mask unrelated words); every generated secret is far longer. 4 characters and more are masked.
 */
export const minSecureValueLength = 4;

export function maskDeep<T>(value: T, secureValues: readonly string[] = []): T {
  // Longest first: a secure value that is part of a longer one must not mask only part of it.
  const secrets = secureValues.filter((s) => s.length >= minSecureValueLength).sort((a, b) => b.length - a.length);
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (key !== undefined && isSecretName(key) && v !== null && typeof v !== 'object') return maskedValue;
    if (typeof v === 'string') return secrets.reduce((text, s) => text.split(s).join(maskedValue), v);
    // Items of a list take its name: `keys: [a, b]` masks a and b.
    if (Array.isArray(v)) return v.map((item) => walk(item, key));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value, undefined) as T;
}

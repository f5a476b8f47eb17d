// Secure values never reach the model: masked while normalising, so every renderer is safe.

export const maskedValue = '***';

/** A property whose name says it holds a secret: password, secret, token, connection string, key(s). */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase().replace(/\[\d+\]$/, '');
  return (
    n.includes('password') ||
    n.includes('secret') ||
    n.includes('token') ||
    n.includes('connectionstring') ||
    n.endsWith('key') ||
    n.endsWith('keys')
  );
}

export interface Masker {
  /** Masks a value found under `name` (the last path segment); `inherited` when a parent was secret. */
  value(name: string, value: unknown, inherited?: boolean): unknown;
  /** Replaces every caller-marked secure value inside a string. */
  text(text: string): string;
}

/** `secureValues`: literal values the caller marks secure (e.g. generated passwords); masked wherever they appear. */
export function createMasker(secureValues: Iterable<string> = []): Masker {
  const secrets = [...secureValues].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    let out = input;
    for (const secret of secrets) out = out.split(secret).join(maskedValue);
    return out;
  };
  const value = (name: string, input: unknown, inherited = false): unknown => {
    if (input === undefined) return undefined;
    if (inherited || isSecretName(name)) return maskedValue;
    if (typeof input === 'string') return text(input);
    if (Array.isArray(input)) return input.map((item, i) => value(`${name}[${i}]`, item));
    if (typeof input === 'object' && input !== null) {
      return Object.fromEntries(Object.entries(input).map(([k, v]) => [text(k), value(k, v)]));
    }
    return input;
  };
  return { value, text };
}

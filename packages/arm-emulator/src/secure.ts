// Secure parameters and outputs (type securestring / secureobject). ARM records neither in the
// deployment history nor answers with their values: "Outputs that are marked as secure are not
// recorded in ARM deployment history or logs" and only parameters "that do not use secure types are
// recorded in deployment history" (PSRule for Azure, rules Azure.Deployment.OutputSecretValue and
// Azure.Deployment.SecretLeak; Bicep linter rule outputs-should-not-contain-secrets). So: every
// endpoint answers with a secure parameter as a value-less entry, drops secure outputs, and the
// state file never holds a secure value in clear (state.ts scrubs what the store remembers here).
import { asObject } from './http.ts';

const secureType = /^secure(string|object)$/i;

export const isSecureType = (type: unknown): boolean => typeof type === 'string' && secureType.test(type);

/** Lower-cased names of the template's secure parameters. */
export function secureParameterNames(template: unknown): Set<string> {
  const declared = asObject(asObject(template)?.parameters) ?? {};
  return new Set(Object.entries(declared).filter(([, p]) => isSecureType(asObject(p)?.type)).map(([name]) => name.toLowerCase()));
}

/** Every string inside the values given to secure parameters (a secureobject's leaves too). */
export function secureValues(template: unknown, parameters: unknown): string[] {
  const secure = secureParameterNames(template);
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '') found.push(value);
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (asObject(value) !== undefined) Object.values(value as Record<string, unknown>).forEach(collect);
  };
  for (const [name, entry] of Object.entries(asObject(parameters) ?? {})) {
    if (secure.has(name.toLowerCase())) collect(asObject(entry)?.value);
  }
  return found;
}

/**
 * Parameters as ARM answers with them: a secure one without its value. A stack answers with an
 * empty entry (as it always has here); a deployment with its type, like ARM's deployment history.
 */
export function redactParameters(parameters: unknown, template: unknown, shape: 'stack' | 'deployment'): Record<string, unknown> {
  const declared = asObject(asObject(template)?.parameters) ?? {};
  const typeOf = new Map(Object.entries(declared).map(([name, p]) => [name.toLowerCase(), String(asObject(p)?.type ?? '')]));
  return Object.fromEntries(
    Object.entries(asObject(parameters) ?? {}).map(([name, entry]) => {
      const type = typeOf.get(name.toLowerCase());
      if (!isSecureType(type)) return [name, entry];
      return [name, shape === 'stack' ? {} : { type: /object$/i.test(type!) ? 'SecureObject' : 'SecureString' }];
    }),
  );
}

/** The template's outputs without the secure ones (by their declared type). */
export function withoutSecureOutputs<T>(outputs: Record<string, T>, template: unknown): Record<string, T> {
  const declared = asObject(asObject(template)?.outputs) ?? {};
  const secure = new Set(Object.entries(declared).filter(([, o]) => isSecureType(asObject(o)?.type)).map(([name]) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(outputs).filter(([name]) => !secure.has(name.toLowerCase())));
}

/** What stands where a secure value was: in an answer, and in the state file. */
export const secureValuePlaceholder = '(secure value: not returned, not stored by the emulator)';

/**
 * A copy of `value` with every remembered secure value replaced by the placeholder. A short value
 * (under 6 characters) is replaced only where it is a whole string, not inside longer ones.
 */
export function scrubSecrets<T>(value: T, secrets: ReadonlySet<string>): T {
  if (secrets.size === 0) return value;
  const long = [...secrets].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (secrets.has(v)) return secureValuePlaceholder;
      let text = v;
      for (const secret of long) if (text.includes(secret)) text = text.split(secret).join(secureValuePlaceholder);
      return text;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, visit(child)]));
    return v;
  };
  return visit(value) as T;
}

/** Whether a (reloaded) value lost secure values to the placeholder: it cannot be finished as sent. */
export const lostSecureValues = (value: unknown): boolean => value !== undefined && JSON.stringify(value).includes(secureValuePlaceholder);

/**
 * scrubSecrets on JSON text (the state file as it is written): the same replacements, on each
 * value's JSON-escaped form, without copying the object graph. Stricter in one place: an object key
 * that is a remembered value is replaced too.
 */
export function scrubSecretsInJson(json: string, secrets: ReadonlySet<string>): string {
  const placeholder = JSON.stringify(secureValuePlaceholder).slice(1, -1);
  let text = json;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    text = secret.length >= 6 ? text.split(escaped).join(placeholder) : text.split(`"${escaped}"`).join(`"${placeholder}"`);
  }
  return text;
}

// A stack's outputs as environment-style pairs (show --format env, --github-output): one pair per
// leaf value, the key its path in UPPER_SNAKE_CASE (containerApps.defaultDomain →
// CONTAINER_APPS_DEFAULT_DOMAIN, an array index as a segment: SUBNETS_0_ID); a leaf under a
// secret-looking name (whatif/mask.ts isSecretName) is left out, not masked. Pure.
import { CliError } from '@complianceflow/core/errors.ts';
import { isSecretName } from '../whatif/index.ts';

const keyPart = (segment: string): string => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();

function leaves(value: unknown, path: readonly string[], out: [string[], string][]): void {
  if (path.length > 0 && isSecretName(path[path.length - 1]!)) return;
  if (Array.isArray(value)) value.forEach((item, i) => leaves(item, [...path, String(i)], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  else out.push([[...path], value === null || value === undefined ? '' : String(value)]);
}

/** The stack's outputs ({ name: { type, value } } as ARM returns them) as [KEY, value] pairs, secrets left out. */
export function outputPairs(outputs: Record<string, unknown>): [string, string][] {
  const found: [string[], string][] = [];
  for (const [name, output] of Object.entries(outputs)) {
    const value = output !== null && typeof output === 'object' && 'value' in output ? (output as { value: unknown }).value : output;
    leaves(value, [name], found);
  }
  const pairs = new Map<string, string>();
  for (const [path, value] of found) {
    const key = path.map(keyPart).filter((p) => p !== '').join('_');
    if (pairs.has(key)) throw new CliError(`two stack outputs map to the same key ${key} (${path.join('.')}); rename one of them in bicep/main.bicep`);
    pairs.set(key, value);
  }
  return [...pairs];
}

/** POSIX sh quoting where needed: `eval "$(cf-infra show … --format env)"` and `. file` read the values back unchanged. */
export function shellValue(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function envLines(pairs: readonly [string, string][]): string[] {
  return pairs.map(([key, value]) => `${key}=${shellValue(value)}`);
}

// Field-by-field comparison of an emulator answer with a REST spec example: every field of the
// example must be in the answer with the same value, except paths compared by JSON type only
// (ids, timestamps, placeholders) and paths that do not apply (listed with the reason in the test).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function loadExample(file: string): { source: string; example: any } {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/arm-emulator/spec-examples', file), 'utf8')) as { source: string; example: any };
}

const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
const matches = (patterns: readonly string[], p: string): boolean =>
  patterns.some((pat) => new RegExp(`^${pat.replace(/[.]/g, '\\.').replace(/\*/g, '[^.]+')}$`).test(p));

/** The differences, as "path: why" lines (empty when the answer matches the example). */
export function compareWithExample(example: unknown, actual: unknown, opts: { typeOnly?: string[]; ignore?: string[] } = {}, at = ''): string[] {
  if (at !== '' && matches(opts.ignore ?? [], at)) return [];
  if (actual === undefined) return [`${at}: missing`];
  if (at !== '' && matches(opts.typeOnly ?? [], at)) return kind(example) === kind(actual) ? [] : [`${at}: ${kind(actual)} instead of ${kind(example)}`];
  if (kind(example) !== kind(actual)) return [`${at}: ${kind(actual)} instead of ${kind(example)}`];
  if (Array.isArray(example)) {
    const a = actual as unknown[];
    const expectedLength = example.filter((_, i) => !matches(opts.ignore ?? [], at === '' ? String(i) : `${at}.${i}`)).length;
    const out = expectedLength !== a.length ? [`${at}: ${a.length} items instead of ${expectedLength}`] : [];
    return out.concat(example.flatMap((e, i) => compareWithExample(e, a[i], opts, at === '' ? String(i) : `${at}.${i}`)));
  }
  if (example !== null && typeof example === 'object') {
    return Object.entries(example).flatMap(([k, v]) => compareWithExample(v, (actual as Record<string, unknown>)[k], opts, at === '' ? k : `${at}.${k}`));
  }
  return example === actual ? [] : [`${at}: ${JSON.stringify(actual)} instead of ${JSON.stringify(example)}`];
}

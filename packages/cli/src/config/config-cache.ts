// What the configuration reader works out about a file, kept on disk by everything it depends on: a
// clean YAML parse (yaml-file.ts) and a schema check that found nothing (schema-files.ts). A command
// whose configuration has not changed then loads neither the yaml package nor ajv, about 0.1 s of
// every command that reads the registry (the whole registry reads back in about a millisecond). A
// key is a hash of every input of the result (the text or data, the library's version, its options),
// so a changed input is a new entry, never a wrong one. Only what JSON holds exactly is kept (no
// NaN, Infinity or -0); problems are never kept, so their messages always come from the library.
// An entry is written atomically (core/atomic-file.ts: a reader sees all of it or none); a cache
// that cannot be read or written is skipped.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '@complianceflow/core/atomic-file.ts';

/** The entry of a result in `cacheDir`: one per set of inputs (order matters). */
export function configCacheEntry(cacheDir: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  for (const input of inputs) hash.update(`${input.length}:${input}`);
  return path.join(cacheDir, `${hash.digest('hex')}.json`);
}

/** Whether JSON.parse(JSON.stringify(value)) gives `value` back exactly. */
export function holdsInJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(holdsInJson);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(holdsInJson);
}

/** The value kept for this entry, or undefined (none yet, or unreadable). */
export function readConfigCache(entry: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(readFileSync(entry, 'utf8')) as unknown };
  } catch {
    return undefined;
  }
}

/** Keeps `value` for this entry when JSON holds it exactly; never fails the caller. */
export function keepInConfigCache(entry: string, value: unknown): void {
  if (!holdsInJson(value)) return;
  try {
    mkdirSync(path.dirname(entry), { recursive: true });
    writeFileAtomically(entry, JSON.stringify(value));
  } catch {
    // A read-only checkout, a full disk, a file where the directory should be: the next run works it out again.
  }
}

// A problem found in a configuration file: the field path and what is wrong with it. Files are
// named by the caller (problems are collected as { path, message } and prefixed with the file later).
import { pinpointCharacter, printableAscii } from '../naming/characters.ts';

export interface Problem {
  /** Dotted field path inside the file, e.g. `database.sku.tier` or `eventHubs[1].name`. */
  path: string;
  /** `<value> — <what is allowed>` */
  message: string;
}

/**
 * The longest string any configuration field may hold (the schemas' maxLength): the longest value
 * written today is about a hundred characters, and every Azure name, tag value (256) and e-mail
 * address (254) fits.
 */
export const maxFieldLength = 512;

/** ` (it contains "е" (U+0435, Cyrillic) at position 9, …)` when a value holds a character outside printable ASCII. */
export function oddCharacter(value: string): string {
  const found = pinpointCharacter(value, printableAscii);
  return found === undefined ? '' : ` (it contains ${found}, which is not a printable ASCII character)`;
}

/** Shows a value the way it was written in YAML (strings quoted). */
export function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}... (${value.length} characters)` : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  }
  return String(value);
}

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** Prefixes each problem with its file: `deployments/x.yaml: path: message`. */
export function inFile(file: string, problems: readonly Problem[]): string[] {
  return problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`);
}

// A small declarative validator for the registry's YAML: each spec knows its type and what is
// allowed, and every problem names the field path, the value and the rule. Files are named by
// the caller (problems are collected as { path, message } and prefixed with the file later).
import { pinpointCharacter, printableAscii } from '../naming/characters.ts';
import { didYouMean } from './suggest.ts';

export interface Problem {
  /** Dotted field path inside the file, e.g. `database.sku.tier` or `eventHubs[1].name`. */
  path: string;
  /** `<value> — <what is allowed>` */
  message: string;
}

export type Spec =
  | { kind: 'object'; fields: Record<string, Field>; describe?: string }
  | { kind: 'record'; values: Spec; keyPattern: RegExp; keyRule: string }
  | { kind: 'string'; rule: string; test?: (value: string) => boolean }
  | { kind: 'enum'; values: readonly (string | number)[] }
  | { kind: 'integer'; min?: number; max?: number; rule?: string; test?: (value: number) => boolean }
  | { kind: 'number'; rule: string; test: (value: number) => boolean }
  | { kind: 'boolean' }
  | { kind: 'array'; items: Spec; minItems?: number; unique?: boolean; rule?: string }
  | { kind: 'nullable'; inner: Spec };

export interface Field {
  spec: Spec;
  optional?: boolean;
  /** The value is a deep partial of `spec` (every field below is optional). */
  partial?: boolean;
}

/**
 * The longest string any configuration field may hold: the longest value written today is about
 * a hundred characters, and every Azure name, tag value (256) and e-mail address (254) fits.
 */
export const maxFieldLength = 512;

/** ` (it contains "е" (U+0435, Cyrillic) at position 9, …)` when a value holds a character outside printable ASCII. */
function oddCharacter(value: string): string {
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

/** What a spec allows, in words (used in messages and in the docs). */
export function describe(spec: Spec): string {
  switch (spec.kind) {
    case 'object':
      return spec.describe ?? `a mapping with ${Object.keys(spec.fields).join(', ')}`;
    case 'record':
      return `a mapping whose keys are ${spec.keyRule}`;
    case 'string':
      return spec.rule;
    case 'enum':
      return `one of ${spec.values.map((value) => (typeof value === 'string' ? value : String(value))).join(', ')}`;
    case 'integer':
      return spec.rule ?? `an integer${range(spec.min, spec.max)}`;
    case 'number':
      return spec.rule;
    case 'boolean':
      return 'true or false';
    case 'array':
      return spec.rule ?? `a list${spec.minItems ? ` of at least ${spec.minItems}` : ''} of ${describe(spec.items)}`;
    case 'nullable':
      return `null or ${describe(spec.inner)}`;
  }
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `value` against `spec`; `partial` makes every object field optional (for `overrides:`,
 * a deep partial of the profile). Returns every problem, never throws.
 */
export function validate(spec: Spec, value: unknown, path = '', partial = false): Problem[] {
  const problem = (message: string): Problem[] => [{ path: path === '' ? '(document)' : path, message }];
  const allowed = `allowed: ${describe(spec)}`;
  switch (spec.kind) {
    case 'object': {
      if (!isPlainObject(value)) return problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
      const problems: Problem[] = [];
      const known = Object.keys(spec.fields);
      for (const key of Object.keys(value)) {
        if (!(key in spec.fields)) {
          problems.push({ path: joinPath(path, key.length > 80 ? `${key.slice(0, 77)}...` : key), message: `unknown field${key.length > 80 ? '' : didYouMean(key, known)}; known fields${path === '' ? '' : ` of ${path}`}: ${known.join(', ')}` });
        }
      }
      for (const [key, field] of Object.entries(spec.fields)) {
        const child = value[key];
        if (child === undefined) {
          if (!field.optional && !partial) problems.push({ path: joinPath(path, key), message: `is missing; required: ${describe(field.spec)}` });
          continue;
        }
        problems.push(...validate(field.spec, child, joinPath(path, key), partial || field.partial === true));
      }
      return problems;
    }
    case 'record': {
      if (!isPlainObject(value)) return problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
      const problems: Problem[] = [];
      for (const [key, child] of Object.entries(value)) {
        if (key.length > maxFieldLength) problems.push({ path: `${path}.(key)`, message: `key ${show(key)} is longer than ${maxFieldLength} characters; keys must be ${spec.keyRule}` });
        else if (!spec.keyPattern.test(key)) problems.push({ path: joinPath(path, key), message: `key ${show(key)} is not allowed${oddCharacter(key)}; keys must be ${spec.keyRule}` });
        problems.push(...validate(spec.values, child, joinPath(path, key), partial));
      }
      return problems;
    }
    case 'string':
      if (typeof value !== 'string') return problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
      if (value.length > maxFieldLength) return problem(`${show(value)} is longer than ${maxFieldLength} characters; ${allowed}`);
      return spec.test === undefined || spec.test(value) ? [] : problem(`${show(value)} is not allowed${oddCharacter(value)}; ${allowed}`);
    case 'enum':
      if (spec.values.includes(value as string | number)) return [];
      if ((typeof value === 'number' || typeof value === 'string') && spec.values.map(String).includes(String(value))) {
        const wanted = typeof spec.values.find((allowedValue) => String(allowedValue) === String(value));
        return problem(`${show(value)} is ${typeName(value)}; write it as a ${wanted} (${wanted === 'string' ? JSON.stringify(String(value)) : String(value)}); ${allowed}`);
      }
      return problem(`${show(value)} is not allowed${typeof value === 'string' ? oddCharacter(value) : ''}; ${allowed}${typeof value === 'string' ? didYouMean(value, spec.values.map(String)) : ''}`);
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return problem(`${show(value)} is ${typeof value === 'number' ? 'not an integer' : typeName(value)}; ${allowed}`);
      const inRange = (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
      return inRange && (spec.test === undefined || spec.test(value)) ? [] : problem(`${value} is out of range; ${allowed}`);
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
      return spec.test(value) ? [] : problem(`${value} is not allowed; ${allowed}`);
    case 'boolean':
      return typeof value === 'boolean' ? [] : problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
    case 'array': {
      if (!Array.isArray(value)) return problem(`${show(value)} is ${typeName(value)}; ${allowed}`);
      const problems: Problem[] = [];
      if (spec.minItems !== undefined && value.length < spec.minItems) problems.push(...problem(`has ${value.length} item(s); ${allowed}`));
      value.forEach((item, index) => problems.push(...validate(spec.items, item, joinPath(path, index), partial)));
      if (spec.unique) {
        const seen = new Set<string>();
        value.forEach((item, index) => {
          const key = JSON.stringify(item);
          if (seen.has(key)) problems.push({ path: joinPath(path, index), message: `${show(item)} is listed twice; each item must be unique` });
          seen.add(key);
        });
      }
      return problems;
    }
    case 'nullable':
      return value === null ? [] : validate(spec.inner, value, path, partial);
  }
}

/** Prefixes each problem with its file: `deployments/x.yaml: path: message`. */
export function inFile(file: string, problems: readonly Problem[]): string[] {
  return problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`);
}

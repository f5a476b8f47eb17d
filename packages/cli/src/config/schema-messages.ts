// ajv's errors as the registry's messages: the field path (`eventHubs[1].name`), the value as
// written, and what is allowed — a schema node's description, or words derived from its keywords.
import type { ErrorObject } from 'ajv';
import { joinPath, maxFieldLength, oddCharacter, show, type Problem } from './problems.ts';
import { didYouMean } from './suggest.ts';

/** A JSON Schema node, as parsed from its file. */
export type SchemaNode = { [keyword: string]: unknown };

export interface SchemaSet {
  /** Schema documents by file name (the names `$ref`s use). */
  documents: ReadonlyMap<string, SchemaNode>;
  /** The file each node belongs to (ajv reports the parsed nodes themselves). */
  owners: WeakMap<object, string>;
}

const children = (node: SchemaNode, keyword: string): Record<string, SchemaNode> => (node[keyword] ?? {}) as Record<string, SchemaNode>;

/** Follows `$ref`s (`#/definitions/x` in the node's own file, or `other.schema.json#/…`). */
function deref(set: SchemaSet, node: SchemaNode): SchemaNode {
  let current = node;
  while (typeof current['$ref'] === 'string') {
    const [file, pointer = ''] = current['$ref'].split('#');
    let target: unknown = set.documents.get(file === '' ? set.owners.get(current)! : file!);
    for (const key of pointer.split('/').slice(1)) target = (target as SchemaNode)[key.replace(/~1/g, '/').replace(/~0/g, '~')];
    current = target as SchemaNode;
  }
  return current;
}

function range(min: unknown, max: unknown): string {
  if (typeof min === 'number' && typeof max === 'number') return ` from ${min} to ${max}`;
  if (typeof min === 'number') return ` >= ${min}`;
  if (typeof max === 'number') return ` <= ${max}`;
  return '';
}

/** What a node allows, in words: its description, else derived from its type and keywords. */
export function describe(set: SchemaSet, at: SchemaNode): string {
  const node = deref(set, at);
  if (typeof node['description'] === 'string') return node['description'];
  if (Array.isArray(node['enum'])) return `one of ${node['enum'].map(String).join(', ')}`;
  const types = [node['type']].flat().filter((type) => type !== 'null');
  const nullable = [node['type']].flat().includes('null');
  const words = ((): string => {
    switch (types[0]) {
      case 'object':
        if (node['propertyNames'] !== undefined) return `a mapping whose keys are ${describe(set, node['propertyNames'] as SchemaNode)}`;
        return `a mapping with ${Object.keys(children(node, 'properties')).join(', ')}`;
      case 'array':
        return `a list${typeof node['minItems'] === 'number' && node['minItems'] > 0 ? ` of at least ${node['minItems']}` : ''} of ${describe(set, node['items'] as SchemaNode)}`;
      case 'integer':
        return `an integer${range(node['minimum'], node['maximum'])}`;
      case 'boolean':
        return 'true or false';
      default:
        return `a ${String(types[0] ?? 'value')}`;
    }
  })();
  return nullable ? `null or ${words}` : words;
}

/** The node that describes the value at `segments` (field names and list indexes) below `node`. */
function schemaAt(set: SchemaSet, at: SchemaNode, segments: readonly string[]): SchemaNode | undefined {
  const node = deref(set, at);
  if (segments.length === 0) return node;
  const [head, ...rest] = segments as [string, ...string[]];
  const properties = children(node, 'properties');
  if (Object.hasOwn(properties, head)) return schemaAt(set, properties[head]!, rest);
  if (typeof node['items'] === 'object' && /^\d+$/.test(head)) return schemaAt(set, node['items'] as SchemaNode, rest);
  if (typeof node['additionalProperties'] === 'object') return schemaAt(set, node['additionalProperties'] as SchemaNode, rest);
  for (const branch of (node['allOf'] ?? []) as SchemaNode[]) {
    const found = schemaAt(set, branch, segments);
    if (found !== undefined) return found;
  }
  return undefined;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** A JSON pointer into `data` as a field path (`/eventHubs/1/name` → `eventHubs[1].name`). */
function fieldPath(pointer: string, data: unknown): { path: string; segments: string[] } {
  const segments = pointer.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  let current = data;
  for (const key of segments) {
    path = Array.isArray(current) ? joinPath(path, Number(key)) : joinPath(path, key);
    current = (current as Record<string, unknown> | undefined)?.[key];
  }
  return { path, segments };
}

function enumMessage(value: unknown, allowedValues: readonly unknown[], allowed: string): string {
  const texts = allowedValues.map(String);
  if ((typeof value === 'number' || typeof value === 'string') && texts.includes(String(value))) {
    const wanted = typeof allowedValues.find((candidate) => String(candidate) === String(value));
    return `${show(value)} is ${typeName(value)}; write it as a ${wanted} (${wanted === 'string' ? JSON.stringify(String(value)) : String(value)}); ${allowed}`;
  }
  const odd = typeof value === 'string' ? oddCharacter(value) : '';
  return `${show(value)} is not allowed${odd}; ${allowed}${typeof value === 'string' ? didYouMean(value, texts) : ''}`;
}

/** Every repeated item of a list that must hold unique items, at the later position. */
function duplicates(path: string, list: readonly unknown[]): Problem[] {
  const seen = new Set<string>();
  return list.flatMap((item, index) => {
    const key = JSON.stringify(item);
    const repeated = seen.has(key);
    seen.add(key);
    return repeated ? [{ path: joinPath(path, index), message: `${show(item)} is listed twice; each item must be unique` }] : [];
  });
}

interface Context {
  set: SchemaSet;
  root: SchemaNode;
}

/** Problems about a mapping's keys: an unknown field, a missing one, a key a record does not allow. */
function keyProblem(context: Context, error: ErrorObject, path: string, segments: string[]): Problem | undefined {
  const parent = error.parentSchema as SchemaNode;
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params['additionalProperty']);
    const known = Object.keys(children(parent, 'properties'));
    const long = key.length > 80;
    return { path: joinPath(path, long ? `${key.slice(0, 77)}...` : key), message: `unknown field${long ? '' : didYouMean(key, known)}; known fields${path === '' ? '' : ` of ${path}`}: ${known.join(', ')}` };
  }
  if (error.keyword === 'required') {
    const key = String(error.params['missingProperty']);
    const field = schemaAt(context.set, context.root, [...segments, key]);
    return { path: joinPath(path, key), message: `is missing; required: ${field === undefined ? 'a value' : describe(context.set, field)}` };
  }
  if (error.keyword === 'propertyNames') {
    const key = String(error.params['propertyName']);
    const rule = describe(context.set, parent['propertyNames'] as SchemaNode);
    if (key.length > maxFieldLength) return { path: joinPath(path, '(key)'), message: `key ${show(key)} is longer than ${maxFieldLength} characters; keys must be ${rule}` };
    return { path: joinPath(path, key), message: `key ${show(key)} is not allowed${oddCharacter(key)}; keys must be ${rule}` };
  }
  return undefined;
}

/** A problem with the value itself (its type, length, range, pattern or enum). */
function valueProblem(context: Context, error: ErrorObject): string {
  const parent = error.parentSchema as SchemaNode;
  const value: unknown = error.data;
  const allowed = `allowed: ${describe(context.set, parent)}`;
  const integer = [parent['type']].flat().includes('integer');
  switch (error.keyword) {
    case 'type':
      return `${show(value)} is ${integer && typeof value === 'number' ? 'not an integer' : typeName(value)}; ${allowed}`;
    case 'maxLength':
      return `${show(value)} is longer than ${String(error.params['limit'])} characters; ${allowed}`;
    case 'enum':
      return enumMessage(value, parent['enum'] as unknown[], allowed);
    case 'minItems':
      return `has ${(value as unknown[]).length} item(s); ${allowed}`;
    default:
      return `${show(value)} is ${integer ? 'out of range' : 'not allowed'}${typeof value === 'string' ? oddCharacter(value) : ''}; ${allowed}`;
  }
}

/** The order in which a value's errors are kept: one problem per value, the most basic first. */
const valueRank = (keyword: string): number => ({ type: 0, maxLength: 1 })[keyword] ?? 2;

/**
 * ajv's errors (allErrors, verbose) for one document as problems. A value gets one problem (its
 * type, else its length, else the first rule it breaks); keys and list items get one each.
 */
export function schemaProblems(set: SchemaSet, rootFile: string, errors: readonly ErrorObject[], data: unknown): Problem[] {
  const context: Context = { set, root: set.documents.get(rootFile)! };
  const problems: Problem[] = [];
  const values = new Map<string, { rank: number; problem: Problem }>();
  for (const error of errors) {
    // A key a record refuses is reported once, by its propertyNames error (not by the inner pattern).
    if (error.propertyName !== undefined) continue;
    const { path, segments } = fieldPath(error.instancePath, data);
    const key = keyProblem(context, error, path, segments);
    if (key !== undefined) problems.push(key);
    else if (error.keyword === 'uniqueItems') problems.push(...duplicates(path, error.data as unknown[]));
    else {
      const rank = valueRank(error.keyword);
      const shown = path === '' ? '(document)' : path;
      if ((values.get(shown)?.rank ?? Infinity) > rank) values.set(shown, { rank, problem: { path: shown, message: valueProblem(context, error) } });
    }
  }
  return [...problems, ...[...values.values()].map((entry) => entry.problem)];
}

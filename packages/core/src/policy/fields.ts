// Field resolution: the `field` of a condition names either a resource property that Azure Policy
// exposes directly (name, fullName, type, location, kind, id, tags, identity.type) or an alias,
// which the alias table maps to a JSON path in the resource body. Paths with `[*]` yield every
// array element.

import { lookupAlias, looksLikeAlias, aliasTypePrefix, aliasesForType, policyResourceType } from './aliases.ts';
import { RuleError } from './errors.ts';
import type { ArmResource } from './types.ts';

/** A resolved field: one value (possibly undefined), or every element of a `[*]` path. */
export type FieldValue = { many: false; value: unknown } | { many: true; values: unknown[] };

/** The element a `count` over a `[*]` alias is looking at: field references under its path resolve against it. */
export interface CountFrame {
  kind: 'field' | 'value';
  /** The count's `field` (alias name) or `name`. */
  name: string;
  /** For field counts: the JSON path of the counted array, ending in `[*]`. */
  path?: string;
  element: unknown;
}

function getKeyCi(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (key in record) return record[key];
  const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : record[found];
}

/** Resolves a JSON path (`a.b[*].c`) against a value. */
export function resolvePath(root: unknown, path: string): FieldValue {
  const segments = path === '' ? [] : path.split('.');
  if (!segments.some((segment) => segment.endsWith('[*]'))) {
    let value: unknown = root;
    for (const segment of segments) value = getKeyCi(value, segment);
    return { many: false, value };
  }
  let current: unknown[] = [root];
  for (const segment of segments) {
    const isArray = segment.endsWith('[*]');
    const key = isArray ? segment.slice(0, -3) : segment;
    const next: unknown[] = [];
    for (const value of current) {
      const child = key === '' ? value : getKeyCi(value, key);
      if (isArray) {
        if (Array.isArray(child)) next.push(...child);
      } else next.push(child);
    }
    current = next;
  }
  return { many: true, values: current };
}

const builtInFields = new Set(['name', 'fullname', 'kind', 'type', 'location', 'id', 'tags', 'identity.type', 'identity.userassignedidentities']);

/** The tag name a field refers to (`tags.x`, `tags[x]`, `tags['x']`), or undefined. */
export function tagNameOf(field: string): string | undefined {
  const bracket = /^tags\[(?:'(.*)'|(.*))\]$/is.exec(field);
  if (bracket !== null) return bracket[1] ?? bracket[2];
  const dotted = /^tags\.(.+)$/is.exec(field);
  return dotted?.[1];
}

/** Checks that a field name is one Azure Policy knows; throws a RuleError naming what is allowed. */
export function checkFieldName(field: string): void {
  if (builtInFields.has(field.toLowerCase()) || tagNameOf(field) !== undefined) return;
  if (lookupAlias(field) !== undefined) return;
  if (!looksLikeAlias(field)) {
    throw new RuleError('', `unknown field "${field}"`, 'a field is name, fullName, kind, type, location, id, identity.type, tags, tags.<name>, tags[<name>] or an alias such as Microsoft.KeyVault/vaults/sku.name');
  }
  const type = aliasTypePrefix(field);
  if (type === undefined) {
    throw new RuleError('', `unknown alias "${field}": its resource type is not in the alias table (packages/core/src/policy/aliases.ts)`, 'add the type and its aliases from the provider alias list (PSRule.Rules.Azure data/providers/<namespace>/types.json)');
  }
  const known = aliasesForType(type);
  throw new RuleError('', `unknown alias "${field}"`, `aliases of ${type}: ${known.length === 0 ? 'none in the table' : known.join(', ')}`);
}

function lastSegment(fullName: string): string {
  const parts = fullName.split('/');
  return parts[parts.length - 1] ?? fullName;
}

/** Resolves a field of a resource, honouring the elements of enclosing field counts. */
export function resolveField(field: string, resource: ArmResource, frames: readonly CountFrame[]): FieldValue {
  const lowerField = field.toLowerCase();
  const single = (value: unknown): FieldValue => ({ many: false, value });
  switch (lowerField) {
    case 'name':
      return single(lastSegment(resource.name));
    case 'fullname':
      return single(resource.name);
    case 'type':
      return single(policyResourceType(resource.type));
    case 'kind':
      return single(resource.kind);
    case 'location':
      return single(resource.location);
    case 'id':
      return single(resource.id);
    case 'tags':
      return single(resource.tags ?? {});
    case 'identity.type':
      return single(getKeyCi(resource.identity, 'type'));
    case 'identity.userassignedidentities':
      return single(getKeyCi(resource.identity, 'userAssignedIdentities'));
  }
  const tag = tagNameOf(field);
  if (tag !== undefined) return single(getKeyCi(resource.tags, tag));

  const alias = lookupAlias(field);
  if (alias === undefined) {
    checkFieldName(field);
    throw new RuleError('', `unknown field "${field}"`);
  }
  // Inside `count` over an array alias, paths under the counted array resolve against the current element.
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i]!;
    if (frame.kind !== 'field' || frame.path === undefined) continue;
    const prefix = frame.path.toLowerCase();
    const lowerPath = alias.path.toLowerCase();
    if (lowerPath === prefix) return single(frame.element);
    if (lowerPath.startsWith(`${prefix}.`)) return resolvePath(frame.element, alias.path.slice(prefix.length + 1));
  }
  if (alias.resourceType.toLowerCase() !== policyResourceType(resource.type).toLowerCase()) {
    // An alias of another type does not exist on this resource.
    return alias.path.includes('[*]') ? { many: true, values: [] } : single(undefined);
  }
  return resolvePath(resource, alias.path);
}

/** The JSON path of an array alias used by a field count (must contain `[*]`). */
export function countedArrayPath(field: string): string {
  const alias = lookupAlias(field);
  if (alias === undefined) {
    checkFieldName(field);
    throw new RuleError('', `count.field "${field}" is not an array alias`, 'a field count needs an alias ending in [*]');
  }
  if (!alias.path.endsWith('[*]')) throw new RuleError('', `count.field "${field}" is not an array alias`, 'a field count needs an alias ending in [*]');
  return alias.path;
}

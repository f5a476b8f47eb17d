// What changes between two resource lists: resources added and removed (by id), and for each changed
// resource the JSON paths that differ, with their values before and after.
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import type { Styles } from '@complianceflow/core/text/style.ts';
import { resourceKey, type Resource } from './resources.ts';

export interface ValueChange {
  path: string;
  /** undefined: the path did not exist on that side. */
  before: JsonValue | undefined;
  after: JsonValue | undefined;
}

export interface ResourceChange {
  id: string;
  type: string;
  name: string;
  changes: ValueChange[];
}

export interface ResourceDiff {
  added: Resource[];
  removed: Resource[];
  changed: ResourceChange[];
}

export function isEmptyDiff(diff: ResourceDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path === '' ? key : `${path}.${key}`) : `${path}[${JSON.stringify(key)}]`;
}

/** Arrays whose items are all objects with distinct string names (subnets, rules) are matched by name. */
function namedItems(value: JsonValue[]): Map<string, JsonValue> | undefined {
  const byName = new Map<string, JsonValue>();
  for (const item of value) {
    const name = isObject(item) ? item['name'] : undefined;
    if (typeof name !== 'string' || byName.has(name)) return undefined;
    byName.set(name, item);
  }
  return byName;
}

export function diffValues(before: JsonValue | undefined, after: JsonValue | undefined, path = '', out: ValueChange[] = []): ValueChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) diffValues(before[key], after[key], childPath(path, key), out);
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const namedBefore = namedItems(before);
    const namedAfter = namedItems(after);
    if (namedBefore !== undefined && namedAfter !== undefined && (before.length > 0 || after.length > 0)) {
      const names = [...new Set([...namedBefore.keys(), ...namedAfter.keys()])];
      for (const name of names) diffValues(namedBefore.get(name), namedAfter.get(name), `${path}[name=${name}]`, out);
      return out;
    }
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffValues(before[i], after[i], `${path}[${i}]`, out);
    return out;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path: path === '' ? '(root)' : path, before, after });
  return out;
}

export function diffResources(before: readonly Resource[], after: readonly Resource[]): ResourceDiff {
  const key = (r: Resource) => resourceKey(r).toLowerCase();
  const beforeByKey = new Map(before.map((r) => [key(r), r]));
  const afterByKey = new Map(after.map((r) => [key(r), r]));
  const diff: ResourceDiff = { added: [], removed: [], changed: [] };
  for (const resource of after) if (!beforeByKey.has(key(resource))) diff.added.push(resource);
  for (const resource of before) if (!afterByKey.has(key(resource))) diff.removed.push(resource);
  for (const resource of after) {
    const old = beforeByKey.get(key(resource));
    if (old === undefined) continue;
    const changes = diffValues(old, resource);
    if (changes.length > 0) diff.changed.push({ id: resourceKey(resource), type: String(resource['type']), name: String(resource['name']), changes });
  }
  return diff;
}

function show(value: JsonValue | undefined): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function renderDiff(title: string, diff: ResourceDiff, c: Styles): string {
  if (isEmptyDiff(diff)) return `${title}: ${c.green('no changes')}`;
  const counts = `${diff.added.length} to add, ${diff.removed.length} to remove, ${diff.changed.length} to change`;
  const lines = [c.bold(`${title}: ${counts}`)];
  for (const r of diff.added) lines.push(c.green(`  + ${r['type']} ${r['name']}`) + c.dim(`  ${resourceKey(r)}`));
  for (const r of diff.removed) lines.push(c.red(`  - ${r['type']} ${r['name']}`) + c.dim(`  ${resourceKey(r)}`));
  for (const r of diff.changed) {
    lines.push(c.yellow(`  ~ ${r.type} ${r.name}`) + c.dim(`  ${r.id}`));
    for (const change of r.changes) lines.push(`      ${change.path}: ${c.red(show(change.before))} → ${c.green(show(change.after))}`);
  }
  return lines.join('\n');
}

// Property deltas between two resource bodies, as what-if reports them
// (specification/resources/resource-manager/Microsoft.Resources/deployments/stable/2025-04-01/deployments.json#/definitions/WhatIfPropertyChange:
//  path, propertyChangeType Create|Delete|Modify|Array|NoEffect, before, after, children).
import { isJsonObject as isObject } from '@complianceflow/core/json.ts';

export interface PropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** The changes from `before` to `after`, leaves flattened to dotted paths, arrays as Array with children. */
export function propertyDelta(before: unknown, after: unknown, path = ''): PropertyChange[] {
  if (equal(before, after)) return [];
  const at = (k: string): string => (path === '' ? k : `${path}.${k}`);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => propertyDelta(before[k], after[k], at(k)));
  }
  // A whole object appearing or disappearing is reported leaf by leaf, as ARM does (tags.myNewTag).
  if (before === undefined && isObject(after) && Object.keys(after).length > 0) return propertyDelta({}, after, path);
  if (after === undefined && isObject(before) && Object.keys(before).length > 0) return propertyDelta(before, {}, path);
  if (before === undefined) return [{ path, propertyChangeType: 'Create', after }];
  if (after === undefined) return [{ path, propertyChangeType: 'Delete', before }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const children: PropertyChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const b = before[i];
      const a = after[i];
      if (equal(b, a)) continue;
      if (b === undefined) children.push({ path: String(i), propertyChangeType: 'Create', after: a });
      else if (a === undefined) children.push({ path: String(i), propertyChangeType: 'Delete', before: b });
      else if (isObject(a) && isObject(b)) children.push({ path: String(i), propertyChangeType: 'Modify', children: propertyDelta(b, a) });
      else children.push({ path: String(i), propertyChangeType: 'Modify', before: b, after: a });
    }
    return [{ path, propertyChangeType: 'Array', children }];
  }
  return [{ path, propertyChangeType: 'Modify', before, after }];
}

/** The same delta in the stack what-if spelling (changeType camelCase: create/delete/modify/array/noEffect). */
export interface StackPropertyChange {
  path: string;
  changeType: string;
  before?: unknown;
  after?: unknown;
  children?: StackPropertyChange[];
}
export function toStackDelta(changes: PropertyChange[]): StackPropertyChange[] {
  return changes.map((c) => {
    const out: StackPropertyChange = { path: c.path, changeType: c.propertyChangeType === 'NoEffect' ? 'noEffect' : c.propertyChangeType.toLowerCase() };
    if ('before' in c) out.before = c.before;
    if ('after' in c) out.after = c.after;
    if (c.children !== undefined) out.children = toStackDelta(c.children);
    return out;
  });
}

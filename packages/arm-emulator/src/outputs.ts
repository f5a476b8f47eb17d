// Outputs: the snapshot leaves runtime-only values as "[…]" expression strings built around
// reference('<id>', …) / listKeys('<id>', …). Evaluate those (expression.ts) against the resources
// the emulator holds; what cannot be evaluated stays as it is and is reported as unresolved.
import { evaluate, Unresolvable } from './expression.ts';
import { key } from './ids.ts';
import type { StoredResource } from './state.ts';

export function resolveExpression(text: string, lookup: (id: string) => StoredResource | undefined): { value: unknown; resolved: boolean } {
  if (!text.startsWith('[') || text.startsWith('[[') || !text.endsWith(']')) return { value: text, resolved: true };
  const held = (id: string): StoredResource => {
    const r = lookup(id);
    if (r === undefined) throw new Unresolvable(`'${id}' is not held by the emulator`);
    return r;
  };
  try {
    const value = evaluate(text.slice(1, -1), {
      reference: (id, full) => (full ? held(id).body : held(id).body.properties),
      listKeys: (id) => {
        const keys = held(id).keys;
        if (keys === undefined) throw new Unresolvable(`'${id}' has no keys`);
        return keys;
      },
    });
    return { value, resolved: true };
  } catch (error) {
    if (error instanceof Unresolvable) return { value: text, resolved: false };
    throw error;
  }
}

/** Resolves every expression string inside a value; returns the new value and the strings left unresolved. */
export function resolveOutputs(value: unknown, resources: Record<string, StoredResource>): { value: unknown; unresolved: string[] } {
  const unresolved: string[] = [];
  const lookup = (id: string): StoredResource | undefined => resources[key(id)];
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const r = resolveExpression(v, lookup);
      if (!r.resolved) unresolved.push(v);
      return r.value;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return { value: visit(value), unresolved };
}

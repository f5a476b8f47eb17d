// Outputs: the snapshot leaves runtime-only values as "[reference('<id>', '<ver>'[, 'Full']).path]"
// or "[listKeys('<id>', '<ver>').path]" strings; resolve those against the resources the emulator
// holds (best effort). Anything else stays as it is and is reported as unresolved.
import { key } from './ids.ts';
import type { StoredResource } from './state.ts';

const call = /^\[(reference|listKeys)\('([^']+)'(?:,\s*'([^']*)')?(?:,\s*'(Full)')?\)((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\['[^']*'\])*)\]$/;

function walk(value: unknown, steps: string): unknown {
  const tokens = steps.match(/\.[A-Za-z_$][\w$]*|\[\d+\]|\['[^']*'\]/g) ?? [];
  let current = value;
  for (const t of tokens) {
    const k = t.startsWith('.') ? t.slice(1) : t.startsWith("['") ? t.slice(2, -2) : Number(t.slice(1, -1));
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof k === 'string' && !Array.isArray(current)) {
      // ARM property names are case-insensitive
      const entry = Object.entries(current as Record<string, unknown>).find(([name]) => name.toLowerCase() === k.toLowerCase());
      current = entry?.[1];
    } else current = (current as Record<string | number, unknown>)[k];
  }
  return current;
}

export function resolveExpression(text: string, lookup: (id: string) => StoredResource | undefined): { value: unknown; resolved: boolean } {
  const m = call.exec(text);
  if (m === null) return { value: text, resolved: !text.startsWith('[') || text.startsWith('[[') };
  const [, fn, id, , full, path] = m;
  const resource = lookup(id!);
  if (resource === undefined) return { value: text, resolved: false };
  const root = fn === 'listKeys' ? resource.keys : full === 'Full' ? resource.body : resource.body.properties;
  const value = walk(root, path ?? '');
  return value === undefined ? { value: text, resolved: false } : { value, resolved: true };
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

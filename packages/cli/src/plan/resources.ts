// The predicted resources of a snapshot, in a stable shape: sorted by id, keys in a fixed order.
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';

export type Resource = { [key: string]: JsonValue };

const leadingKeys = ['id', 'type', 'name', 'apiVersion', 'location', 'kind', 'sku', 'identity', 'zones', 'tags', 'properties'];

function keyOrder(a: string, b: string): number {
  const ia = leadingKeys.indexOf(a);
  const ib = leadingKeys.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? leadingKeys.length : ia) - (ib < 0 ? leadingKeys.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy with every object's keys in a stable order (arrays keep their order: it can mean something). */
export function stableKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stableKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort(keyOrder)) out[key] = stableKeys(value[key]!);
  return out;
}

function text(resource: Resource, key: string): string {
  const value = resource[key];
  return typeof value === 'string' ? value : '';
}

export function resourceKey(resource: Resource): string {
  return text(resource, 'id') || `${text(resource, 'type')}/${text(resource, 'name')}`;
}

/** Sorted by id (case-insensitive, as ARM compares ids), keys in a stable order. */
export function normalizeResources(predicted: readonly Record<string, unknown>[]): Resource[] {
  const resources = predicted.map((r) => stableKeys(r as JsonValue) as Resource);
  return resources.sort((a, b) => {
    const ka = resourceKey(a).toLowerCase();
    const kb = resourceKey(b).toLowerCase();
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

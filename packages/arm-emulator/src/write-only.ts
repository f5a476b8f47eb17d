// Write-only properties: a PUT may carry them, ARM never answers with them (GET, what-if) and
// what-if does not compare them (a password passed only at creation is no change later).
import { asObject } from './http.ts';

const writeOnly: Record<string, readonly string[]> = {
  'microsoft.dbforpostgresql/flexibleservers': ['administratorLoginPassword'],
  'microsoft.keyvault/vaults/secrets': ['value'],
};

/** A copy of a resource body (or its declared part) without the type's write-only properties. */
export function withoutWriteOnly(type: string, body: Record<string, unknown>): Record<string, unknown> {
  const hidden = writeOnly[type.toLowerCase()];
  const properties = asObject(body.properties);
  if (hidden === undefined || properties === undefined || !hidden.some((p) => p in properties)) return body;
  return { ...body, properties: Object.fromEntries(Object.entries(properties).filter(([k]) => !hidden.includes(k))) };
}

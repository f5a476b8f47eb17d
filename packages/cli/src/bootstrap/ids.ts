// Deterministic GUID names and the built-in roles bootstrap assigns (resource ids:
// packages/core/src/arm/ids.ts; api-versions: arm/api-versions.ts).
import { createHash } from 'node:crypto';

/** A GUID derived from text (name of role definitions and assignments): the same inputs, the same GUID. */
export function deterministicGuid(text: string): string {
  const h = createHash('sha256').update(text.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Built-in role definition GUIDs (the same in every tenant). */
export const builtInRoles = {
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  'Storage Blob Delegator': 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
} as const;

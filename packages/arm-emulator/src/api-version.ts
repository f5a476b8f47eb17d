// api-version checks as ARM makes them: missing → MissingApiVersionParameter; for Microsoft.Resources'
// own endpoints an unsupported one → InvalidApiVersionParameter; for other providers → NoRegisteredProviderFound.
import { findProvider, findType, wellFormedApiVersion } from './catalog.ts';
import { invalidApiVersion, invalidNamespace, invalidResourceType, missingApiVersion, noRegisteredProvider } from './errors.ts';
import type { Request } from './http.ts';

export function requireApiVersion(req: Request): string {
  const v = req.query.get('api-version');
  if (v === null || v === '') throw missingApiVersion();
  return v;
}

/** Checks the request's api-version against a full type; returns the version and the catalogue's type spelling. */
export function checkApiVersion(req: Request, fullType: string): { apiVersion: string; type: string } {
  const apiVersion = requireApiVersion(req);
  const namespace = fullType.split('/')[0] ?? '';
  if (findProvider(namespace) === undefined) throw invalidNamespace(namespace);
  const found = findType(fullType);
  if (found === undefined) throw invalidResourceType(fullType.split('/').slice(1).join('/'), namespace, apiVersion);
  const supported = found.versions === 'any' ? [] : found.versions;
  const ok = found.versions === 'any' ? wellFormedApiVersion(apiVersion) : found.versions.includes(apiVersion);
  if (!ok) {
    if (!wellFormedApiVersion(apiVersion) || namespace.toLowerCase() === 'microsoft.resources') throw invalidApiVersion(apiVersion, supported);
    throw noRegisteredProvider(found.type, apiVersion, supported);
  }
  return { apiVersion, type: found.type };
}

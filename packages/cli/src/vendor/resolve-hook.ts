// Points the project's imports of its npm dependencies at their bundle (manifest.ts), through
// Node's synchronous module hooks (https://nodejs.org/api/module.html#customization-hooks). Only
// `import` and `import()` from the project's own sources are redirected: node_modules code, and the
// createRequire() loads of ajv and yaml, resolve as always. Without a current bundle, or on a Node
// without module.registerHooks, nothing changes: every import resolves from node_modules.
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isCurrent, readManifest, sourcesRoot, vendorDir, type VendorManifest } from './manifest.ts';

const sourcesUrl = `${pathToFileURL(sourcesRoot).href}/`;

/** The bundled module's URL for `specifier` imported by `parentURL`, or undefined to resolve it as usual. */
export function vendoredUrl(urls: ReadonlyMap<string, string>, specifier: string, parentURL: string | undefined, conditions: readonly string[] = ['import']): string | undefined {
  if (parentURL === undefined || !parentURL.startsWith(sourcesUrl) || !conditions.includes('import')) return undefined;
  return urls.get(specifier);
}

export function vendorUrls(manifest: VendorManifest, dir: string): Map<string, string> {
  return new Map(Object.entries(manifest.entries).map(([specifier, file]) => [specifier, pathToFileURL(path.join(dir, file)).href]));
}

/** Registers the hook when a bundle exists; a stale one is found out, and then ignored, at the first import it would answer. */
export function useVendorBundle(dir = vendorDir): void {
  const manifest = typeof module.registerHooks === 'function' ? readManifest(dir) : undefined;
  if (manifest === undefined) return;
  const urls = vendorUrls(manifest, dir);
  let current: boolean | undefined;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = vendoredUrl(urls, specifier, context.parentURL, context.conditions);
      return url !== undefined && (current ??= isCurrent(manifest)) ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}

#!/usr/bin/env node
// Bundles the npm packages cf-infra imports into node_modules/.cache/cf-infra-vendor
// (packages/cli/src/vendor/manifest.ts says why). scripts/setup.sh runs it after npm ci; so does
// `npm run vendor:bundle` after an npm install. Which packages: every bare specifier that
// cf-infra's sources import, statically or with import(), found by esbuild walking them from
// cli.ts. Each gets an entry module that re-exports exactly the names Node gives it (for a CommonJS
// package: module.exports as default and the names Node's lexer finds); code shared between
// packages goes into shared chunks, so each package exists once. Before it is put in place, every
// entry must export the same names as the package itself and every module must load; any failure
// leaves no bundle (cf-infra then loads the packages from node_modules, as without one) and exits
// non-zero.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { installedPackagesStamp, manifestFile, vendorDir, type VendorManifest } from '@complianceflow/cli/vendor/manifest.ts';

const cliEntry = path.join(repoRoot, 'packages', 'cli', 'src', 'cli.ts');
const identifier = /^[A-Za-z_$][\w$]*$/;

/** The bare specifiers cf-infra's sources import (the workspace's own @complianceflow packages are sources, not dependencies). */
async function importedPackages(): Promise<string[]> {
  const found = new Set<string>();
  const dependenciesExternal: Plugin = {
    name: 'dependencies-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@complianceflow/')) return undefined;
        if (!isBuiltin(args.path) && args.kind !== 'require-call') found.add(args.path);
        return { path: args.path, external: true };
      });
    },
  };
  await build({ entryPoints: [cliEntry], bundle: true, write: false, platform: 'node', format: 'esm', outdir: 'unused', logLevel: 'silent', plugins: [dependenciesExternal] });
  return [...found].sort();
}

interface Exported {
  names: string[];
  hasDefault: boolean;
}

/** The names `import * as ns from specifier` has under Node, without default (said apart) and 'module.exports'. */
async function exportedNames(specifier: string): Promise<Exported> {
  const keys = Object.keys((await import(specifier)) as object);
  return { names: keys.filter((k) => identifier.test(k) && k !== 'default').sort(), hasDefault: keys.includes('default') };
}

/** A bundled package: its module in the bundle (relative to the manifest) and what the package itself exports. */
interface Entry {
  file: string;
  exported: Exported;
}

const entryName = (specifier: string): string => specifier.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+/, '');

/** An entry module re-exporting exactly what the package exports. */
function entryModule(specifier: string, { names, hasDefault }: Exported): string {
  const from = JSON.stringify(specifier);
  const lines = names.length > 0 ? [`export { ${names.join(', ')} } from ${from};`] : [];
  if (hasDefault) lines.push(`export { default } from ${from};`);
  return `${lines.join('\n')}\n`;
}

async function bundle(staging: string, specifiers: readonly string[]): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const entryPoints: Record<string, string> = {};
  for (const specifier of specifiers) {
    const name = entryName(specifier);
    const exported = await exportedNames(specifier);
    entryPoints[name] = path.join(staging, 'entries', `${name}.mjs`);
    writeFileSync(entryPoints[name], entryModule(specifier, exported));
    entries.set(specifier, { file: `modules/${name}.js`, exported });
  }
  await build({
    entryPoints,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    outdir: path.join(staging, 'modules'),
    absWorkingDir: repoRoot,
    logLevel: 'error',
    legalComments: 'none',
    // CommonJS code in the bundle require()s Node's built-ins and may name __dirname (ioredis, in an
    // error's stack); an ES module has neither. `var`: a bundled module may declare them too.
    banner: {
      js: [
        "import { createRequire as __cfVendorCreateRequire } from 'node:module';",
        "import { fileURLToPath as __cfVendorFileURLToPath } from 'node:url';",
        'const require = __cfVendorCreateRequire(import.meta.url);',
        'var __filename = __cfVendorFileURLToPath(import.meta.url), __dirname = __cfVendorFileURLToPath(new URL(".", import.meta.url));',
      ].join('\n'),
    },
  });
  // ES modules, whatever the project's package.json says.
  writeFileSync(path.join(staging, 'modules', 'package.json'), '{ "type": "module" }\n');
  return entries;
}

/** Every entry exports what the package does under Node, and every module of the bundle loads (the chunks only import() reaches too). */
async function verify(staging: string, entries: ReadonlyMap<string, Entry>): Promise<void> {
  for (const [specifier, { file, exported }] of entries) {
    const actual = await exportedNames(pathToFileURL(path.join(staging, file)).href);
    if (JSON.stringify(actual) !== JSON.stringify(exported)) throw new Error(`the bundle of ${specifier} exports other names than the package`);
  }
  for (const file of readdirSync(path.join(staging, 'modules')).filter((f) => f.endsWith('.js'))) await import(pathToFileURL(path.join(staging, 'modules', file)).href);
}

async function main(): Promise<number> {
  const stamp = installedPackagesStamp();
  if (stamp === undefined) {
    console.error('bundle-vendor: no node_modules/.package-lock.json: run npm ci first');
    return 2;
  }
  const staging = `${vendorDir}.new`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'entries'), { recursive: true });
  try {
    const specifiers = await importedPackages();
    const entries = await bundle(staging, specifiers);
    await verify(staging, entries);
    const manifest: VendorManifest = { format: 1, stamp, entries: Object.fromEntries([...entries].map(([specifier, { file }]) => [specifier, file])) };
    writeFileSync(manifestFile(staging), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(path.join(staging, 'entries'), { recursive: true });
    rmSync(vendorDir, { recursive: true, force: true });
    renameSync(staging, vendorDir);
    console.log(`bundled ${specifiers.length} packages cf-infra imports into ${path.relative(repoRoot, vendorDir)}`);
    return 0;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(vendorDir, { recursive: true, force: true });
    console.error(`bundle-vendor: ${(error as Error).message} (cf-infra loads its packages from node_modules instead)`);
    return 1;
  }
}

process.exitCode = await main();

#!/usr/bin/env node
// The cf-infra executable. JavaScript, not TypeScript, so that Node's module compile cache
// (https://nodejs.org/api/module.html#module-compile-cache) is on before the first TypeScript file
// loads: with the cache warm every module, type-stripped TypeScript included, comes from V8's code
// cache, and Node never loads its TypeScript stripper (about 0.1 s of every command). The cache
// lives in os.tmpdir() (NODE_COMPILE_CACHE moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it off).
// Then the npm dependencies come from their bundle when it is current (src/vendor/manifest.ts).
import { enableCompileCache } from 'node:module';

enableCompileCache();
const { useVendorBundle } = await import('../src/vendor/resolve-hook.ts');
useVendorBundle();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));

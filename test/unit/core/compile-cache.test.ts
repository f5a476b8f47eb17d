// The compile cache with a counting compiler: what makes a new key, what is reused, what survives a
// crash. The real Bicep CLI behind it: test/integration/plan/compile-once.test.ts.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bicep } from '@complianceflow/core/bicep/index.ts';
import { compileCached, compileKey } from '@complianceflow/core/bicep/compile-cache.ts';

function project(): { dir: string; main: string; config: string; cache: string; exe: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-compile-cache-'));
  writeFileSync(path.join(dir, 'bicep-exe'), 'version 1');
  mkdirSync(path.join(dir, 'bicep', 'modules'), { recursive: true });
  writeFileSync(path.join(dir, 'bicep', 'main.bicep'), "module m 'modules/m.bicep' = { name: 'm' }\n");
  writeFileSync(path.join(dir, 'bicep', 'modules', 'm.bicep'), "output x string = 'a'\n");
  writeFileSync(path.join(dir, 'bicepconfig.json'), '{}\n');
  return { dir, main: path.join(dir, 'bicep', 'main.bicep'), config: path.join(dir, 'bicepconfig.json'), cache: path.join(dir, '.cache', 'bicep'), exe: path.join(dir, 'bicep-exe') };
}

/** A compiler whose executable is `bicepPath` (its path, size and time are part of every key). */
function countingCompiler(bicepPath: string): Bicep & { calls: number } {
  const compiler = {
    bicepPath,
    calls: 0,
    async compile() {
      compiler.calls += 1;
      return { template: { call: compiler.calls }, diagnostics: [] };
    },
  };
  return compiler as unknown as Bicep & { calls: number };
}

describe('compile cache (core/bicep/compile-cache.ts)', function () {
  const dirs: string[] = [];
  const fresh = () => {
    const p = project();
    dirs.push(p.dir);
    return p;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a second compile of unchanged inputs is answered from the cache; --no-cache (no dir) compiles again', async () => {
    const p = fresh();
    const bicep = countingCompiler(p.exe);
    const first = await compileCached(bicep, p.main, { cacheDir: p.cache, configFile: p.config });
    const second = await compileCached(bicep, p.main, { cacheDir: p.cache, configFile: p.config });
    expect(bicep.calls).to.equal(1);
    expect(second).to.deep.equal(first);
    await compileCached(bicep, p.main, { cacheDir: undefined, configFile: p.config });
    expect(bicep.calls).to.equal(2);
    expect(readdirSync(p.cache).filter((f) => !f.endsWith('.json'))).to.deep.equal([]);
  });

  it('any input change is a new key: a module, bicepconfig.json, the Bicep executable, the strictness, a new file', async () => {
    const p = fresh();
    const options = { cacheDir: p.cache, configFile: p.config };
    const keys = new Set<string>();
    const add = async (bicep: Bicep = countingCompiler(p.exe), strict = true) => keys.add(await compileKey(bicep, p.main, { ...options, strict }));
    await add();
    await add();
    expect(keys.size).to.equal(1);
    writeFileSync(path.join(p.dir, 'bicep', 'modules', 'm.bicep'), "output x string = 'b'\n");
    await add();
    writeFileSync(p.config, '{ "analyzers": {} }\n');
    await add();
    writeFileSync(p.exe, 'version 2, reinstalled');
    await add();
    await add(countingCompiler(p.exe), false);
    writeFileSync(path.join(p.dir, 'bicep', 'modules', 'n.bicep'), '');
    await add();
    expect(keys.size).to.equal(6);
  });

  it('a torn entry or a crashed writer\'s temp file and stale lock are not taken for a result', async () => {
    const p = fresh();
    const bicep = countingCompiler(p.exe);
    const options = { cacheDir: p.cache, configFile: p.config };
    const key = await compileKey(bicep, p.main, options);
    mkdirSync(p.cache, { recursive: true });
    writeFileSync(path.join(p.cache, `${key}.json`), '{"template": {"tor');
    writeFileSync(path.join(p.cache, `${key}.json.1.tmp`), '{}');
    const compiled = await compileCached(bicep, p.main, options);
    expect(compiled.template).to.deep.equal({ call: 1 });
    expect((await compileCached(bicep, p.main, options)).template).to.deep.equal({ call: 1 });
    expect(bicep.calls).to.equal(1);
  });

  it('concurrent compiles of one entry: one compiler runs, the others wait for its entry', async () => {
    const p = fresh();
    const bicep = countingCompiler(p.exe);
    const slow = { ...bicep, compile: async () => { await new Promise((r) => setTimeout(r, 300)); return bicep.compile('', {}); } } as Bicep;
    const results = await Promise.all([1, 2, 3, 4].map(() => compileCached(slow, p.main, { cacheDir: p.cache, configFile: p.config })));
    expect(bicep.calls).to.equal(1);
    expect(results.map((r) => r.template)).to.deep.equal([1, 2, 3, 4].map(() => ({ call: 1 })));
  });
});

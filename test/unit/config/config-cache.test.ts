// What the configuration reader keeps on disk (config-cache.ts): a clean YAML parse and a clean
// schema check are read back for the same input, a changed input is a new entry, and a problem,
// data JSON cannot hold exactly, a torn entry or a cache that cannot be written never changes what
// the reader answers.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { checkSchema, registrySchemas } from '@complianceflow/cli/config/schema-files.ts';
import { parseYaml } from '@complianceflow/cli/config/yaml-file.ts';

describe('configuration cache (clean parses and schema checks kept on disk)', () => {
  let cacheDir: string;
  const entries = () => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);
  const only = () => {
    expect(entries()).to.have.length(1);
    return path.join(cacheDir, entries()[0]!);
  };
  beforeEach(() => (cacheDir = path.join(mkdtempSync(path.join(tmpdir(), 'cf-config-cache-')), 'cache')));
  afterEach(() => rmSync(path.dirname(cacheDir), { recursive: true, force: true }));

  it('a clean parse is read back for the same text, and a changed text is a new entry', () => {
    expect(parseYaml('a: 1\nb: [x, y]\n', 'f.yaml', cacheDir)).to.deep.equal({ ok: true, file: 'f.yaml', data: { a: 1, b: ['x', 'y'] } });
    // What the entry holds is what the next parse of that text answers: the parser does not run.
    writeFileSync(only(), JSON.stringify({ from: 'the entry' }));
    expect(parseYaml('a: 1\nb: [x, y]\n', 'g.yaml', cacheDir)).to.deep.equal({ ok: true, file: 'g.yaml', data: { from: 'the entry' } });
    expect(parseYaml('a: 2\nb: [x, y]\n', 'f.yaml', cacheDir)).to.deep.equal({ ok: true, file: 'f.yaml', data: { a: 2, b: ['x', 'y'] } });
    expect(entries()).to.have.length(2);
  });

  it('a text with a problem is never kept: each parse names the problem itself', () => {
    for (let i = 0; i < 2; i++) {
      const parsed = parseYaml('a: 1\na: 2\n', 'dup.yaml', cacheDir);
      expect(parsed.ok).to.equal(false);
      expect(parsed.ok ? '' : parsed.problem).to.match(/^dup\.yaml:2:1: invalid YAML: .*unique/i);
    }
    expect(entries()).to.deep.equal([]);
  });

  it('data JSON cannot hold exactly (.nan, .inf, -0) is parsed every time, never kept', () => {
    const parsed = parseYaml('a: .nan\nb: -.inf\nc: -0\n', 'f.yaml', cacheDir);
    expect(parsed.ok && parsed.data).to.deep.equal({ a: NaN, b: -Infinity, c: -0 });
    expect(entries()).to.deep.equal([]);
  });

  it('a torn entry is a miss: the text is parsed again and the entry rewritten', () => {
    parseYaml('a: 1\n', 'f.yaml', cacheDir);
    writeFileSync(only(), '{"a":');
    expect(parseYaml('a: 1\n', 'f.yaml', cacheDir)).to.deep.equal({ ok: true, file: 'f.yaml', data: { a: 1 } });
    expect(parseYaml('a: 1\n', 'f.yaml', cacheDir)).to.deep.equal({ ok: true, file: 'f.yaml', data: { a: 1 } });
  });

  it('a cache that cannot be written changes nothing but the time', () => {
    writeFileSync(path.join(path.dirname(cacheDir), 'file'), '');
    const blocked = path.join(path.dirname(cacheDir), 'file', 'cache');
    expect(parseYaml('a: 1\n', 'f.yaml', blocked)).to.deep.equal({ ok: true, file: 'f.yaml', data: { a: 1 } });
    expect(checkSchema(registrySchemas.regions, { westeu: { location: 'westeurope', displayName: 'West Europe' } }, blocked)).to.deep.equal([]);
  });

  it('a clean schema check is kept for that data only: other data is checked, and a problem is never kept', () => {
    const data = { westeu: { location: 'westeurope', displayName: 'West Europe' } };
    expect(checkSchema(registrySchemas.regions, data, cacheDir)).to.deep.equal([]);
    const kept = only();
    expect(readFileSync(kept, 'utf8')).to.equal('true');
    // An entry that does not say "clean" is a miss: the data is checked again and the entry rewritten.
    writeFileSync(kept, 'false');
    expect(checkSchema(registrySchemas.regions, data, cacheDir)).to.deep.equal([]);
    expect(readFileSync(kept, 'utf8')).to.equal('true');
    const broken = { westeu: { ...data.westeu, location: 'West Europe' } };
    const problems = checkSchema(registrySchemas.regions, broken, cacheDir);
    expect(problems.map((p) => p.message).join('\n')).to.match(/location/);
    expect(checkSchema(registrySchemas.regions, broken, cacheDir)).to.deep.equal(problems);
    expect(entries()).to.deep.equal([path.basename(kept)]);
  });

  it('the CIDR format a kept schema check depends on is one file: cidr/ipv4.ts imports nothing (its text is in the key)', () => {
    const source = readFileSync(path.join(repoRoot, 'packages/cli/src/cidr/ipv4.ts'), 'utf8');
    expect(source).to.not.match(/^\s*(import|export .* from)\b/m);
  });
});

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { projectBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { bicepString, toBicepLiteral, type JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { renderParametersFile } from '@complianceflow/core/bicep/parameters-file.ts';

describe('JSON → Bicep literals', () => {
  it('writes single-quoted strings with escapes', () => {
    expect(bicepString("it's")).to.equal("'it\\'s'");
    expect(bicepString('a\\b')).to.equal("'a\\\\b'");
    expect(bicepString('${x} and $y')).to.equal("'\\${x} and $y'");
    expect(bicepString('l1\nl2\r\tz')).to.equal("'l1\\nl2\\r\\tz'");
    expect(bicepString('\u0001')).to.equal("'\\u{1}'");
  });

  it('writes objects and arrays on several lines, quoting keys that are not identifiers', () => {
    const value: JsonValue = { name: 'x', 'odd-key': [1, true, null], if: {}, list: [] };
    expect(toBicepLiteral(value)).to.equal(`{
  name: 'x'
  'odd-key': [
    1
    true
    null
  ]
  'if': {}
  list: []
}`);
  });

  it('writes non-integers through json() and refuses what has no literal', () => {
    expect(toBicepLiteral(1.5)).to.equal("json('1.5')");
    expect(toBicepLiteral(-7)).to.equal('-7');
    expect(() => toBicepLiteral({ a: [Number.NaN] })).to.throw('value.a[0]: NaN has no Bicep literal');
  });

  it('renders a parameters file with a relative using path', () => {
    const text = renderParametersFile('/repo/bicep/main.bicep', '/repo/.cache/plan/d/main.bicepparam', { location: 'westeurope', count: 2 }, 'Generated.');
    expect(text).to.equal("// Generated.\nusing '../../../bicep/main.bicep'\n\nparam location = 'westeurope'\nparam count = 2\n");
  });

  describe('round trip through the real Bicep compiler', () => {
    let dir: string;
    let bicep: Bicep;
    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'cf-literal-'));
      bicep = await openBicep({ locate: { env: { BICEP_PATH: projectBicepPath } } });
    });
    after(async () => {
      await bicep?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    // A top-level `param x = null` counts as no assignment in Bicep; null is tested nested.
    it('compileParams gives back exactly the JSON values', async () => {
      const parameters: Record<string, JsonValue> = {
        text: "quote ' backslash \\ interpolation ${notAVariable} newline\nunicode é€ 😀 tab\tend",
        count: -42,
        big: 9007199254740991,
        ratio: 0.25,
        enabled: false,
        list: ['a', 1, true, null, [], {}, ['nested']],
        settings: { 'key-with-dash': 'v', 'key with space': { deep: [{ name: 'rule', priority: 100 }] }, if: 'keyword', empty: {}, 'it\'s': 'quoted' },
      };
      const declarations = Object.entries(parameters)
        .map(([name, value]) => `param ${name} ${value === null || typeof value === 'number' && !Number.isInteger(value) ? 'any' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value === 'number' ? 'int' : typeof value === 'boolean' ? 'bool' : 'string'}`)
        .join('\n');
      const outputs = Object.keys(parameters).map((name) => `output ${name} ${'any'} = ${name}`).join('\n');
      writeFileSync(path.join(dir, 'main.bicep'), `${declarations}\n${outputs}\n`);
      const paramsFile = path.join(dir, 'main.bicepparam');
      writeFileSync(paramsFile, renderParametersFile(path.join(dir, 'main.bicep'), paramsFile, parameters, 'round trip'));
      const compiled = await bicep.compileParams(paramsFile, { strict: false });
      const values = Object.fromEntries(Object.entries(compiled.parameters['parameters'] as Record<string, { value: JsonValue }>).map(([k, v]) => [k, v.value]));
      expect(values).to.deep.equal(parameters);
    });
  });
});

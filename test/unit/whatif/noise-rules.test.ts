// What-if noise rules as data (deployments/what-if-rules.yaml): the path pattern syntax, matching by
// type and path, the "suppressed (N)" section in text, markdown and JSON, expiry on an injected day,
// and the specific file:line:column problems of a bad rules file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { loadNoiseRules, noiseRulesFromText, describeExpired } from '@complianceflow/cli/config/what-if-rules.ts';
import {
  compileNoiseRules,
  matchNoiseRule,
  normaliseStackWhatIf,
  parsePathPattern,
  renderJson,
  renderMarkdown,
  renderText,
  type NoiseRule,
  type WhatIfModel,
} from '@complianceflow/cli/whatif/index.ts';

const file = 'deployments/what-if-rules.yaml';
const header = '# yaml-language-server: $schema=schemas/what-if-rules.schema.json\nrules:\n';
const rule = (type: string, pattern: string, expires = '2027-01-31'): NoiseRule => ({ type, path: pattern, reason: 'a reason long enough', expires });
const matches = (pattern: string, target: string, type = '*', resourceType = 'Microsoft.Network/virtualNetworks'): boolean =>
  matchNoiseRule(compileNoiseRules([rule(type, pattern)]), resourceType, target) !== undefined;

function problemsOf(text: string, today = '2026-12-05'): readonly string[] {
  try {
    noiseRulesFromText(text, file, today);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).exitCode).to.equal(2);
    return (error as ConfigError).problems;
  }
  throw new Error('the rules were accepted');
}

const vnetId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-1';
function vnetModify(delta: unknown[], rules: readonly NoiseRule[]): WhatIfModel {
  return normaliseStackWhatIf(
    { properties: { changes: { resourceChanges: [{ id: vnetId, changeType: 'modify', changeCertainty: 'definite', resourceConfigurationChanges: { after: { type: 'Microsoft.Network/virtualNetworks' }, delta } }] } } },
    { noise: compileNoiseRules(rules) },
  );
}

describe('what-if noise rules: path patterns', () => {
  it('** spans any depth (none included), * one name, [*] any index, [n] that index; names compare case-insensitively', () => {
    expect(matches('**.etag', 'etag')).to.equal(true);
    expect(matches('**.etag', 'properties.subnets[2].etag')).to.equal(true);
    expect(matches('**.etag', 'properties.etagValue')).to.equal(false);
    expect(matches('properties.subnets[*].id', 'properties.subnets[3].id')).to.equal(true);
    expect(matches('properties.subnets[*].id', 'properties.subnets[3].properties.id')).to.equal(false);
    expect(matches('properties.subnets[1].id', 'properties.subnets[0].id')).to.equal(false);
    expect(matches('**[*].id', 'properties.subnets[0].properties.ipConfigurations[4].id')).to.equal(true);
    expect(matches('**[*].id', 'properties.networkSecurityGroup.id')).to.equal(false);
    expect(matches('properties.*.id', 'properties.delegation.id')).to.equal(true);
    expect(matches('properties.*.id', 'properties.a.b.id')).to.equal(false);
    expect(matches('**.PROVISIONINGSTATE', 'properties.provisioningState')).to.equal(true);
  });

  it('a pattern drops the path and everything below it', () => {
    expect(matches('**.systemData', 'systemData.createdBy')).to.equal(true);
    expect(matches('properties.subnets', 'properties.subnets[0].name')).to.equal(true);
  });

  it('a rule for one type leaves other types alone; * is any type; types compare case-insensitively', () => {
    expect(matches('properties.flowTimeoutInMinutes', 'properties.flowTimeoutInMinutes', 'Microsoft.Network/virtualNetworks')).to.equal(true);
    expect(matches('properties.flowTimeoutInMinutes', 'properties.flowTimeoutInMinutes', 'microsoft.network/VIRTUALNETWORKS')).to.equal(true);
    expect(matches('properties.flowTimeoutInMinutes', 'properties.flowTimeoutInMinutes', 'Microsoft.Network/virtualNetworks/subnets')).to.equal(false);
  });

  it('says what is wrong with a pattern that is not one', () => {
    expect(parsePathPattern('properties..id')).to.deep.include({ ok: false });
    expect(parsePathPattern('properties.subnets[x].id')).to.deep.equal({ ok: false, problem: 'has the index [x]; allowed: [n] (a number) or [*]' });
    expect(parsePathPattern('properties.created*')).to.have.property('problem').that.includes('* and ** stand for whole segments only');
    expect(parsePathPattern('**')).to.deep.equal({ ok: false, problem: 'matches every property; name at least one property or index' });
    expect(parsePathPattern('[0].id')).to.deep.include({ ok: false });
  });
});

describe('what-if noise rules: the suppressed section', () => {
  const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/whatif');
  const body = (JSON.parse(readFileSync(path.join(fixtures, 'stack-westeu-test-1.json'), 'utf8')) as { body: unknown }).body;
  const model = normaliseStackWhatIf(body, { noise: loadNoiseRules(undefined, '2026-12-05').active });

  it('counts each rule that dropped changes, in file order, and ARM\'s noEffect changes', () => {
    const used = model.suppressed.rules.map((r) => [r.path, r.count]);
    expect(used).to.deep.equal([['**.provisioningState', 2], ['**.etag', 2], ['**.resourceGuid', 1], ['**.fullyQualifiedDomainName', 1], ['**[*].id', 2]]);
    expect(model.suppressed.noEffect).to.equal(1);
    expect(model.suppressed.total).to.equal(model.suppressed.noEffect + model.suppressed.rules.reduce((sum, r) => sum + r.count, 0));
    for (const r of model.suppressed.rules) expect(r.reason.length, r.path).to.be.greaterThan(10);
  });

  it('text: "Suppressed (N)" with a line per rule (count, type, path, reason, expiry), before the summary line', () => {
    const text = renderText(model);
    expect(text).to.include(`Suppressed (${model.suppressed.total}): property changes left out as noise, by rule of deployments/what-if-rules.yaml:`);
    expect(text).to.match(/^ {2}2 {2}\* {2}\*\*\.provisioningState +Read-only: ARM's own state .*\(until 2031-12-31\)$/m);
    expect(text).to.match(/^ {2}1 +ARM's own noEffect/m);
    expect(text.indexOf('Suppressed (')).to.be.lessThan(text.indexOf('Resource changes:'));
  });

  it('markdown: a collapsed section with a table of the rules used', () => {
    const md = renderMarkdown(model);
    expect(md).to.include(`<summary>Suppressed (${model.suppressed.total}): property changes left out as noise (rules in <code>deployments/what-if-rules.yaml</code>)</summary>`);
    expect(md).to.include('| 2 | `*` | `**.etag` | Read-only concurrency token');
    expect(md.match(/<details>/g)!.length).to.equal(md.match(/<\/details>/g)!.length);
  });

  it('JSON: the same section as data', () => {
    const parsed = JSON.parse(renderJson(model)) as WhatIfModel;
    expect(parsed.suppressed).to.deep.equal(model.suppressed);
  });

  it('nothing suppressed: no section', () => {
    const quiet = vnetModify([{ path: 'properties.a', changeType: 'modify', before: 1, after: 2 }], []);
    expect(quiet.suppressed).to.deep.equal({ total: 0, noEffect: 0, rules: [] });
    expect(renderText(quiet)).to.not.include('Suppressed');
    expect(renderMarkdown(quiet)).to.not.include('Suppressed');
  });

  it('a modify left with only suppressed changes is unchanged; a type-specific rule drops only its type', () => {
    const delta = [{ path: 'properties.flowTimeoutInMinutes', changeType: 'modify', before: null, after: 4 }];
    expect(vnetModify(delta, [rule('Microsoft.Network/virtualNetworks', 'properties.flowTimeoutInMinutes')]).changes[0]!.kind).to.equal('noChange');
    expect(vnetModify(delta, [rule('Microsoft.Network/networkSecurityGroups', 'properties.flowTimeoutInMinutes')]).changes[0]!.kind).to.equal('modify');
  });
});

describe('what-if noise rules: the rules file', () => {
  const one = `${header}  - type: Microsoft.Network/virtualNetworks\n    path: "properties.flowTimeoutInMinutes"\n    reason: "the provider fills it in when unset"\n    expires: "2027-01-31"\n`;

  it('the repository\'s file holds the read-only and volatile properties once built into the code', () => {
    const { rules, expired } = loadNoiseRules(undefined, '2026-12-05');
    expect(expired).to.deep.equal([]);
    expect(rules.map((r) => r.path)).to.include.members(['**.provisioningState', '**.etag', '**.resourceGuid', '**.systemData', '**.fullyQualifiedDomainName', '**[*].id']);
    expect(rules.every((r) => r.type === '*')).to.equal(true);
    expect(rules[0]!.where).to.match(/^deployments\/what-if-rules\.yaml:\d+:\d+$/);
  });

  it('expiry is decided on the day given: the expires day itself still applies, the next day the rule drops nothing', () => {
    const delta = [{ path: 'properties.flowTimeoutInMinutes', changeType: 'modify', before: null, after: 4 }];
    const onTheDay = noiseRulesFromText(one, file, '2027-01-31');
    expect(onTheDay.expired).to.deep.equal([]);
    expect(vnetModify(delta, onTheDay.rules).changes[0]!.kind).to.equal('noChange');
    const dayAfter = noiseRulesFromText(one, file, '2027-02-01');
    expect(dayAfter.expired.map((r) => r.path)).to.deep.equal(['properties.flowTimeoutInMinutes']);
    expect(dayAfter.active.compiled).to.have.length(0);
    expect(describeExpired(dayAfter.expired[0]!)).to.equal(
      'deployments/what-if-rules.yaml:3:5: the what-if noise rule for Microsoft.Network/virtualNetworks properties.flowTimeoutInMinutes expired after 2027-01-31; its reason: the provider fills it in when unset',
    );
  });

  it('schema problems name file:line:column, the field, the value and what is allowed', () => {
    const problems = problemsOf(`${header}  - type: Network/virtualNetworks\n    path: "**.etag"\n    reason: short\n    expires: 31.01.2027\n`);
    expect(problems).to.have.length(3);
    expect(problems[0]).to.match(/^deployments\/what-if-rules\.yaml:3:11: rules\[0\]\.type: "Network\/virtualNetworks" is not allowed; allowed: a resource type such as Microsoft\.Network\/virtualNetworks/);
    expect(problems.join('\n')).to.include('deployments/what-if-rules.yaml:5:13: rules[0].reason: "short"').and.include('deployments/what-if-rules.yaml:6:14: rules[0].expires: "31.01.2027"');
    expect(problemsOf(`${header}  - type: "*"\n    path: "**.etag"\n    reason: "a reason long enough"\n`)[0]).to.match(/^deployments\/what-if-rules\.yaml:3:5: rules\[0\]\.expires: is missing; required: the last day the rule applies/);
  });

  it('a bad path pattern, a day that does not exist and a rule written twice are refused', () => {
    const text = `${header}  - { type: "*", path: "properties.created*", reason: "a reason long enough", expires: "2027-02-30" }\n  - { type: "*", path: "**.etag", reason: "a reason long enough", expires: "2027-01-01" }\n  - { type: "*", path: "**.ETAG", reason: "a reason long enough", expires: "2027-01-01" }\n`;
    expect(problemsOf(text)).to.deep.equal([
      'deployments/what-if-rules.yaml:3:24: rules[0].path: "properties.created*" has "created*": * and ** stand for whole segments only; allowed: segments separated by ".", each a property name, * or **, optionally followed by [n] or [*], e.g. **.etag or properties.subnets[*].id',
      'deployments/what-if-rules.yaml:3:88: rules[0].expires: "2027-02-30" is not a calendar date; allowed: a real day as YYYY-MM-DD',
      'deployments/what-if-rules.yaml:5:5: rules[2]: the rule for * **.ETAG is already rules[1]; allowed: one rule per type and path',
    ]);
  });

  it('invalid YAML (an unquoted * is an alias) is refused with its position', () => {
    expect(problemsOf(`${header}  - type: *\n`)[0]).to.match(/^deployments\/what-if-rules\.yaml:3:\d+: invalid YAML/);
  });
});

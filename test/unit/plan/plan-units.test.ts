import { expect } from 'chai';
import { colourOn, plainStyles, stylesFor } from '@complianceflow/core/text/style.ts';
import { diffResources, diffValues, isEmptyDiff, renderDiff } from '@complianceflow/cli/plan/diff.ts';
import { normalizeResources, type Resource } from '@complianceflow/cli/plan/resources.ts';
import { renderSummary, summarize } from '@complianceflow/cli/plan/summary.ts';

const sub = '/subscriptions/00000000-0000-0000-0000-000000000000';
const rg: Resource = { type: 'Microsoft.Resources/resourceGroups', name: 'rg-a', id: `${sub}/resourceGroups/rg-a`, location: 'westeurope' };
const vnet: Resource = {
  id: `${sub}/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/vnet-a`,
  type: 'Microsoft.Network/virtualNetworks',
  name: 'vnet-a',
  properties: {
    addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
    subnets: [
      { name: 'snet-mgmt', properties: { addressPrefix: '10.10.10.0/24' } },
      { name: 'snet-app', properties: { addressPrefix: '10.10.1.0/24' } },
    ],
  },
};
const nsg: Resource = {
  id: `${sub}/resourceGroups/rg-a/providers/Microsoft.Network/networkSecurityGroups/nsg-a`,
  type: 'Microsoft.Network/networkSecurityGroups',
  name: 'nsg-a',
  properties: { securityRules: [{ name: 'AllowHttps', properties: { priority: 100, access: 'Allow' } }, { name: 'DenyAll', properties: { priority: 4096 } }] },
};

describe('plan: resources, summary, diff', () => {
  it('sorts resources by id and puts id, type, name first in a stable key order', () => {
    const sorted = normalizeResources([{ properties: { b: 1, a: 2 }, name: 'nsg-a', type: nsg['type'], id: nsg['id'] }, { location: 'westeurope', name: 'rg-a', id: rg['id'], type: rg['type'] }]);
    expect(sorted.map((r) => r['name'])).to.deep.equal(['rg-a', 'nsg-a']);
    expect(Object.keys(sorted[0]!)).to.deep.equal(['id', 'type', 'name', 'location']);
    expect(JSON.stringify(sorted[1]!['properties'])).to.equal('{"a":2,"b":1}');
  });

  it('summarizes resources by type with names, and address ranges from inline and child subnets', () => {
    const child: Resource = { type: 'Microsoft.Network/virtualNetworks/subnets', name: 'vnet-a/snet-db', properties: { addressPrefixes: ['10.10.2.0/24'] } };
    const summary = summarize([rg, vnet, nsg, child]);
    expect(summary.resourceCount).to.equal(4);
    expect(summary.resourcesByType).to.deep.equal({
      'Microsoft.Network/networkSecurityGroups': { count: 1, names: ['nsg-a'] },
      'Microsoft.Network/virtualNetworks': { count: 1, names: ['vnet-a'] },
      'Microsoft.Network/virtualNetworks/subnets': { count: 1, names: ['vnet-a/snet-db'] },
      'Microsoft.Resources/resourceGroups': { count: 1, names: ['rg-a'] },
    });
    expect(summary.addressRanges.virtualNetworks).to.deep.equal([
      {
        name: 'vnet-a',
        addressPrefixes: ['10.10.0.0/16'],
        subnets: [
          { name: 'snet-app', addressPrefixes: ['10.10.1.0/24'] },
          { name: 'snet-db', addressPrefixes: ['10.10.2.0/24'] },
          { name: 'snet-mgmt', addressPrefixes: ['10.10.10.0/24'] },
        ],
      },
    ]);
    const text = renderSummary('d', summary, plainStyles);
    expect(text).to.include('d: 4 resources');
    expect(text).to.match(/1 {2}Microsoft\.Network\/networkSecurityGroups +nsg-a/);
    expect(text).to.match(/vnet-a +10\.10\.0\.0\/16\n +snet-app +10\.10\.1\.0\/24/);
  });

  it('diffs resource lists: added, removed, and changed paths (named array items matched by name)', () => {
    const after: Resource[] = [
      vnet,
      {
        ...nsg,
        properties: { securityRules: [{ name: 'DenyAll', properties: { priority: 4096 } }, { name: 'AllowHttps', properties: { priority: 110, access: 'Allow' } }, { name: 'AllowSsh', properties: { priority: 200 } }] },
      },
      { type: 'Microsoft.KeyVault/vaults', name: 'kv-a', id: `${sub}/resourceGroups/rg-a/providers/Microsoft.KeyVault/vaults/kv-a` },
    ];
    const diff = diffResources([rg, vnet, nsg], after);
    expect(diff.added.map((r) => r['name'])).to.deep.equal(['kv-a']);
    expect(diff.removed.map((r) => r['name'])).to.deep.equal(['rg-a']);
    expect(diff.changed).to.deep.equal([
      {
        id: nsg['id'],
        type: 'Microsoft.Network/networkSecurityGroups',
        name: 'nsg-a',
        changes: [
          { path: 'properties.securityRules[name=AllowHttps].properties.priority', before: 100, after: 110 },
          { path: 'properties.securityRules[name=AllowSsh]', before: undefined, after: { name: 'AllowSsh', properties: { priority: 200 } } },
        ],
      },
    ]);
    const text = renderDiff('westeu-test-1', diff, plainStyles);
    expect(text).to.equal(
      [
        'westeu-test-1: 1 to add, 1 to remove, 1 to change',
        `  + Microsoft.KeyVault/vaults kv-a  ${sub}/resourceGroups/rg-a/providers/Microsoft.KeyVault/vaults/kv-a`,
        `  - Microsoft.Resources/resourceGroups rg-a  ${sub}/resourceGroups/rg-a`,
        `  ~ Microsoft.Network/networkSecurityGroups nsg-a  ${nsg['id']}`,
        '      properties.securityRules[name=AllowHttps].properties.priority: 100 → 110',
        '      properties.securityRules[name=AllowSsh]: (absent) → {"name":"AllowSsh","properties":{"priority":200}}',
      ].join('\n'),
    );
    expect(isEmptyDiff(diffResources([rg, vnet], [vnet, rg]))).to.equal(true);
    expect(renderDiff('d', diffResources([rg], [rg]), plainStyles)).to.equal('d: no changes');
  });

  it('diffs plain arrays by index and odd keys with brackets', () => {
    expect(diffValues({ a: [1, 2], 'x-y': 'p' }, { a: [1, 3, 4], 'x-y': 'q' })).to.deep.equal([
      { path: 'a[1]', before: 2, after: 3 },
      { path: 'a[2]', before: undefined, after: 4 },
      { path: '["x-y"]', before: 'p', after: 'q' },
    ]);
  });

  it('uses colour only on a terminal without NO_COLOR, unless FORCE_COLOR decides', () => {
    expect(colourOn({ isTTY: true }, {})).to.equal(true);
    expect(colourOn({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
    expect(colourOn({ isTTY: true }, { NO_COLOR: '' }), 'an empty NO_COLOR is not set').to.equal(true);
    expect(colourOn({ isTTY: false }, {})).to.equal(false);
    expect(colourOn({}, {})).to.equal(false);
    expect(colourOn({}, { FORCE_COLOR: '1' })).to.equal(true);
    expect(colourOn({}, { FORCE_COLOR: '1', NO_COLOR: '1' })).to.equal(true);
    expect(colourOn({ isTTY: true }, { FORCE_COLOR: '0' })).to.equal(false);
    expect(colourOn({ isTTY: true }, { FORCE_COLOR: 'false' })).to.equal(false);
  });

  it('styles with ANSI codes only when colour is on', () => {
    expect(stylesFor(true).red('x')).to.equal('\u001b[31mx\u001b[39m');
    expect(stylesFor(true).bold('x')).to.equal('\u001b[1mx\u001b[22m');
    expect(stylesFor(false).red('x')).to.equal('x');
    expect(renderDiff('d', diffResources([rg], [rg]), stylesFor(true))).to.equal('d: \u001b[32mno changes\u001b[39m');
  });
});

describe('plan: display names', () => {
  it('shows an extension resource with the resource it applies to', async () => {
    const { displayName } = await import('@complianceflow/cli/plan/summary.ts');
    const base = `${sub}/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/st1`;
    expect(displayName({ name: 'to-log', id: `${base}/providers/Microsoft.Insights/diagnosticSettings/to-log` })).to.equal('to-log on st1');
    expect(displayName({ name: 'to-log', id: `${base}/blobServices/default/providers/Microsoft.Insights/diagnosticSettings/to-log` })).to.equal('to-log on st1/default');
    expect(displayName({ name: 'st1/default', id: `${base}/blobServices/default` })).to.equal('st1/default');
    expect(displayName(rg)).to.equal('rg-a');
  });
});

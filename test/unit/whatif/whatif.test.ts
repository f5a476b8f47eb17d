// What-if rendering from ARM what-if results: two real REST spec examples and two constructed
// results covering every change type, noise and secrets (fixtures/whatif/, each names its source).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import {
  hasChanges,
  normaliseDeploymentWhatIf,
  normaliseStackWhatIf,
  renderJson,
  renderMarkdown,
  renderText,
  splitResourceId,
  withStackRemovals,
  type WhatIfModel,
} from '@complianceflow/cli/whatif/index.ts';
import { loadNoiseRules } from '@complianceflow/cli/config/what-if-rules.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/whatif');
function fixture(name: string): { body: unknown; secureValues?: string[] } {
  return JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
}

// The repository's rules (deployments/what-if-rules.yaml) on a fixed day: no test depends on the clock.
const noise = loadNoiseRules(undefined, '2026-12-05').active;
const stackFixture = fixture('stack-westeu-test-1.json');
const stack = normaliseStackWhatIf(stackFixture.body, { secureValues: stackFixture.secureValues ?? [], noise });
const deployment = normaliseDeploymentWhatIf(fixture('deployment-kinds.json').body, { noise });
const secrets = ['Pg-Admin-Secret-42!', 'SuperSecretRedisKey123', 'OldPrimaryKeyValueAAAA==', 'NewPrimaryKeyValueBBBB=='];

function change(model: WhatIfModel, suffix: string) {
  const found = model.changes.find((c) => c.resourceId.endsWith(suffix));
  if (found === undefined) throw new Error(`no change for ${suffix}`);
  return found;
}

describe('what-if: normalising ARM results', () => {
  it('reads the REST spec deployment what-if example (subscription scope, api 2025-04-01)', () => {
    const model = normaliseDeploymentWhatIf(fixture('deployment-subscription-spec.json').body);
    expect(model.source).to.equal('deployment');
    expect(model.summary).to.include({ create: 2, modify: 1, delete: 0, noChange: 0 });
    const modify = change(model, '/myExistingIdentity');
    expect(modify.kind).to.equal('modify');
    expect(modify.scope).to.equal('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/my-resource-group');
    expect(modify.delta).to.deep.equal([{ path: 'tags.myNewTag', kind: 'create', after: 'my tag value' }]);
    const group = change(model, '/resourceGroups/my-resource-group2');
    expect(group).to.include({ type: 'Microsoft.Resources/resourceGroups', scope: '/subscriptions/00000000-0000-0000-0000-000000000001' });
  });

  it('reads the REST spec stack what-if example (deploymentStacksWhatIfResults 2025-07-01), deny settings included', () => {
    const model = normaliseStackWhatIf(fixture('stack-subscription-spec.json').body);
    expect(model.source).to.equal('stack');
    expect(model.summary).to.include({ create: 1, modify: 1 });
    expect(change(model, '/updatedPolicyAssignment').delta).to.deep.equal([
      { path: 'properties.enforcementMode', kind: 'modify', before: 'Default', after: 'DoNotEnforce' },
    ]);
    expect(model.denySettingsDelta.map((d) => d.path)).to.deep.equal(['denySettings.Mode', 'denySettings.ApplyToChildScopes']);
    expect(hasChanges(model)).to.equal(true);
  });

  it('maps every change type of both flavours (capitalised and camelCase) onto one model', () => {
    expect(stack.summary).to.deep.equal({ create: 2, modify: 2, delete: 1, detach: 1, deploy: 0, noChange: 3, ignore: 0, unsupported: 1 });
    expect(deployment.summary).to.deep.equal({ create: 0, modify: 1, delete: 1, detach: 0, deploy: 1, noChange: 1, ignore: 1, unsupported: 1 });
    expect(change(stack, '/redis-connection').potential).to.equal(true);
    expect(change(stack, '/cae-cf-westeu-test-1').unsupportedReason).to.include('reference()');
  });

  it('splits resource ids into scope, type and name below the scope (child and extension resources too)', () => {
    expect(splitResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db')).to.deep.equal({
      scope: '/subscriptions/s/resourceGroups/rg',
      displayName: 'Microsoft.Network/virtualNetworks/v/subnets/db',
      type: 'Microsoft.Network/virtualNetworks/subnets',
    });
    expect(splitResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/g')).to.include({
      scope: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
      type: 'Microsoft.Authorization/roleAssignments',
    });
  });
});

describe('what-if: noise suppression', () => {
  it('drops read-only and volatile properties and no-effect changes from deltas, keeping real changes', () => {
    const vnet = change(stack, '/vnet-cf-westeu-test-1');
    const paths = JSON.stringify(vnet.delta);
    expect(paths).to.not.include('etag').and.not.include('provisioningState').and.not.include('enableDdosProtection');
    expect(paths).to.not.include('/subscriptions/x/old'); // generated id of a subnet
    expect(vnet.delta.map((d) => d.path)).to.deep.equal(['tags.owner', 'properties.subnets']);
    expect(vnet.delta[1]!.children!.map((c) => c.path)).to.deep.equal(['properties.subnets[0]', 'properties.subnets[1]']);
    expect(vnet.delta[1]!.children![0]!.children).to.deep.equal([
      { path: 'properties.subnets[0].properties.addressPrefix', kind: 'modify', before: '10.1.0.0/24', after: '10.1.0.0/23' },
    ]);
    expect(vnet.suppressed).to.equal(4);
  });

  it('turns a modify made only of noise into unchanged', () => {
    const nsg = change(stack, '/nsg-cf-westeu-test-1-db');
    expect(nsg.kind).to.equal('noChange');
    expect(nsg.delta).to.deep.equal([]);
  });

  it('drops noise from the listing of a created or deleted resource', () => {
    const created = JSON.stringify(change(stack, '/psql-cf-westeu-test-1').properties);
    expect(created).to.not.include('provisioningState').and.not.include('fullyQualifiedDomainName');
    expect(created).to.include('Standard_B1ms');
    const deleted = change(deployment, '/eventhubs/orders').properties;
    expect(deleted).to.deep.equal({ properties: { partitionCount: 4, status: 'Active' } });
  });
});

describe('what-if: secure values are masked in every format', () => {
  const outputs = {
    text: renderText(stack),
    colour: renderText(stack, { color: true }),
    markdown: renderMarkdown(stack),
    json: renderJson(stack),
  };
  for (const [format, output] of Object.entries(outputs)) {
    it(`${format}: no secret value appears, *** stands in its place`, () => {
      for (const secret of secrets) expect(output).to.not.include(secret);
      expect(output).to.include('***');
    });
  }

  it('masks by property name (password, key) and by caller-marked value inside other strings', () => {
    expect(JSON.stringify(change(stack, '/psql-cf-westeu-test-1').properties)).to.include('"administratorLoginPassword":"***"');
    expect(change(stack, '/databases/default').delta[0]).to.deep.equal({ path: 'properties.primaryKey', kind: 'modify', before: '***', after: '***' });
    expect(outputs.text).to.include('"rediss://:***@redis-cf-westeu-test-1.westeurope.redis.azure.net:10000"');
    // Non-secret neighbours stay readable.
    expect(outputs.text).to.include('properties.administratorLogin:          "cfadmin"');
  });
});

describe('what-if: text like az', () => {
  const text = renderText(stack);

  it('prints each change type with its symbol, grouped by scope, with the api version', () => {
    expect(text).to.include('Scope: /subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-cf-westeu-test-1');
    expect(text).to.include('  + Microsoft.DBforPostgreSQL/flexibleServers/psql-cf-westeu-test-1 [2024-08-01]');
    expect(text).to.include('  ~ Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1 [2024-05-01]');
    expect(text).to.include('  - Microsoft.Insights/actionGroups/ag-cf-westeu-test-1-old [2023-01-01]');
    expect(text).to.include('  x Microsoft.Storage/storageAccounts/stcfflowweutest1old');
    expect(text).to.include('  = Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1');
    expect(text).to.include('  ? Microsoft.App/managedEnvironments/cae-cf-westeu-test-1');
    expect(text).to.include('  + Microsoft.KeyVault/vaults/kv-cf-weu-test-1/secrets/redis-connection [2023-07-01] (potential)');
    const other = renderText(deployment);
    expect(other).to.include('  * Microsoft.Network/dnsZones/example.com');
    expect(other).to.include('  ! Microsoft.Web/sites/app-legacy [2023-12-01]');
    expect(other).to.include('  - Microsoft.EventHub/namespaces/evhns-cf-westeu-test-1/eventhubs/orders [2024-01-01]');
  });

  it('shows property deltas indented: before => after, created and deleted properties, array elements', () => {
    expect(text).to.include('    ~ properties.evictionPolicy: "NoEviction" => "AllKeysLRU"');
    expect(text).to.include(
      ['    ~ properties.subnets: [', '      ~ 0:', '        ~ properties.addressPrefix: "10.1.0.0/24" => "10.1.0.0/23"', '      + 1:'].join('\n'),
    );
    const other = renderText(deployment);
    expect(other).to.include('    ~ properties.sku.name: "standard" => "premium"');
    expect(other).to.include('    - tags.legacy:         "yes"');
    expect(other).to.include(['      - 0:', '          value: "203.0.113.0/24"', '      + 0:', '          value: "198.51.100.0/24"'].join('\n'));
  });

  it('ends with the one-line summary, lists the legend of the symbols used, and hides unchanged on request', () => {
    expect(text.trimEnd().split('\n').at(-1)).to.equal(
      'Resource changes: 2 to create, 2 to modify, 1 to delete, 1 to detach, 3 unchanged, 1 not supported by what-if.',
    );
    expect(text).to.include('  x Detach (kept in Azure, no longer managed by the stack)');
    expect(text).to.not.include('* Ignore');
    const quiet = renderText(stack, { showUnchanged: false });
    expect(quiet).to.not.include('log-cf-westeu-test-1');
    expect(quiet).to.include('(3 unchanged not listed)');
    expect(renderText(deployment).trimEnd().split('\n').at(-1)).to.equal(
      'Resource changes: 0 to create, 1 to modify, 1 to delete, 0 to detach, 1 to redeploy, 1 unchanged, 1 ignored, 1 not supported by what-if.',
    );
  });

  it('colours only when asked', () => {
    expect(text).to.not.include('\u001b[');
    const colour = renderText(stack, { color: true });
    expect(colour).to.include('\u001b[32m+\u001b[39m Microsoft.DBforPostgreSQL/flexibleServers/psql-cf-westeu-test-1');
    expect(colour).to.include('\u001b[31m-\u001b[39m Microsoft.Insights/actionGroups');
  });
});

describe('what-if: markdown for a pull-request comment', () => {
  const md = renderMarkdown(stack, { title: 'What-if: westeu-test-1' });

  it('starts with the title and the summary', () => {
    const lines = md.split('\n');
    expect(lines[0]).to.equal('### What-if: westeu-test-1');
    expect(lines[2]).to.equal('**2 to create, 2 to modify, 1 to delete, 1 to detach, 3 unchanged, 1 not supported by what-if**');
  });

  it('has one table per change type, changes before unchanged, unchanged collapsed', () => {
    const headings = [...md.matchAll(/^#### (.*)$/gm)].map((m) => m[1]);
    expect(headings).to.deep.equal([
      '+ To create (2)',
      '~ To modify (2)',
      '- To delete (1)',
      'x To detach (kept in Azure, no longer managed) (1)',
      '? Not supported by what-if (1)',
      'Diagnostics',
    ]);
    expect(md).to.include('| `psql-cf-westeu-test-1` | Microsoft.DBforPostgreSQL/flexibleServers |');
    expect(md).to.include('<summary>Unchanged (3)</summary>');
    expect(md.indexOf('<summary>Unchanged (3)</summary>')).to.be.greaterThan(md.indexOf('#### x To detach'));
  });

  it('has a <details> block per changed resource with its property deltas in a fenced block', () => {
    const blocks = [...md.matchAll(/<details>\n<summary>(.*?)<\/summary>\n\n```text\n([\s\S]*?)\n```\n\n<\/details>/g)];
    const summaries = blocks.map((m) => m[1]);
    expect(summaries).to.include('~ <code>Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1</code>');
    expect(summaries).to.include('+ <code>Microsoft.DBforPostgreSQL/flexibleServers/psql-cf-westeu-test-1</code>');
    const vnet = blocks.find((m) => m[1]!.includes('vnet-cf-westeu-test-1'))![2]!;
    expect(vnet).to.include('~ properties.addressPrefix: "10.1.0.0/24" => "10.1.0.0/23"');
    expect(md.match(/<details>/g)!.length).to.equal(md.match(/<\/details>/g)!.length);
  });

  it('leaves the details out, keeping summary and tables, when the comment would be too long', () => {
    const short = renderMarkdown(stack, { maxLength: 2000 });
    expect(short.length).to.be.lessThan(md.length);
    expect(short).to.include('**2 to create, 2 to modify').and.include('| `psql-cf-westeu-test-1` |').and.include('too long for a comment');
    expect(short).to.not.include('```text');
    expect(renderMarkdown(stack)).to.include('```text');
  });

  it('keeps tables intact when a name contains a pipe', () => {
    const odd = normaliseDeploymentWhatIf({
      properties: { changes: [{ resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a|b', changeType: 'Create', after: {} }] },
    });
    expect(renderMarkdown(odd)).to.include('| `a\\|b` | Microsoft.Web/sites |');
  });
});

describe('what-if: JSON and --detailed-exitcode', () => {
  it('JSON is the normalised model', () => {
    const parsed = JSON.parse(renderJson(stack)) as WhatIfModel;
    expect(parsed.summary).to.deep.equal(stack.summary);
    expect(parsed.changes).to.have.length(10);
    expect(parsed.changes.map((c) => c.kind)).to.include.members(['create', 'modify', 'delete', 'detach', 'noChange', 'unsupported']);
  });

  it('hasChanges is false when everything is unchanged, ignored or unsupported, true for any create/modify/delete/detach/deploy', () => {
    const id = (n: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${n}`;
    const quiet = normaliseStackWhatIf({
      properties: {
        changes: {
          resourceChanges: [
            { id: id('a'), changeType: 'noChange', changeCertainty: 'definite' },
            { id: id('b'), changeType: 'unsupported', changeCertainty: 'definite' },
            // only noise: unchanged
            { id: id('c'), changeType: 'modify', changeCertainty: 'definite', resourceConfigurationChanges: { delta: [{ path: 'etag', changeType: 'modify', before: '1', after: '2' }] } },
          ],
          denySettingsChange: { delta: [] },
        },
      },
    }, { noise });
    expect(hasChanges(quiet)).to.equal(false);
    expect(renderText(quiet).trimEnd().split('\n').at(-1)).to.equal(
      'Resource changes: 0 to create, 0 to modify, 0 to delete, 0 to detach, 2 unchanged, 1 not supported by what-if.',
    );
    for (const kind of ['create', 'modify', 'delete', 'detach']) {
      const one = normaliseStackWhatIf({
        properties: { changes: { resourceChanges: [{ id: id('x'), changeType: kind, changeCertainty: 'definite', resourceConfigurationChanges: { delta: [{ path: 'properties.a', changeType: 'modify', before: 1, after: 2 }] } }] } },
      });
      expect(hasChanges(one), kind).to.equal(true);
    }
    expect(hasChanges(deployment)).to.equal(true);
    expect(hasChanges(normaliseDeploymentWhatIf({ properties: { changes: [{ resourceId: id('d'), changeType: 'Deploy' }] } }))).to.equal(true);
  });

  it('refuses a change type it does not know instead of guessing', () => {
    expect(() => normaliseDeploymentWhatIf({ properties: { changes: [{ resourceId: '/x', changeType: 'Teleport' }] } })).to.throw('unknown what-if change type "Teleport"');
  });
});

describe('what-if: stack removals added to a deployment what-if', () => {
  const base = `/subscriptions/s/resourceGroups/rg-cf-westeu-test-1`;
  const model = normaliseDeploymentWhatIf({
    properties: {
      changes: [
        { resourceId: `${base}/providers/Microsoft.Network/virtualNetworks/vnet-1`, changeType: 'NoChange' },
        { resourceId: `${base}/providers/Microsoft.Insights/actionGroups/ag-old`, changeType: 'Ignore' },
        { resourceId: '/subscriptions/s/resourceGroups/rg-unrelated/providers/Microsoft.Web/sites/other', changeType: 'Ignore' },
      ],
    },
  });
  const managed = [
    `${base}/providers/Microsoft.Network/virtualNetworks/VNET-1`, // still planned (ids compare case-insensitively)
    `${base}/providers/Microsoft.Insights/actionGroups/ag-old`, // shown as Ignore: no longer in the plan
    `${base}/providers/Microsoft.Storage/storageAccounts/stold`, // absent from the result
    '/subscriptions/s/resourceGroups/rg-old',
  ];

  it('test (actionOnUnmanage delete): managed resources missing from the plan are deletions', () => {
    const merged = withStackRemovals(model, managed, { resources: 'delete' });
    expect(merged.summary).to.include({ delete: 3, noChange: 1, ignore: 1, detach: 0 });
    expect(merged.changes.filter((c) => c.kind === 'delete').map((c) => c.displayName)).to.have.members([
      'Microsoft.Insights/actionGroups/ag-old',
      'Microsoft.Storage/storageAccounts/stold',
      'Microsoft.Resources/resourceGroups/rg-old',
    ]);
    expect(hasChanges(merged)).to.equal(true);
  });

  it('prod (actionOnUnmanage detach): the same resources are detachments, and the summary says so', () => {
    const merged = withStackRemovals(model, managed, { resources: 'detach', resourceGroups: 'detach' });
    expect(merged.summary).to.include({ detach: 3, delete: 0 });
    expect(renderText(merged)).to.include('  x Microsoft.Storage/storageAccounts/stold');
    expect(withStackRemovals(model, [`${base}/providers/Microsoft.Network/virtualNetworks/vnet-1`], { resources: 'delete' }).summary).to.include({ delete: 0 });
  });
});

// Noise after a deploy: what the what-if taken right after a successful deploy still shows becomes
// candidate rules (type + path + a snippet to paste) in the run report, in text, markdown and JSON.
import { expect } from 'chai';
import { CliError, ConfigError } from '@complianceflow/core/errors.ts';
import { noiseRulesFromText } from '@complianceflow/cli/config/what-if-rules.ts';
import { checkNoise } from '@complianceflow/cli/deploy/noise-check.ts';
import type { WhatIfInput } from '@complianceflow/cli/arm/stack-definition.ts';
import type { RunReport } from '@complianceflow/cli/report/model.ts';
import { renderReportJson, renderReportMarkdown, renderReportText } from '@complianceflow/cli/report/render.ts';
import { noiseCandidates, noNoiseRules, normaliseStackWhatIf, type WhatIfModel } from '@complianceflow/cli/whatif/index.ts';

const rg = '/subscriptions/s/resourceGroups/rg-cf-westeu-test-1/providers';
const vnet = `${rg}/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1`;
const vnet2 = `${rg}/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-2`;
const extra = `${rg}/Microsoft.Insights/actionGroups/ag-extra`;

/** A what-if after a deploy that still shows a subnet property on two elements of two VNets, and a resource to create. */
const leftoverBody = {
  properties: {
    changes: {
      resourceChanges: [
        ...[vnet, vnet2].map((id) => ({
          id,
          changeType: 'modify',
          changeCertainty: 'definite',
          resourceConfigurationChanges: {
            after: { type: 'Microsoft.Network/virtualNetworks' },
            delta: [{ path: 'properties.subnets', changeType: 'array', children: [0, 1].map((i) => ({ path: String(i), changeType: 'modify', children: [{ path: 'properties.privateEndpointNetworkPolicies', changeType: 'modify', before: 'Disabled', after: 'Enabled' }] })) }],
          },
        })),
        { id: extra, changeType: 'create', changeCertainty: 'definite', resourceConfigurationChanges: { after: { type: 'Microsoft.Insights/actionGroups' } } },
        { id: `${rg}/Microsoft.Network/networkSecurityGroups/nsg-1`, changeType: 'noChange', changeCertainty: 'definite' },
      ],
    },
  },
};
const leftover: WhatIfModel = normaliseStackWhatIf(leftoverBody);
const quiet: WhatIfModel = { ...leftover, changes: leftover.changes.filter((c) => c.kind === 'noChange'), summary: { ...leftover.summary, create: 0, modify: 0 } };

const report = (noise: RunReport['noise']): RunReport => ({
  runId: '20261205-120000-abcd', command: 'deploy westeu-test-1', deployment: 'westeu-test-1', environment: 'test', location: 'westeurope', stack: 'cf-westeu-test-1', target: 'the ARM emulator', subscriptionId: 's', who: 'me', host: 'h',
  startedAt: '2026-12-05T12:00:00Z', finishedAt: '2026-12-05T12:01:00Z', outcome: 'succeeded', exitCode: 0, phases: [], ...(noise === undefined ? {} : { noise }),
});

describe('noise after a deploy: candidate rules', () => {
  const finding = noiseCandidates(leftover, '2026-12-05');

  it('one candidate per type and path, array indices as [*], with every resource it was seen on', () => {
    expect(finding.candidates.map(({ snippet: _, ...c }) => c)).to.deep.equal([
      { type: 'Microsoft.Network/virtualNetworks', path: 'properties.subnets[*].properties.privateEndpointNetworkPolicies', changes: 4, resourceIds: [vnet, vnet2] },
    ]);
    expect(finding.resources).to.deep.equal([{ kind: 'create', resourceId: extra }]);
  });

  it('the snippet, once its reason is written, is a rule the rules file accepts, expiring 90 days on, and it then drops the change', () => {
    const snippet = finding.candidates[0]!.snippet;
    expect(snippet).to.include('expires: "2027-03-05"').and.include('reason: "<why ARM reports this');
    expect(() => noiseRulesFromText(`rules:\n${snippet}\n`, 'deployments/what-if-rules.yaml', '2026-12-05')).to.throw(ConfigError, 'deployments/what-if-rules.yaml:4:13: rules[0].reason: still the placeholder of a pasted noise candidate');
    const written = snippet.replace(/reason: ".*"/, 'reason: "the provider reports the default it applies; Microsoft.Network REST spec"');
    const loaded = noiseRulesFromText(`rules:\n${written}\n`, 'deployments/what-if-rules.yaml', '2026-12-05');
    expect(loaded.rules.map((r) => [r.type, r.path])).to.deep.equal([['Microsoft.Network/virtualNetworks', 'properties.subnets[*].properties.privateEndpointNetworkPolicies']]);
    const withRule = normaliseStackWhatIf(leftoverBody, { noise: loaded.active });
    expect(withRule.suppressed.rules.map((r) => [r.path, r.count])).to.deep.equal([['properties.subnets[*].properties.privateEndpointNetworkPolicies', 4]]);
    expect(noiseCandidates(withRule, '2026-12-05')).to.deep.equal({ candidates: [], resources: [{ kind: 'create', resourceId: extra }] });
  });

  it('the check reports the what-if taken after an apply, reuses the run\'s own what-if when nothing was applied, and records an ARM error instead of failing the deploy', async () => {
    const input: WhatIfInput = { deployment: 'westeu-test-1', location: 'westeurope', template: {}, parameters: {}, stack: { name: 'cf-westeu-test-1', actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete', managementGroups: 'detach' }, denySettings: { mode: 'none', applyToChildScopes: false } }, noise: noNoiseRules };
    const seen: string[] = [];
    const after = await checkNoise({ before: quiet, applied: true, input, stack: { name: 'cf-westeu-test-1' }, today: '2026-12-05', preview: async (i, s) => (seen.push(`${i.deployment} ${s.name}`), leftover) });
    expect(seen).to.deep.equal(['westeu-test-1 cf-westeu-test-1']);
    expect(after).to.deep.equal(finding);
    const reused = await checkNoise({ before: quiet, applied: false, input, stack: {}, today: '2026-12-05', preview: () => Promise.reject(new Error('not called')) });
    expect(reused).to.deep.equal({ candidates: [], resources: [] });
    const failed = await checkNoise({ before: quiet, applied: true, input, stack: {}, today: '2026-12-05', preview: () => Promise.reject(new CliError('westeu-test-1: ARM refused the what-if (429 TooManyRequests)\nmore')) });
    expect(failed).to.deep.equal({ notRun: 'the what-if after the deploy failed: westeu-test-1: ARM refused the what-if (429 TooManyRequests)' });
    await checkNoise({ before: quiet, applied: true, input, stack: {}, today: '2026-12-05', preview: () => Promise.reject(new TypeError('a bug')) }).then(
      () => expect.fail('a programming error must not be swallowed'),
      (error: Error) => expect(error).to.be.instanceOf(TypeError),
    );
  });
});

describe('noise after a deploy: the run report', () => {
  const noisy = report(noiseCandidates(leftover, '2026-12-05'));

  it('text: the noise line, each candidate with its resources, and the rule to paste', () => {
    const text = renderReportText(noisy);
    expect(text).to.include('  noise:    the what-if after the deploy still shows changes: 1 candidate rule(s) for deployments/what-if-rules.yaml, 1 resource change(s) no rule can drop');
    expect(text).to.include(`            Microsoft.Network/virtualNetworks properties.subnets[*].properties.privateEndpointNetworkPolicies (4 change(s): ${vnet}, ${vnet2})`);
    expect(text).to.include(`            create: ${extra}`);
    expect(text).to.include('              - type: "Microsoft.Network/virtualNetworks"\n                path: "properties.subnets[*].properties.privateEndpointNetworkPolicies"');
  });

  it('markdown: a table of candidates and a yaml block to paste', () => {
    const md = renderReportMarkdown(noisy);
    expect(md).to.include('| Microsoft.Network/virtualNetworks | `properties.subnets[*].properties.privateEndpointNetworkPolicies` | 4 |');
    expect(md).to.include('```yaml\n  - type: "Microsoft.Network/virtualNetworks"');
    expect(md).to.include(`| create | \`${extra}\` |`);
  });

  it('JSON: the candidates as data', () => {
    const parsed = JSON.parse(renderReportJson(noisy)) as RunReport;
    expect(parsed.noise).to.deep.equal(noisy.noise);
  });

  it('no leftover change: "no noise"; a check that could not run says why; no check, no line', () => {
    expect(renderReportText(report({ candidates: [], resources: [] }))).to.include('  noise:    no noise (the what-if after the deploy shows no change)');
    expect(renderReportMarkdown(report({ candidates: [], resources: [] }))).to.include('**Noise:** no noise (the what-if after the deploy shows no change)');
    expect(renderReportText(report({ notRun: 'the what-if after the deploy failed: x' }))).to.include('  noise:    not checked — the what-if after the deploy failed: x');
    expect(renderReportText(report(undefined))).to.not.include('noise:');
  });
});

// The sticky pull-request comment of `what-if --format markdown`: summary table, per-deployment cost,
// policy, failure and what-if sections, and the size budget that keeps it under GitHub's limit.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { checkBudget, costDelta } from '@complianceflow/cli/cost/index.ts';
import { commentMarker, renderComment, renderFullReview } from '@complianceflow/cli/review/comment.ts';
import { actionsRunUrl, fullOutputPointer } from '@complianceflow/cli/review/full-output.ts';
import { reviewExitCode, type DeploymentReview } from '@complianceflow/cli/review/model.ts';
import { normaliseDeploymentWhatIf, normaliseStackWhatIf, renderMarkdown, scopeLabel, summarise, type ResourceChange, type WhatIfModel } from '@complianceflow/cli/whatif/index.ts';
import type { PolicyEvaluation, PolicyResult } from '@complianceflow/core/policy/index.ts';
import { loadNoiseRules } from '@complianceflow/cli/config/what-if-rules.ts';
import { deploymentNames } from '../../support/deployment-names.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stackFixture = JSON.parse(readFileSync(path.join(root, 'test/fixtures/whatif/stack-westeu-test-1.json'), 'utf8')) as { body: unknown; secureValues?: string[] };
const noise = loadNoiseRules(undefined, '2026-12-05').active;
const stack = normaliseStackWhatIf(stackFixture.body, { secureValues: stackFixture.secureValues ?? [], noise });
const githubLimit = 65_536;
const link = 'https://github.com/o/r/actions/runs/42';

const estimate = (monthlyTotal: number) => ({ monthlyTotal, byResource: [{ resourceId: '/x/psql', name: 'psql-cf-1', type: 'Microsoft.DBforPostgreSQL/flexibleServers', monthly: monthlyTotal, tier: 'database', region: 'westeurope', lines: [], notes: [] }] });
function cost(head: number, base: number, budget = 200) {
  const h = estimate(head);
  return costDelta(h, checkBudget(h, budget), { source: "origin/main's golden snapshot", monthlyTotal: base, byResource: estimate(base).byResource });
}
const finding = (effect: 'deny' | 'audit', name: string): PolicyResult => ({ resourceId: `/x/${name}`, resourceType: 'Microsoft.Storage/storageAccounts', name, policy: 'Storage accounts should disable public network access', referenceId: 'storage-public', assignment: 'cf-baseline-test', effect, reason: 'publicNetworkAccess is Enabled' } as PolicyResult);
const policy = (results: PolicyResult[]): PolicyEvaluation => ({ results, exempted: [], denied: results.filter((r) => r.effect === 'deny').length, audited: results.filter((r) => r.effect === 'audit').length, evaluated: 120 });

/** A what-if of `count` created resources, each with a large property listing. */
function hugeModel(deployment: string, count: number): WhatIfModel {
  const changes: ResourceChange[] = Array.from({ length: count }, (_, i) => ({
    resourceId: `/subscriptions/s/resourceGroups/rg-cf-${deployment}/providers/Microsoft.Network/networkSecurityGroups/nsg-${i}`,
    scope: `/subscriptions/s/resourceGroups/rg-cf-${deployment}`,
    type: 'Microsoft.Network/networkSecurityGroups',
    displayName: `Microsoft.Network/networkSecurityGroups/nsg-${i}`,
    apiVersion: '2024-05-01',
    kind: i % 10 === 9 ? 'noChange' : 'create',
    potential: false,
    delta: [],
    properties: { properties: { securityRules: Array.from({ length: 6 }, (_, r) => ({ name: `rule-${r}`, priority: 100 + r, access: 'Allow', sourceAddressPrefix: '10.0.0.0/16' })) } },
    suppressed: 0,
  }));
  return { source: 'stack', summary: summarise(changes), changes, denySettingsDelta: [], diagnostics: [], suppressed: { total: 0, noEffect: 0, rules: [] } };
}

describe('review: the pull-request comment', () => {
  const ok: DeploymentReview = { deployment: 'westeu-test-1', whatIf: stack, policy: policy([finding('audit', 'stcfwesteutest1')]), cost: cost(160.05, 155.86) };

  it('starts with the hidden marker the workflow finds its comment by (the same as sticky-comment.cjs)', () => {
    const md = renderComment([ok], { fullOutput: `[the run](${link})` });
    const sticky = createRequire(import.meta.url)(path.join(root, '.github/scripts/sticky-comment.cjs')) as { marker: string };
    expect(md.split('\n')[0]).to.equal(commentMarker).and.to.equal(sticky.marker);
    expect(md).to.include('## cf-infra what-if');
  });

  it('has a summary table first: one row per deployment with changes, cost change, policy and status', () => {
    const failed: DeploymentReview = { deployment: 'westeu-prod-1', failure: { message: 'westeu-prod-1: ARM said no', exitCode: 1 } };
    const md = renderComment([ok, failed], { fullOutput: 'x' });
    expect(md).to.include('| Deployment | Changes | Cost / month | Policy | Status |');
    expect(md).to.include('| `westeu-test-1` | 2 to create, 2 to modify, 1 to delete, 1 to detach, 3 unchanged, 1 not supported | +\\$4.19 (+2.7 %) | 0 denied, 1 audited | ✅ ok |');
    expect(md).to.include('| `westeu-prod-1` | — | — | — | ❌ failed |');
    expect(md.indexOf('| Deployment |')).to.be.lessThan(md.indexOf('### ✅ westeu-test-1'));
  });

  it('shows the cost line with base, budget and the line items that changed', () => {
    const md = renderComment([ok], { fullOutput: 'x' });
    expect(md).to.include('**Cost: \\$155.86 → \\$160.05 / month (+\\$4.19, +2.7 %); budget \\$200.00, \\$39.95 to spare**');
    expect(md).to.include("Base: origin/main's golden snapshot.");
    expect(md).to.include('<summary>Line items that changed (1)</summary>');
    expect(md).to.include('| `psql-cf-1` | Microsoft.DBforPostgreSQL/flexibleServers | \\$155.86 | \\$160.05 | +\\$4.19 |');
  });

  it('lists denied and audited findings with the rule and the resource; a deny fails the deployment', () => {
    const denied: DeploymentReview = {
      deployment: 'westeu-stg-1',
      policy: policy([finding('audit', 'a1'), finding('deny', 'stcfwesteustg1')]),
      cost: cost(100, 100),
      failure: { message: 'westeu-stg-1: 1 resource(s) would be denied by the stg policy assignment; nothing was sent to Azure', hint: 'change deployments/westeu-stg-1.yaml', exitCode: 1 },
    };
    const md = renderComment([denied], { fullOutput: 'x' });
    expect(md).to.include('### ❌ westeu-stg-1');
    expect(md).to.include('**Policy: 1 denied, 1 audited** (120 evaluations): a deny fails the check');
    const rows = md.split('\n').filter((l) => l.includes('Storage accounts should disable public network access (cf-baseline-test)'));
    expect(rows[0]).to.equal('| ❌ deny | Storage accounts should disable public network access (cf-baseline-test) | `Microsoft.Storage/storageAccounts/stcfwesteustg1` | publicNetworkAccess is Enabled |');
    expect(rows[1]).to.match(/^\| ⚠️ audit \|/);
    expect(md).to.include('| ❌ policy deny |');
    expect(md).to.include('(no change)');
  });

  it('carries a failed what-if\'s message and hint, not a pointer to the job log', () => {
    const failure = { message: 'westeu-test-1: estimated $250.00/month exceeds the budget of $200.00 by $50.00; nothing was sent to Azure.\n  - with ``` a fence inside', hint: 'lower the SKUs in deployments/westeu-test-1.yaml', exitCode: 1 };
    const md = renderComment([{ deployment: 'westeu-test-1', cost: cost(250, 150), failure }], { fullOutput: 'x' });
    expect(md).to.include('**What-if failed** (exit 1):');
    expect(md).to.include('````text\nwesteu-test-1: estimated $250.00/month exceeds the budget of $200.00 by $50.00; nothing was sent to Azure.\n  - with ``` a fence inside\n````');
    expect(md).to.include('**Hint:** lower the SKUs in deployments/westeu-test-1.yaml');
    expect(md).to.include('budget \\$200.00, \\$50.00 over budget** ❌').and.include('| ❌ over budget |');
    expect(md).not.to.match(/job log/);
  });

  it('shows the resource group (or "subscription") in the scope column, not the full path', () => {
    const md = renderMarkdown(stack);
    expect(md).to.include('| `rg-cf-westeu-test-1` |');
    expect(md).not.to.match(/\| `\/subscriptions\//);
    const group = normaliseDeploymentWhatIf({ properties: { changes: [{ resourceId: '/subscriptions/s/resourceGroups/rg-x', changeType: 'Create', after: {} }] } });
    expect(renderMarkdown(group)).to.include('| `rg-x` | Microsoft.Resources/resourceGroups | `subscription` |');
    expect(scopeLabel('/subscriptions/s/resourceGroups/rg-1/providers/Microsoft.Cache/redisEnterprise/redis-1/databases/default')).to.equal('rg-1 (on redis-1/default)');
    expect(scopeLabel('/providers/Microsoft.Management/managementGroups/mg')).to.equal('/providers/Microsoft.Management/managementGroups/mg');
  });

  it('keeps unchanged resources one collapsed count', () => {
    const md = renderComment([ok], { fullOutput: 'x' });
    expect(md).to.include('<summary>Unchanged (3)</summary>');
    expect(md).not.to.include('#### = Unchanged');
  });

  it('stays under GitHub\'s limit with 8 huge deployments: all in the summary, each section as detailed as still fits, a link to the rest', () => {
    const reviews = deploymentNames.map((d, i): DeploymentReview => ({ deployment: d, whatIf: hugeModel(d, 400), policy: policy([finding('audit', `st${i}`)]), cost: cost(150 + i, 150) }));
    const md = renderComment(reviews, { fullOutput: `[the job summary and the what-if artifact of this run](${link})`, intro: 'What-if of 8 deployment(s).' });
    expect(md.length).to.be.at.most(60_000).and.below(githubLimit);
    for (const d of deploymentNames) expect(md, d).to.include(`| \`${d}\` | 360 to create, 40 unchanged |`);
    // Every deployment keeps at least its figures and findings; the resource tables go first.
    for (const d of deploymentNames) expect(md, d).to.include(`### ✅ ${d}`);
    expect(md).to.match(/Resource tables, property changes and long lists cut for `/).and.include(`The whole what-if: [the job summary and the what-if artifact of this run](${link}).`);
    expect(md.match(/<details>/g)?.length).to.equal(md.match(/<\/details>/g)?.length);
    const full = renderFullReview(reviews);
    expect(full.length).to.be.greaterThan(githubLimit);
    for (const d of deploymentNames) expect(full).to.include(`### ✅ ${d}`);
  });

  it('gives the first deployments their full section while it fits, then compact ones (figures and tables, no property listings)', () => {
    const reviews = deploymentNames.map((d): DeploymentReview => ({ deployment: d, whatIf: hugeModel(d, 25) }));
    const md = renderComment(reviews, { fullOutput: 'x' });
    const section = (d: string) => md.slice(md.indexOf(`### ✅ ${d}`), md.indexOf('\n### ', md.indexOf(`### ✅ ${d}`) + 1));
    expect(section(deploymentNames[0]!)).to.include('```text');
    expect(section(deploymentNames.at(-1)!)).not.to.include('```text');
    expect(section(deploymentNames.at(-1)!)).to.include('too long for a comment');
    expect(md).to.match(/Property changes and long lists cut for .*`/);
    expect(md.length).to.be.at.most(60_000);
  });

  it('names the deployments whose section does not fit at all', () => {
    const reviews = Array.from({ length: 80 }, (_, i): DeploymentReview => ({ deployment: `westeu-test-${i}`, whatIf: hugeModel(`d${i}`, 40), policy: policy([finding('audit', `st${i}`)]), cost: cost(150, 150) }));
    const md = renderComment(reviews, { fullOutput: `[the run](${link})` });
    expect(md.length).to.be.at.most(60_000);
    expect(md).to.match(/\*\*Not shown here\*\* \(the comment would pass GitHub's size limit\): `westeu-test-\d+`.* and \d+ more\./);
    for (let i = 0; i < 80; i++) expect(md).to.include(`| \`westeu-test-${i}\` |`);
  });

  it('stays under the limit however many deployments there are', () => {
    const reviews = Array.from({ length: 2000 }, (_, i): DeploymentReview => ({ deployment: `westeu-test-${i}`, failure: { message: 'x'.repeat(5000), exitCode: 1 } }));
    const md = renderComment(reviews, { fullOutput: 'x' });
    expect(md.length).to.be.at.most(60_000);
    expect(md).to.match(/… and \d+ more deployments/);
  });

  it('exits with the failures\' code: 0 when none failed, the one code they share, else 1', () => {
    expect(reviewExitCode([ok])).to.equal(0);
    expect(reviewExitCode([ok, { deployment: 'a', failure: { message: 'm', exitCode: 2 } }])).to.equal(2);
    expect(reviewExitCode([{ deployment: 'a', failure: { message: 'm', exitCode: 2 } }, { deployment: 'b', failure: { message: 'm', exitCode: 1 } }])).to.equal(1);
  });

  it('links to the Actions run when GitHub\'s variables are set, else to the details file', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' };
    expect(actionsRunUrl(env)).to.equal(link);
    expect(fullOutputPointer(env, undefined)).to.equal(`[the job summary and the what-if artifact of this run](${link})`);
    expect(actionsRunUrl({ ...env, GITHUB_RUN_ID: '42) [x](y' })).to.equal(undefined);
    expect(fullOutputPointer({}, '/tmp/what-if-full.md')).to.include('what-if-full.md');
  });
});

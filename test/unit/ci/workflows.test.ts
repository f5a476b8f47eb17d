// The GitHub Actions workflows (.github/workflows) checked by GitHub's own workflow parser
// (@actions/workflow-parser) and by the repository's rules: least-privilege OIDC, pinned actions,
// no pull_request_target, no client secrets, only existing CLI commands, deploys never cancelled.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ciFederatedCredentials, prFederatedCredentials } from '@complianceflow/cli/bootstrap/ci-identity.ts';
import { commandTable } from '@complianceflow/cli/commands/table.ts';
import { deploymentNames } from '../../support/deployment-names.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const workflowsDir = path.join(root, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const actionFiles = readdirSync(path.join(root, '.github/actions')).map((d) => `.github/actions/${d}/action.yml`);
const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const cliCommands = commandTable.map((c) => c.name);

type Permissions = Record<string, string> | string | undefined;
interface Step { uses?: string; run?: string; with?: Record<string, unknown>; 'working-directory'?: string }
interface Job { uses?: string; steps?: Step[]; permissions?: Permissions; environment?: unknown; concurrency?: unknown; if?: string; defaults?: { run?: { 'working-directory'?: string } } }
interface Workflow { on: Record<string, unknown>; permissions?: Permissions; concurrency?: { group: string; 'cancel-in-progress'?: boolean }; jobs: Record<string, Job> }

const text = (file: string) => readFileSync(path.join(workflowsDir, file), 'utf8');
const workflow = (file: string) => parseYaml(text(file)) as Workflow;
const jobsOf = (file: string) => Object.entries(workflow(file).jobs);
const grants = (p: Permissions, scope: string, level: string) => p === `${level}-all` || (typeof p === 'object' && p[scope] === level);
const logsInToAzure = (step: Step) => step.uses?.startsWith('azure/login@') === true;
const usesOidcToken = (step: Step) => logsInToAzure(step) || (step.uses?.startsWith('codecov/codecov-action@') === true && step.with?.use_oidc === true);

/** A job needs an OIDC token when a step logs in with one, or when it calls a reusable workflow that does. */
function needsIdToken(job: Job): boolean {
  if (job.uses?.startsWith('./') === true) return Object.values((parseYaml(readFileSync(path.join(root, job.uses), 'utf8')) as Workflow).jobs).some(needsIdToken);
  return (job.steps ?? []).some(usesOidcToken);
}

// The parser imports its JSON schema without an import attribute, which Node 24's ESM loader refuses:
// add the attribute for that package's JSON files only.
registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json')) return nextLoad(url, { ...context, importAttributes: { type: 'json' } });
    return nextLoad(url, context);
  },
});
const parser = await import('@actions/workflow-parser');

async function parserErrors(name: string, content: string): Promise<string[]> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0) {
    const template = await parser.convertWorkflowTemplate(result.context, result.value!);
    errors.push(...(template.errors ?? []).map((e) => e.Message));
  }
  return errors;
}

describe('GitHub Actions workflows', () => {
  it('has the CI, what-if, deploy, rollout, drift and reusable service workflows', () => {
    for (const f of ['ci.yml', 'what-if.yml', 'what-if-comment.yml', 'deploy.yml', 'rollout.yml', 'rollout-ring.yml', 'drift.yml', 'reusable-python-service.yml', 'reusable-frontend.yml', 'reusable-container-deploy.yml', 'sample-service-ci-cd.yml']) {
      expect(workflowFiles, f).to.include(f);
    }
  });

  it("GitHub's workflow parser rejects a broken workflow (so the next test means something)", async () => {
    const job = (body: string) => `on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n${body}`;
    expect((await parserErrors('a.yml', job('    stepz: []\n    steps:\n      - run: echo\n'))).join('\n')).to.match(/Unexpected value 'stepz'/);
    expect((await parserErrors('b.yml', job('    steps:\n      - run: echo ${{ github.sha( }}\n'))).join('\n')).to.match(/Unexpected (symbol|end of expression)/);
    expect((await parserErrors('c.yml', job('    steps:\n      - run: echo\n    needs: nowhere\n'))).join('\n')).to.match(/The workflow must contain at least one job with no dependencies|nowhere/);
  });

  for (const file of workflowFiles) {
    it(`${file} passes GitHub's workflow parser without errors`, async () => {
      expect(await parserErrors(file, text(file))).to.deep.equal([]);
    });
  }

  it('grants no permissions at the top level, and id-token: write exactly to the jobs that log in with OIDC', () => {
    const wrong: string[] = [];
    for (const file of workflowFiles) {
      const top = workflow(file).permissions;
      if (!(top !== undefined && (typeof top === 'object' && Object.entries(top).every(([k, v]) => k === 'contents' && v === 'read')))) wrong.push(`${file}: top-level permissions must be {} or contents: read`);
      for (const [name, job] of jobsOf(file)) {
        if (job.permissions === undefined) wrong.push(`${file} ${name}: no job permissions`);
        if (grants(job.permissions, 'id-token', 'write') !== needsIdToken(job)) wrong.push(`${file} ${name}: id-token: write ${needsIdToken(job) ? 'missing' : 'without an OIDC login'}`);
        if (job.steps?.some(logsInToAzure) && !grants(job.permissions, 'id-token', 'write')) wrong.push(`${file} ${name}: azure/login without id-token: write`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('grants pull-requests: write / issues: write only to jobs that comment or file issues', () => {
    const wrong: string[] = [];
    for (const file of workflowFiles) {
      for (const [name, job] of jobsOf(file)) {
        const writes = grants(job.permissions, 'pull-requests', 'write') || grants(job.permissions, 'issues', 'write');
        const scripts = (job.steps ?? []).some((s) => s.uses?.startsWith('actions/github-script@') === true);
        if (writes !== scripts) wrong.push(`${file} ${name}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('pins every non-local action to a full commit SHA with the version in a comment', () => {
    const wrong: string[] = [];
    let pinned = 0;
    for (const file of [...workflowFiles.map((f) => `.github/workflows/${f}`), ...actionFiles]) {
      for (const line of readFileSync(path.join(root, file), 'utf8').split('\n')) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
        if (m === null || m[1]!.startsWith('./')) continue;
        if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1]!) || !/#\s*v\d+(\.\d+)*/.test(m[2]!)) wrong.push(`${file}: ${line.trim()}`);
        else pinned++;
      }
    }
    expect(pinned).to.be.greaterThan(20);
    expect(wrong).to.deep.equal([]);
  });

  it('points every local uses: at a file that exists', () => {
    const missing: string[] = [];
    for (const file of workflowFiles) {
      for (const m of text(file).matchAll(/uses:\s*(\.\/\S+)/g)) {
        const target = path.join(root, m[1]!);
        if (!existsSync(target.endsWith('.yml') ? target : path.join(target, 'action.yml'))) missing.push(`${file}: ${m[1]}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('never uses pull_request_target, AZURE_CREDENTIALS or a client secret', () => {
    for (const file of workflowFiles) {
      expect(Object.keys(workflow(file).on), file).not.to.include('pull_request_target');
      const code = text(file).split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
      expect(code, file).not.to.match(/pull_request_target|AZURE_CREDENTIALS|client-secret|clientSecret|ACR_PASSWORD/);
      for (const [name, job] of jobsOf(file)) {
        for (const step of (job.steps ?? []).filter(logsInToAzure)) {
          expect(Object.keys(step.with ?? {}).sort(), `${file} ${name}`).to.deep.equal(['client-id', 'subscription-id', 'tenant-id']);
          expect(Object.values(step.with ?? {}).every((v) => typeof v === 'string' && v.startsWith('${{ vars.')), `${file} ${name}`).to.equal(true);
        }
      }
    }
  });

  it('runs only npm scripts and cf-infra commands that exist (in the infrastructure workflows)', () => {
    const unknown: string[] = [];
    let calls = 0;
    const runs = [...workflowFiles.map((f) => `.github/workflows/${f}`), ...actionFiles].flatMap((file) => {
      const doc = parseYaml(readFileSync(path.join(root, file), 'utf8')) as Partial<Workflow> & { runs?: { steps?: Step[] } };
      const jobs = Object.values(doc.jobs ?? {}).filter((j) => j.defaults?.run?.['working-directory'] === undefined);
      return [...jobs.flatMap((j) => j.steps ?? []), ...(doc.runs?.steps ?? [])].filter((s) => s.run !== undefined && s['working-directory'] === undefined).map((s) => ({ file, run: s.run! }));
    });
    for (const { file, run } of runs) {
      for (const m of run.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)) {
        calls++;
        if (!scripts.includes(m[1]!)) unknown.push(`${file}: npm run ${m[1]}`);
      }
      for (const m of run.matchAll(/(?:npx cf-infra|node packages\/cli\/bin\/cf-infra\.js) ([a-z][\w-]*)/g)) {
        calls++;
        if (!cliCommands.includes(m[1]!)) unknown.push(`${file}: cf-infra ${m[1]}`);
      }
      for (const m of run.matchAll(/node (\.github\/scripts\/\S+)|bash (\.github\/scripts\/\S+|scripts\/\S+)/g)) {
        if (!existsSync(path.join(root, (m[1] ?? m[2])!))) unknown.push(`${file}: ${m[0]}`);
      }
    }
    expect(calls).to.be.at.least(8);
    expect(unknown).to.deep.equal([]);
  });

  it('deploys: push to main that changes what deploys → westeu-test-1, dispatch → any deployment, in its environment, never cancelled', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on).to.have.keys(['push', 'workflow_dispatch']);
    const push = deploy.on.push as { branches: string[]; paths: string[] };
    expect(push.branches).to.deep.equal(['main']);
    // What deploys triggers a deploy; docs and tests do not.
    for (const p of ['bicep/**', 'deployments/**', 'policies/**', 'packages/cli/**', 'packages/core/**', 'package-lock.json', '.github/actions/deploy/**', '.github/workflows/deploy.yml']) expect(push.paths).to.include(p);
    for (const p of push.paths) expect(p, p).not.to.match(/^(docs|test|bench)\/|\.md$|packages\/arm-emulator|packages\/docs-tools/);
    const input = (deploy.on.workflow_dispatch as { inputs: { deployment: { type: string; options: string[] } } }).inputs.deployment;
    expect(input.type).to.equal('choice');
    expect([...input.options].sort()).to.deep.equal(deploymentNames);
    expect(deploy.concurrency?.group).to.include('deploy-').and.to.include("inputs.deployment || 'westeu-test-1'");
    for (const [name, job] of [['(workflow)', deploy] as const, ...jobsOf('deploy.yml')]) {
      const c = job.concurrency as { 'cancel-in-progress'?: unknown } | undefined;
      if (c !== undefined) expect(c['cancel-in-progress'], name).to.equal(false);
    }
    const job = deploy.jobs.deploy!;
    expect(job.environment).to.equal('${{ needs.resolve.outputs.environment }}');
    // The steps of a deploy are the deploy action, shared with rollout.yml.
    expect(job.steps!.find((s) => s.uses === './.github/actions/deploy')?.with).to.deep.equal({ deployment: '${{ needs.resolve.outputs.deployment }}' });
    const action = parseYaml(readFileSync(path.join(root, '.github/actions/deploy/action.yml'), 'utf8')) as { runs: { steps: Step[] } };
    expect(action.runs.steps.map((s) => s.run ?? '').join('\n')).to.include('npm run deploy -- "$DEPLOYMENT"');
    expect(action.runs.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@') === true)).to.equal(true);
    // The deploy's GitHub mode writes report.md into the job summary itself (progress.summary).
    expect(readFileSync(path.join(root, 'packages/cli/src/runner/progress.ts'), 'utf8')).to.include('env.GITHUB_STEP_SUMMARY');
    for (const d of deploymentNames) {
      expect(readFileSync(path.join(root, 'deployments', `${d}.yaml`), 'utf8'), d).to.match(/^environment: (test|stg|prod)\s*$/m);
    }
  });

  it('takes a failing container-registry lookup for a failure, never for a first deploy', () => {
    const action = readFileSync(path.join(root, '.github/actions/deploy/action.yml'), 'utf8');
    // An `if az acr show ...; then` treats every failure (login, rights, network) as "no registry yet".
    expect(action).not.to.match(/if\s+!?\s*az acr show/);
    expect(action).to.include('if ! found=$(az acr list --query "length([?name==\'$registry\'])" --output tsv --only-show-errors); then');
  });

  it('the setup action installs only what a job asks for: the test job the Debian packages, jobs that compile nothing no Bicep', () => {
    const setup = parseYaml(readFileSync(path.join(root, '.github/actions/setup/action.yml'), 'utf8')) as { inputs: Record<string, { default: string }> };
    expect(Object.fromEntries(Object.entries(setup.inputs).map(([k, v]) => [k, v.default]))).to.deep.equal({ bicep: 'true', 'system-packages': 'false' });
    const setupWith = (file: string, job: string) => workflow(file).jobs[job]!.steps!.find((s) => s.uses === './.github/actions/setup')?.with ?? {};
    expect(setupWith('ci.yml', 'test')).to.deep.equal({ 'system-packages': 'true' });
    expect(setupWith('ci.yml', 'plan')).to.deep.equal({});
    expect(setupWith('rollout.yml', 'rings')).to.deep.equal({ bicep: 'false' });
    expect(setupWith('drift.yml', 'stacks')).to.deep.equal({ bicep: 'false' });
    expect(setupWith('drift.yml', 'what-if')).to.deep.equal({});
    const script = readFileSync(path.join(root, 'scripts/setup.sh'), 'utf8');
    expect(script).to.include('CF_SETUP_SYSTEM_PACKAGES:-true').and.to.include('CF_SETUP_BICEP:-true').and.to.match(/apt_packages=\(postgresql redis-server shellcheck\)/);
  });

  it('every Azure login uses the identity federated for its OIDC subject: pull requests the read/what-if identity, deploys and drift the CI identity', () => {
    // The subject GitHub puts in the token: environment:<env> for a job with an environment, else
    // pull_request for a pull_request run, else ref:<ref> (bootstrap trusts refs/heads/main only).
    const github = { owner: 'o', repo: 'r' };
    const trusted = { AZURE_CLIENT_ID: ciFederatedCredentials(github, ['test', 'stg', 'prod']), AZURE_PR_CLIENT_ID: prFederatedCredentials(github) };
    const kinds = (variable: keyof typeof trusted) => new Set(trusted[variable].map((c) => c.subject.split(':')[2]));
    const callers = (file: string) => workflowFiles.filter((f) => jobsOf(f).some(([, job]) => job.uses === `./.github/workflows/${file}`));
    const triggers = (file: string): string[] => (Object.keys(workflow(file).on).includes('workflow_call') ? callers(file).flatMap(triggers) : Object.keys(workflow(file).on));
    const logins: string[] = [];
    for (const file of workflowFiles) {
      for (const [name, job] of jobsOf(file)) {
        for (const step of (job.steps ?? []).filter(logsInToAzure)) {
          const variable = /^\$\{\{ vars\.(\w+) \}\}$/.exec(String(step.with?.['client-id']))?.[1] as keyof typeof trusted;
          const subject = job.environment !== undefined ? 'environment' : triggers(file).includes('pull_request') ? 'pull_request' : 'ref';
          logins.push(`${file} ${name}: ${variable} (${subject})`);
          expect(Object.keys(trusted), `${file} ${name}`).to.include(variable);
          expect(kinds(variable).has(subject), `${file} ${name}: ${variable} is not federated for the ${subject} subject`).to.equal(true);
          // A pull_request run never logs in as the deploying identity, whatever else it does.
          if (triggers(file).includes('pull_request')) expect(variable, `${file} ${name}`).to.equal('AZURE_PR_CLIENT_ID');
        }
      }
    }
    expect(logins).to.include('what-if.yml what-if: AZURE_PR_CLIENT_ID (pull_request)');
    expect(logins.filter((l) => l.includes('AZURE_PR_CLIENT_ID'))).to.deep.equal(['what-if.yml what-if: AZURE_PR_CLIENT_ID (pull_request)']);
    // The pull-request identity holds no storage rights: its job is not pointed at the artifacts account or the lock.
    expect(text('what-if.yml')).not.to.match(/CF_ARTIFACTS_ACCOUNT_URL|CF_LOCK_CONTAINER/);
  });

  it('what-if: one cf-infra what-if of the affected deployments renders the sticky comment (cost against the base branch), forks only offline', () => {
    const whatIf = workflow('what-if.yml');
    expect(Object.keys(whatIf.on)).to.deep.equal(['pull_request']);
    expect(whatIf.jobs['what-if']!.if).to.include('!github.event.pull_request.head.repo.fork');
    expect(whatIf.jobs.comment!.if).to.include('!github.event.pull_request.head.repo.fork');
    const fork = whatIf.jobs['offline-diff']!;
    expect(fork.if).to.equal('github.event.pull_request.head.repo.fork');
    expect(needsIdToken(fork)).to.equal(false);
    expect(text('what-if.yml')).to.include('npm run --silent what-if -- "${deployments[@]}" --format markdown --cost-base "origin/$BASE_REF" --details-file what-if/full.md > what-if/comment.md');
    // The base branch must be in the checkout for --cost-base; the whole output goes to the job summary.
    const job = whatIf.jobs['what-if']!;
    expect(job.steps![0]!.with?.['fetch-depth']).to.equal(0);
    expect(job.steps!.map((s) => s.run ?? '').join('\n')).to.include('cat what-if/full.md >> "$GITHUB_STEP_SUMMARY"');
    // The comment posts what the CLI rendered (marker included), never a pointer to the job log.
    const script = String(whatIf.jobs.comment!.steps!.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!['script']);
    expect(script).to.include("'what-if/comment.md'").and.not.include('see the job log');
    expect(text('what-if.yml')).to.include('bash .github/scripts/affected-deployments.sh');
    expect(readFileSync(path.join(root, '.github/scripts/sticky-comment.cjs'), 'utf8')).to.include('<!-- cf-infra-what-if -->');
    // The fork comment runs base-repository code only: it never checks out the PR head.
    expect(text('what-if-comment.yml')).not.to.match(/ref:\s*\$\{\{\s*github\.event\.workflow_run\.head/);
  });

  it('drift: daily what-if --detailed-exitcode of every stack, one issue per drifting deployment', () => {
    const drift = workflow('drift.yml');
    expect(drift.on).to.have.keys(['schedule', 'workflow_dispatch']);
    expect(text('drift.yml')).to.include('npm run --silent list -- --json').and.to.include('--detailed-exitcode');
    expect(readFileSync(path.join(root, '.github/scripts/drift-issue.cjs'), 'utf8')).to.include("labels: ['drift']").and.to.include('`Drift: ${deployment}`');
  });

  it('the ruleset requires pull requests, linear history, no force push and the ci jobs as status checks', () => {
    const ruleset = JSON.parse(readFileSync(path.join(root, '.github/rulesets/main.json'), 'utf8')) as { rules: { type: string; parameters?: { required_status_checks?: { context: string }[] } }[] };
    const types = ruleset.rules.map((r) => r.type);
    expect(types).to.include.members(['pull_request', 'required_linear_history', 'non_fast_forward', 'required_status_checks']);
    const checks = ruleset.rules.find((r) => r.type === 'required_status_checks')!.parameters!.required_status_checks!.map((c) => c.context).sort();
    const ciJobNames = jobsOf('ci.yml').map(([id, job]) => (job as { name?: string }).name ?? id).sort();
    expect(checks).to.deep.equal(ciJobNames);
  });
});

describe('workflow helper scripts', () => {
  const require = createRequire(import.meta.url);

  it('plan-summary.mjs turns plan --json into a policy and cost table', async () => {
    const { planSummary } = (await import(pathToFileURL(path.join(root, '.github/scripts/plan-summary.mjs')).href)) as { planSummary: (plans: unknown[]) => string };
    const plan = (deployment: string, denied: number, withinBudget: boolean) => ({
      deployment,
      policy: { results: denied > 0 ? [{ rule: 'no-public-ip', effect: 'deny' }] : [], denied, audited: 0, evaluated: 10 },
      cost: { monthlyTotal: 1234.5, monthlyTotalAtCaps: 2000, priceTable: { file: 'pricing/p.json', date: '2026-11-29' }, budget: { withinBudget, budgetUsd: 1000 } },
    });
    const md = planSummary([plan('westeu-test-1', 0, true), plan('westeu-prod-1', 1, false)]);
    expect(md).to.include('| westeu-test-1 | ✅ 10 checks passed | $1,234.50 | $2,000.00 | ✅ within $1,000.00 |');
    expect(md).to.include('| westeu-prod-1 | ❌ 1 denied | $1,234.50 | $2,000.00 | ❌ over $1,000.00 |');
    expect(md).to.include('"rule": "no-public-ip"');
  });

  // An in-memory issue tracker with the Octokit calls the scripts make.
  function tracker() {
    const issues: { number: number; title: string; body: string; state: string; labels: string[]; comments: string[] }[] = [];
    const comments: { id: number; body: string }[] = [];
    const rest = {
      issues: {
        listComments: 'listComments',
        listForRepo: 'listForRepo',
        createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
          comments.push({ id: comments.length + 1, body });
          issues.find((i) => i.number === issue_number)?.comments.push(body);
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          comments.find((c) => c.id === comment_id)!.body = body;
        },
        create: async ({ title, body, labels }: { title: string; body: string; labels: string[] }) => {
          issues.push({ number: issues.length + 1, title, body, labels, state: 'open', comments: [] });
        },
        update: async ({ issue_number, ...change }: { issue_number: number; body?: string; state?: string }) => {
          Object.assign(issues.find((i) => i.number === issue_number)!, change);
        },
      },
    };
    const paginate = async (method: string, { labels }: { labels?: string }) =>
      method === 'listComments' ? comments : issues.filter((i) => i.state === 'open' && (labels === undefined || i.labels.includes(labels)));
    return { github: { rest, paginate }, context: { repo: { owner: 'o', repo: 'r' } }, issues, comments };
  }

  it('sticky-comment.cjs creates the what-if comment once and then updates it', async () => {
    const stickyComment = require(path.join(root, '.github/scripts/sticky-comment.cjs')) as (a: object) => Promise<void>;
    const t = tracker();
    await t.github.rest.issues.createComment({ issue_number: 7, body: 'an unrelated comment' });
    await stickyComment({ ...t, issueNumber: 7, body: 'first' });
    await stickyComment({ ...t, issueNumber: 7, body: 'second' });
    expect(t.comments.map((c) => c.body)).to.deep.equal(['an unrelated comment', '<!-- cf-infra-what-if -->\nsecond']);
  });

  it('sticky-comment.cjs keeps a body that starts with the marker as it is (what-if --format markdown renders it)', async () => {
    const stickyComment = require(path.join(root, '.github/scripts/sticky-comment.cjs')) as (a: object) => Promise<void>;
    const t = tracker();
    await stickyComment({ ...t, issueNumber: 7, body: '<!-- cf-infra-what-if -->\n## cf-infra what-if' });
    await stickyComment({ ...t, issueNumber: 7, body: '<!-- cf-infra-what-if -->\n## cf-infra what-if\n\nagain' });
    expect(t.comments.map((c) => c.body)).to.deep.equal(['<!-- cf-infra-what-if -->\n## cf-infra what-if\n\nagain']);
  });

  it('drift-issue.cjs opens one issue per drifting deployment, updates it, and closes it when drift is gone', async () => {
    const syncDriftIssue = require(path.join(root, '.github/scripts/drift-issue.cjs')) as (a: object) => Promise<void>;
    const t = tracker();
    const sync = (deployment: string, drifting: boolean, whatIf: string) => syncDriftIssue({ ...t, deployment, drifting, whatIf, run: 'https://run' });
    await sync('westeu-test-1', true, 'change A');
    await sync('westeu-test-1', true, 'change B');
    await sync('westeu-stg-1', false, 'nothing');
    expect(t.issues.map((i) => [i.title, i.state, i.labels])).to.deep.equal([['Drift: westeu-test-1', 'open', ['drift']]]);
    expect(t.issues[0]!.body).to.include('change B').and.not.to.include('change A');
    await sync('westeu-test-1', false, 'nothing');
    expect(t.issues[0]!.state).to.equal('closed');
    expect(t.issues[0]!.comments[0]).to.include('No drift any more');
    await sync('westeu-test-1', true, 'change C');
    expect(t.issues.map((i) => [i.title, i.state])).to.deep.equal([['Drift: westeu-test-1', 'closed'], ['Drift: westeu-test-1', 'open']]);
  });
});

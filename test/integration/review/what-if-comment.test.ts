// `cf-infra what-if --all --format markdown` as the what-if workflow runs it: the real Bicep compiler,
// the ARM emulator over HTTPS (fresh: nothing deployed, so all 8 deployments change), in a scratch
// checkout that is a git repository: its committed golden snapshot of westeu-test-1 lacks the
// PostgreSQL server (the cost base, --cost-base HEAD); after the commit westeu-stg-1's budget is
// lowered to $1 (its preflight fails) and westeu-prod-2's file is broken, while the other six go on.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { freePort } from '../../support/azurite.ts';
import { cliPath, repoRoot, runNode } from '../../support/cli.ts';
import { deploymentNames } from '../../support/deployment-names.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';

const githubLimit = 65_536;

function git(root: string, args: string[]): void {
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

describe('what-if --all --format markdown: the whole pull-request comment', function () {
  this.timeout(900_000);
  let root: string;
  let emulator: RunningEmulator;

  before(async () => {
    root = scratchCheckout('cf-what-if-comment-', ['deployments', 'bicep', 'policies', 'pricing', 'scripts/bicep-restore']);
    cpSync(path.join(repoRoot, 'bicepconfig.json'), path.join(root, 'bicepconfig.json'));
    const golden = path.join(root, 'deployments/snapshots/westeu-test-1.json');
    const snapshot = JSON.parse(readFileSync(golden, 'utf8')) as { resources: { type: string }[] };
    const withoutServer = { ...snapshot, resources: snapshot.resources.filter((r) => r.type !== 'Microsoft.DBforPostgreSQL/flexibleServers') };
    writeFileSync(golden, JSON.stringify(withoutServer, null, 2));
    git(root, ['init', '-q']);
    git(root, ['add', 'deployments']);
    git(root, ['commit', '-q', '-m', 'base']);
    const stg = path.join(root, 'deployments/westeu-stg-1.yaml');
    writeFileSync(stg, `${readFileSync(stg, 'utf8')}overrides:\n  budget:\n    monthlyUsd: 1\n`);
    const prod2 = path.join(root, 'deployments/westeu-prod-2.yaml');
    writeFileSync(prod2, readFileSync(prod2, 'utf8').replace(/^addressSpace: .*$/m, 'addressSpace: not-a-cidr'));
    emulator = await startEmulator({ stateDir: path.join(root, '.emulator'), port: 0, latency: { defaultMs: 0 } });
  });
  after(async () => {
    await emulator?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it('summarises all 8 deployments under 65,536 characters; the failing ones carry their error and hint; the cost compares with HEAD', async () => {
    const details = path.join(root, 'what-if-full.md');
    const env = {
      GITHUB_ACTIONS: '',
      ARM_EMULATOR_ENDPOINT: emulator.endpoint,
      ARM_EMULATOR_STATE_DIR: emulator.stateDir,
      ARM_EMULATOR_PORT: String(await freePort()),
      CF_RUNS_DIR: path.join(root, '.runs'),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '42',
    };
    const run = await runNode(root, path.join(root, path.relative(repoRoot, cliPath)), ['what-if', '--all', '--emulator', '--format', 'markdown', '--cost-base', 'HEAD', '--details-file', details], env);
    const md = run.stdout;
    expect(run.code, run.stderr).to.equal(ExitCode.Failed);
    expect(md.length).to.be.below(githubLimit);
    expect(md.split('\n')[0]).to.equal('<!-- cf-infra-what-if -->');
    for (const d of deploymentNames) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${d}\` |`));
      expect(row, d).to.not.equal(undefined);
      if (d === 'westeu-stg-1') expect(row).to.match(/\| ❌ over budget \|$/);
      else if (d === 'westeu-prod-2') expect(row).to.match(/\| — \| — \| — \| ❌ failed \|$/);
      else expect(row, d).to.match(/^\| `[^`]+` \| \d+ to create[^|]*\| [^|]+ \| 0 denied, \d+ audited \| ✅ ok \|$/);
    }
    expect(md).to.match(/westeu-stg-1: estimated \$[\d,.]+\/month exceeds the budget of \$1\.00 by \$[\d,.]+; nothing was sent to Azure\./);
    expect(md).to.include('**Hint:** lower the SKUs in deployments/westeu-stg-1.yaml');
    const prod2Section = md.slice(md.indexOf('### ❌ westeu-prod-2'), md.indexOf('\n### ', md.indexOf('### ❌ westeu-prod-2') + 1));
    expect(prod2Section).to.include('**What-if failed** (exit 2):').and.match(/deployments\/westeu-prod-2\.yaml.*addressSpace.*not-a-cidr/);
    // The failed deployment's section comes first.
    expect(md.indexOf('### ❌ westeu-stg-1')).to.be.greaterThan(md.indexOf('| Deployment |')).and.lessThan(md.indexOf('### ✅'));
    expect(md.indexOf('### ❌ westeu-prod-2')).to.be.lessThan(md.indexOf('### ✅'));
    // Each deployment keeps at least its figures and findings in the comment; the rest is in the job summary.
    for (const d of deploymentNames) expect(md, d).to.match(new RegExp(`^### [✅❌] ${d}$`, 'm'));
    expect(md).to.match(/(Property changes|Resource tables)[^.]* cut for `/);
    const full = readFileSync(details, 'utf8');
    for (const d of deploymentNames) expect(full).to.match(new RegExp(`^### [✅❌] ${d}$`, 'm'));
    const testSection = full.slice(full.indexOf('### ✅ westeu-test-1'));
    expect(testSection, 'westeu-test-1 costs more than its committed snapshot without the server').to.match(/^\*\*Cost: \\\$[\d,.]+ → \\\$[\d,.]+ \/ month \(\+\\\$[\d,.]+, \+[\d.]+ %\); budget \\\$[\d,.]+, \\\$[\d,.]+ to spare\*\*$/m);
    expect(testSection).to.include("Base: HEAD's golden snapshot at the prices of");
    expect(testSection).to.match(/\| `psql-cf-westeu-test-1` \| Microsoft\.DBforPostgreSQL\/flexibleServers \| — \| \\\$[\d,.]+ \| \+\\\$[\d,.]+ \|/);
    expect(md).not.to.match(/\| `\/subscriptions\//);
    expect(md).to.include('https://github.com/o/r/actions/runs/42');
  });
});

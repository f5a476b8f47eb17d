// `cf-infra cidr` and `cf-infra names` as a user runs them: real processes, real registry.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';
import { cliEntry } from '../../support/cli.ts';

function cli(...args: string[]) {
  return cliIn(repoRoot, ...args);
}

function cliIn(root: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [cliEntry, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A throw-away checkout: the packages, the registry and the subnet plan. */
function scratch(): string {
  return scratchCheckout('cf-cli-', ['deployments', 'bicep/shared']);
}

function expectBadInput(run: ReturnType<typeof cli>, message: string | RegExp): void {
  expect(run.status, run.stderr).to.equal(2);
  if (typeof message === 'string') expect(run.stderr).to.include(message);
  else expect(run.stderr).to.match(message);
  expect(run.stderr).to.not.match(/^\s+at /m);
  expect(run.stdout).to.equal('');
}

describe('cf-infra cidr / names', () => {
  it('cidr --json prints every deployment, its subnets and the next free /16 per region', () => {
    const run = cli('cidr', '--json');
    expect(run.status, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as {
      deployments: { name: string; addressSpace: string; regionCode: string; location: string; environment: string; subnets: { tier: string; name: string; prefix: string }[] }[];
      suggestions: { regionCode: string; nextFree: string }[];
      rule: string;
    };
    expect(report.deployments).to.have.length(8);
    const prod2 = report.deployments.find((d) => d.name === 'westeu-prod-2')!;
    expect(prod2).to.deep.include({ addressSpace: '10.31.0.0/16', regionCode: 'westeu', location: 'westeurope', environment: 'prod' });
    expect(prod2.subnets.find((s) => s.tier === 'apim')).to.deep.equal({ tier: 'apim', name: 'snet-cf-westeu-prod-2-apim', prefix: '10.31.5.0/24' });
    expect(report.suggestions).to.deep.equal([
      { regionCode: 'westeu', location: 'westeurope', nextFree: '10.32.0.0/16' },
      { regionCode: 'eastus', location: 'eastus', nextFree: '10.41.0.0/16' },
      { regionCode: 'northeu', location: 'northeurope', nextFree: '10.51.0.0/16' },
    ]);
    expect(report.rule).to.match(/^Next free \/16:/);
  });

  it('cidr prints the allocation table and, with --region, one suggestion', () => {
    const run = cli('cidr', '--region', 'eastus');
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^DEPLOYMENT\s+REGION\s+ENVIRONMENT\s+CIDR\s+SUBNETS$/m);
    expect(run.stdout).to.match(/^westeu-test-1\s+westeu \(westeurope\)\s+test\s+10\.10\.0\.0\/16\s+containerapps 10\.10\.1\.0\/24, db 10\.10\.2\.0\/24/m);
    expect(run.stdout).to.match(/^eastus \(eastus\)\s+10\.41\.0\.0\/16$/m);
    expect(run.stdout).to.not.include('westeu (westeurope)    10.32');
  });

  it('names prints every derived name, and --json the names parameter', () => {
    const text = cli('names', 'westeu-test-1');
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout).to.match(/^keyVault\s+kv-cf-westeutest1-1v2yo\s+Microsoft\.KeyVault\/vaults\s+global$/m);
    expect(text.stdout).to.match(/^databases\.user\s+complianceflow_user_westeu_test_1\s/m);
    const json = cli('names', 'westeu-test-1', '--json');
    expect(json.status, json.stderr).to.equal(0);
    const parsed = JSON.parse(json.stdout) as { deployment: string; names: Record<string, unknown>; otherNames: Record<string, string> };
    expect(parsed.deployment).to.equal('westeu-test-1');
    expect(parsed.names).to.deep.include({ resourceGroup: 'rg-cf-westeu-test-1', keyVault: 'kv-cf-westeutest1-1v2yo' });
    expect(parsed.names.subnets).to.not.have.property('apim');
    expect(parsed.otherNames.deploymentStack).to.equal('cf-westeu-test-1');
  });

  it('an unknown deployment exits 2 with the known ones on stderr and no stack trace', () => {
    expectBadInput(cli('names', 'westeu-tset-1'), 'error: unknown deployment "westeu-tset-1"; did you mean "westeu-test-1"? Known deployments: eastus-prod-1,');
  });

  it('a broken registry exits 2, lists every problem on stderr, prints no stack trace and writes nothing', () => {
    const root = scratch();
    try {
      const file = path.join(root, 'deployments', 'westeu-stg-1.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('10.20.0.0/16', '10.10.0.0/16').replace('regionCode: westeu', 'regionCode: westeurope'));
      const listing = () => readdirSync(path.join(root, 'deployments'), { recursive: true, encoding: 'utf8' }).map((entry) => `${entry}:${statSync(path.join(root, 'deployments', entry)).mtimeMs}`).sort();
      const before = listing();
      for (const args of [['cidr'], ['names', 'westeu-test-1']]) {
        const run = cliIn(root, ...args);
        expectBadInput(run, 'error: 3 problems in the deployment registry:');
        expect(run.stderr).to.include('deployments/westeu-stg-1.yaml: regionCode: "westeurope" is not a region in deployments/regions.yaml (westeurope is the Azure location of region code "westeu"); allowed: westeu, eastus, northeu');
        expect(run.stderr).to.include('deployments/westeu-stg-1.yaml: name: "westeu-stg-1" does not match its fields; allowed: "westeurope-stg-1"');
        expect(run.stderr).to.include('deployments/westeu-test-1.yaml: addressSpace: westeu-stg-1 (10.10.0.0/16) is the same block as westeu-test-1 (10.10.0.0/16)');
      }
      expect(listing()).to.deep.equal(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('bad arguments exit 2 with a specific message', () => {
    expectBadInput(cli('cidr', '--region', 'mars'), 'error: unknown region code "mars"; known region codes: westeu, eastus, northeu');
    expectBadInput(cli('cidr', '--regoin', 'westeu'), /error: cidr: Unknown option '--regoin'/);
    expectBadInput(cli('names'), 'error: names: give exactly one deployment name (got none)');
    expectBadInput(cli('names', 'westeu-test-1', 'westeu-prod-1'), 'error: names: give exactly one deployment name (got westeu-test-1, westeu-prod-1)');
  });
});

// `cf-infra plan` end to end: the real registry, the real bicep/main.bicep and the real Bicep CLI.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/bicep/paths.ts';
import { loadRegistry, resolveDeployment } from '@complianceflow/cli/config/registry.ts';
import { defaultGoldenDir } from '@complianceflow/cli/plan/golden.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';
import { cliPath as cli } from '../../support/cli.ts';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cfInfra(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '' } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

function expectNoStackTrace(result: Result): void {
  expect(result.stderr).to.not.match(/^\s+at /m);
  expect(result.stdout + result.stderr).to.not.include('.ts:');
}

describe('cf-infra plan', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'cf-plan-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  describe('bad input (exit 2, no stack trace, nothing written)', () => {
    it('refuses an unknown deployment', async () => {
      const cacheDir = path.join(tmp, 'cache');
      const result = await cfInfra('plan', 'westeu-tset-1', '--cache-dir', cacheDir);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('error: unknown deployment "westeu-tset-1"; did you mean "westeu-test-1"?');
      expect(result.stdout).to.equal('');
      expectNoStackTrace(result);
      expect(existsSync(cacheDir)).to.equal(false);
      expect(existsSync(path.join(repoRoot, '.cache', 'plan', 'westeu-tset-1'))).to.equal(false);
    });

    it('refuses missing, conflicting and unknown options', async () => {
      const cases: [string[], string][] = [
        [['plan'], 'error: plan: which deployment? Give one or more names, or --all'],
        [['plan', '--all', 'westeu-test-1'], 'error: plan: give deployment names or --all, not both'],
        [['plan', 'westeu-test-1', '--check', '--update'], 'error: plan: --check and --update exclude each other'],
        [['plan', 'westeu-test-1', '--frobnicate'], "error: plan: Unknown option '--frobnicate'"],
      ];
      for (const [args, message] of cases) {
        const result = await cfInfra(...args);
        expect(result.code, args.join(' ')).to.equal(2);
        expect(result.stderr, args.join(' ')).to.include(message);
        expectNoStackTrace(result);
      }
    });
  });

  it('--json of westeu-test-1: parameters, the resource group, the VNet and its subnets with the right prefixes', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const result = await cfInfra('plan', 'westeu-test-1', '--json', '--cache-dir', cacheDir);
    expect(result.code, result.stderr).to.equal(0);
    const plan = JSON.parse(result.stdout) as { deployment: string; parameters: Record<string, unknown>; resources: Resource[]; summary: { addressRanges: { virtualNetworks: unknown[] } } };
    const d = resolveDeployment(loadRegistry(), 'westeu-test-1');
    expect(plan.deployment).to.equal('westeu-test-1');
    expect(plan.parameters['addressSpace']).to.equal('10.10.0.0/16');
    expect(plan.parameters['names']).to.deep.equal(d.names);

    const zero = '00000000-0000-0000-0000-000000000000';
    const group = plan.resources.find((r) => r['type'] === 'Microsoft.Resources/resourceGroups' && r['name'] === d.names.resourceGroup);
    expect(group?.['id']).to.equal(`/subscriptions/${zero}/resourceGroups/${d.names.resourceGroup}`);
    expect(group?.['location']).to.equal('westeurope');
    expect(group?.['tags']).to.deep.include({ app: 'complianceflow', env: 'test', deployment: 'westeu-test-1', region: 'westeurope' });

    const vnets = plan.resources.filter((r) => r['type'] === 'Microsoft.Network/virtualNetworks');
    expect(vnets.map((r) => r['name'])).to.deep.equal([d.names.virtualNetwork]);
    expect(plan.summary.addressRanges.virtualNetworks).to.deep.equal([
      {
        name: d.names.virtualNetwork,
        addressPrefixes: ['10.10.0.0/16'],
        subnets: [...d.subnets].sort((a, b) => a.prefix.localeCompare(b.prefix, 'en', { numeric: true })).map((s) => ({ name: s.name, addressPrefixes: [s.prefix] })),
      },
    ]);
    expect(d.subnets.map((s) => s.prefix)).to.include('10.10.1.0/24').and.include('10.10.10.0/24').and.not.include('10.10.5.0/24');

    const paramsFile = readFileSync(path.join(cacheDir, 'westeu-test-1', 'main.bicepparam'), 'utf8');
    // It `using`s main.bicep's compiled template, written next to the deployments' folders.
    expect(paramsFile).to.include("using '../main.json'");
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'main.json'), 'utf8'))).to.have.nested.property('resources');
    expect(paramsFile).to.include("param addressSpace = '10.10.0.0/16'");
  });

  it('prints a readable summary without colour when stdout is not a terminal', async () => {
    const result = await cfInfra('plan', 'westeu-test-1', '--cache-dir', path.join(tmp, 'cache'));
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^westeu-test-1 \(westeurope, test\): \d+ resources/);
    expect(result.stdout).to.include('Resources by type:').and.include('Address ranges:');
    expect(result.stdout).to.match(/vnet-cf-westeu-test-1 +10\.10\.0\.0\/16/);
    expect(result.stdout).to.not.include('\u001b[');
  });

  it('--check --all passes on the committed golden snapshots, one per deployment', async () => {
    const deployments = loadRegistry().deployments.map((d) => d.name);
    expect(readdirSync(defaultGoldenDir).sort()).to.deep.equal(deployments.map((d) => `${d}.json`).sort());
    const result = await cfInfra('plan', '--check', '--all', '--cache-dir', path.join(tmp, 'cache'));
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    for (const d of deployments) expect(result.stdout).to.include(`${d} (against deployments/snapshots/${d}.json): no changes`);
  });

  it('--check fails with exit 4 and a readable diff when a golden snapshot differs or is missing; --update rewrites them', async () => {
    // Fresh goldens of what the code creates now (independent of whether the committed ones are current).
    const goldenDir = path.join(tmp, 'golden');
    const cacheDir = path.join(tmp, 'cache');
    const fresh = await cfInfra('plan', 'westeu-test-1', 'westeu-stg-1', '--update', '--golden-dir', goldenDir, '--cache-dir', cacheDir);
    expect(fresh.code, fresh.stderr).to.equal(0);
    expect(fresh.stdout).to.include('westeu-test-1.json: updated').and.include('westeu-stg-1.json: updated');
    const file = path.join(goldenDir, 'westeu-test-1.json');
    const current = { test: readFileSync(file, 'utf8'), stg: readFileSync(path.join(goldenDir, 'westeu-stg-1.json'), 'utf8') };
    const golden = JSON.parse(readFileSync(file, 'utf8')) as { deployment: string; resources: Resource[] };
    const vnet = golden.resources.find((r) => r['type'] === 'Microsoft.Network/virtualNetworks')!;
    ((vnet['properties'] as { addressSpace: { addressPrefixes: string[] } }).addressSpace.addressPrefixes)[0] = '10.99.0.0/16';
    const removed = golden.resources.findIndex((r) => r['type'] !== 'Microsoft.Network/virtualNetworks' && r['type'] !== 'Microsoft.Resources/resourceGroups');
    const [gone] = golden.resources.splice(removed, 1);
    golden.resources.push({ id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-old', type: 'Microsoft.Resources/resourceGroups', name: 'rg-old' });
    writeFileSync(file, JSON.stringify(golden, null, 2));
    rmSync(path.join(goldenDir, 'westeu-stg-1.json'));

    const check = await cfInfra('plan', 'westeu-test-1', 'westeu-stg-1', '--check', '--golden-dir', goldenDir, '--cache-dir', cacheDir);
    expect(check.code, check.stderr).to.equal(4);
    expect(check.stdout).to.include('westeu-test-1 (against ').and.include('): 1 to add, 1 to remove, 1 to change');
    expect(check.stdout).to.include(`  + ${gone!['type']} ${gone!['name']}`);
    expect(check.stdout).to.include('  - Microsoft.Resources/resourceGroups rg-old');
    expect(check.stdout).to.include(`  ~ Microsoft.Network/virtualNetworks ${vnet['name']}`);
    expect(check.stdout).to.include('      properties.addressSpace.addressPrefixes[0]: "10.99.0.0/16" → "10.10.0.0/16"');
    expect(check.stdout).to.match(/westeu-stg-1 \(no golden snapshot at .*westeu-stg-1\.json yet\): \d+ to add, 0 to remove, 0 to change/);
    expect(check.stdout).to.include('cf-infra plan --update westeu-test-1 westeu-stg-1');
    expectNoStackTrace(check);

    const update = await cfInfra('plan', 'westeu-test-1', 'westeu-stg-1', '--update', '--golden-dir', goldenDir, '--cache-dir', cacheDir);
    expect(update.code, update.stderr).to.equal(0);
    expect(update.stdout).to.include('westeu-test-1.json: updated').and.include('westeu-stg-1.json: updated');
    expect(readFileSync(file, 'utf8')).to.equal(current.test);
    expect(readFileSync(path.join(goldenDir, 'westeu-stg-1.json'), 'utf8')).to.equal(current.stg);
  });
});

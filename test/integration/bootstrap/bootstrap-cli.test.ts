// `cf-infra bootstrap` and `pause`/`resume` as a user runs them (real processes, a scratch checkout
// where a test breaks a file), against an in-process ARM emulator: bad input exits 2 before any
// request; --dry-run and --yes end to end; pause refused for prod.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';
import { cliEntry } from '../../support/cli.ts';

const exec = promisify(execFile);
const scratchDirs: string[] = [];

function scratch(): string {
  const root = scratchCheckout('cf-bootstrap-cli-', ['deployments', 'bicep/shared', 'policies']);
  scratchDirs.push(root);
  return root;
}

describe('cf-infra bootstrap / pause / resume (CLI)', function () {
  let emu: RunningEmulator;
  const requests: string[] = [];
  let sub: string;

  async function cli(root: string, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const env = { ...process.env, NO_COLOR: '1', CI: 'true', ARM_EMULATOR_ENDPOINT: emu.endpoint, ARM_EMULATOR_CA: emu.caPath };
    try {
      const { stdout, stderr } = await exec(process.execPath, [cliEntry, ...args], { cwd: root, env, encoding: 'utf8' });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { status: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  async function expectRefused(root: string, args: string[], message: string | RegExp): Promise<void> {
    requests.length = 0;
    const run = await cli(root, ...args);
    expect(run.status, run.stderr + run.stdout).to.equal(2);
    if (typeof message === 'string') expect(run.stderr).to.include(message);
    else expect(run.stderr).to.match(message);
    expect(run.stderr).to.not.match(/^\s+at /m);
    expect(requests, 'no request reached ARM').to.deep.equal([]);
  }

  before(async () => {
    emu = await startEmulator({ stateDir: mkdtempSync(path.join(tmpdir(), 'cf-bootstrap-cli-emu-')), port: 0, latency: { defaultMs: 0 }, log: (line) => requests.push(line) });
    scratchDirs.push(emu.stateDir);
    sub = emu.subscriptionId;
  });
  after(async () => {
    await emu?.close();
    for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
  });

  it('a subscription id that is not a GUID: exit 2, nothing sent', async () => {
    await expectRefused(repoRoot, ['bootstrap', '--subscription', 'my-subscription', '--emulator', '--yes'], 'error: --subscription "my-subscription" is not a subscription id: expected a GUID');
  });

  it('without a terminal and without --yes: exit 2, nothing sent', async () => {
    await expectRefused(repoRoot, ['bootstrap', '--subscription', sub, '--emulator'], 'pass --yes to apply the changes');
  });

  it('a budget that is not a positive number: exit 2, nothing sent', async () => {
    const root = scratch();
    const file = path.join(root, 'deployments/profiles/test.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('monthlyUsd: 200', 'monthlyUsd: -5'));
    await expectRefused(root, ['bootstrap', '--subscription', sub, '--emulator', '--yes'], /deployments\/profiles\/test\.yaml: budget\.monthlyUsd: -5 is not allowed; allowed: a positive amount in USD/);
  });

  it('a contact that is not an email: exit 2, nothing sent', async () => {
    const root = scratch();
    const file = path.join(root, 'deployments/profiles/stg.yaml');
    const text = readFileSync(file, 'utf8');
    const broken = text.replace(/(budget:\n(?:.*\n)*?\s+contacts:\n\s+- )\S+/, '$1not-an-email');
    expect(broken).to.not.equal(text);
    writeFileSync(file, broken);
    await expectRefused(root, ['bootstrap', '--subscription', sub, '--emulator', '--yes'], /deployments\/profiles\/stg\.yaml: budget\.contacts\[0\]: "not-an-email"/);
  });

  it('a policy file that is not valid JSON: exit 2, nothing sent', async () => {
    const root = scratch();
    writeFileSync(path.join(root, 'policies/definitions/custom/cf-deny-premium-skus.json'), '{ "properties": ');
    await expectRefused(root, ['bootstrap', '--subscription', sub, '--emulator', '--yes'], 'policies/definitions/custom/cf-deny-premium-skus.json: not valid JSON');
  });

  it('a policy with an unknown operator: exit 2, nothing sent', async () => {
    const root = scratch();
    const file = path.join(root, 'policies/definitions/custom/cf-deny-public-network-access-data.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"notEquals"', '"notEqualz"'));
    await expectRefused(root, ['bootstrap', '--subscription', sub, '--emulator', '--yes'], /cf-deny-public-network-access-data\.json.*notEqualz/s);
  });

  it('a policy with an unknown alias: exit 2, nothing sent', async () => {
    const root = scratch();
    const file = path.join(root, 'policies/definitions/custom/cf-deny-public-network-access-data.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"Microsoft.Storage/storageAccounts/publicNetworkAccess"', '"Microsoft.Storage/storageAccounts/publicNetworkAccez"'));
    await expectRefused(root, ['bootstrap', '--subscription', sub, '--emulator', '--yes'], /cf-deny-public-network-access-data\.json.*publicNetworkAccez/s);
  });

  it('a deployment role lacking an action only the follow-up deploy needs: exit 1 before any request, the action named in its group', async () => {
    const root = scratch();
    // the follow-up deploy is planned with the real Bicep CLI: the templates, its pin and the project's copy
    cpSync(path.join(repoRoot, 'bicep'), path.join(root, 'bicep'), { recursive: true });
    cpSync(path.join(repoRoot, 'bicepconfig.json'), path.join(root, 'bicepconfig.json'));
    cpSync(path.join(repoRoot, 'scripts/bicep-restore'), path.join(root, 'scripts/bicep-restore'), { recursive: true });
    const file = path.join(root, 'deployments/roles/cf-deployment.json');
    const role = JSON.parse(readFileSync(file, 'utf8')) as { actions: string[] };
    writeFileSync(file, JSON.stringify({ ...role, actions: role.actions.filter((a) => a !== 'Microsoft.Network/privateDnsZones/A/write') }, null, 2));
    requests.length = 0;
    const run = await cli(root, 'bootstrap', '--subscription', sub, '--emulator', '--yes');
    expect(run.status, run.stderr + run.stdout).to.equal(1);
    expect(run.stderr).to.include('lacks 1 action(s) the deployments need:\nresource writes:\n  - Microsoft.Network/privateDnsZones/A/write: writes Microsoft.Network/privateDnsZones/A (');
    expect(run.stderr).to.include('from the second deploy on');
    expect(run.stderr).to.not.match(/^\s+at /m);
    expect(requests, 'no request reached ARM').to.deep.equal([]);
  });

  it('a bootstrap.yaml value out of bounds: exit 2, nothing sent', async () => {
    const root = scratch();
    const file = path.join(root, 'deployments/bootstrap.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('softDeleteDays: 14', 'softDeleteDays: 0').replace('- 203.0.113.0/24', '- 203.0.113.7/32'));
    const run = await cli(root, 'bootstrap', '--subscription', sub, '--emulator', '--yes');
    expect(run.status).to.equal(2);
    expect(run.stderr).to.include('deployments/bootstrap.yaml: artifacts.softDeleteDays: 0 is not allowed');
    expect(run.stderr).to.include('deployments/bootstrap.yaml: artifacts.allowedSourceRanges[0]: "203.0.113.7/32" is not allowed');
  });

  it('--dry-run prints the changes and writes nothing; --yes applies; a second --yes run says nothing changed', async () => {
    requests.length = 0;
    const dry = await cli(repoRoot, 'bootstrap', '--subscription', sub, '--emulator', '--dry-run');
    expect(dry.status, dry.stderr).to.equal(0);
    expect(dry.stdout).to.include('  + resource group rg-complianceflow-test: would create');
    expect(dry.stdout).to.include('Dry run: the changes above were NOT made.');
    expect(requests.filter((l) => !l.startsWith('GET '))).to.deep.equal([]);

    const first = await cli(repoRoot, 'bootstrap', '--subscription', sub, '--emulator', '--yes');
    expect(first.status, first.stderr).to.equal(0);
    expect(first.stdout).to.include('Shared resource groups: 4 created');
    expect(first.stdout).to.include('CF_LOCK_CONTAINER=deployment-locks');

    requests.length = 0;
    const second = await cli(repoRoot, 'bootstrap', '--subscription', sub, '--emulator', '--yes');
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stdout).to.include('Bootstrap: nothing changed (everything was already in place).');
    expect(requests.filter((l) => !l.startsWith('GET '))).to.deep.equal([]);
  });

  it('pause and resume are refused for prod before any request', async () => {
    await expectRefused(repoRoot, ['pause', 'westeu-prod-1', '--subscription', sub, '--emulator'], 'error: pause is for non-prod deployments: westeu-prod-1 is prod');
    await expectRefused(repoRoot, ['resume', 'northeu-prod-1', '--subscription', sub, '--emulator'], 'error: resume is for non-prod deployments: northeu-prod-1 is prod');
  });

  it('pause of a test deployment that is not deployed says so (exit 1)', async () => {
    const run = await cli(repoRoot, 'pause', 'westeu-test-1', '--subscription', sub, '--emulator');
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include('westeu-test-1 has no PostgreSQL server psql-cf-westeu-test-1 (not deployed yet?)');
  });

  it('pause of a deployed test server stops it (Stopped), pause again does nothing, resume starts it (Ready), resume again does nothing', async () => {
    const rest = armResources(createArmClients({ kind: 'emulator', subscriptionId: sub, endpoint: emu.endpoint, caPem: emu.caPem }));
    await rest.post(`/subscriptions/${sub}/providers/Microsoft.DBforPostgreSQL/register`, '2021-04-01');
    // Compliant with the baseline policies an earlier test assigned (tags, no public network access).
    const tags = { app: 'complianceflow', env: 'test', owner: 'platform-team', costCenter: 'CC-1001-ENG', deployment: 'westeu-test-1', region: 'westeurope' };
    await rest.put(`/subscriptions/${sub}/resourceGroups/rg-cf-westeu-test-1`, '2021-04-01', { location: 'westeurope', tags });
    await rest.put(`/subscriptions/${sub}/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-cf-westeu-test-1`, '2024-08-01', {
      location: 'westeurope',
      tags,
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      properties: { version: '16', network: { publicNetworkAccess: 'Disabled' } },
    });
    const server = `/subscriptions/${sub}/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-cf-westeu-test-1`;
    const steps = [
      { command: 'pause', acting: 'Stopping', done: 'stopped', from: 'Ready', to: 'Stopped' },
      { command: 'resume', acting: 'Starting', done: 'started', from: 'Stopped', to: 'Ready' },
    ];
    for (const { command, acting, done, from, to } of steps) {
      const first = await cli(repoRoot, command, 'westeu-test-1', '--subscription', sub, '--emulator');
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stdout).to.include(`${acting} psql-cf-westeu-test-1 (westeu-test-1, was ${from}) ...`);
      expect(first.stdout).to.include(`psql-cf-westeu-test-1: ${done}.`);
      expect(((await rest.get(server, '2024-08-01'))!['properties'] as { state: string }).state).to.equal(to);
      const again = await cli(repoRoot, command, 'westeu-test-1', '--subscription', sub, '--emulator');
      expect(again.status, again.stderr).to.equal(0);
      expect(again.stdout).to.include(`psql-cf-westeu-test-1 is already ${to}: nothing to do.`);
    }
  });
});

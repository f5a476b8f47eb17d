// cf-infra bootstrap against the ARM emulator (in-process, free port, temp state, real SDK pipeline
// over HTTPS): dry run, first run, second run without a single write, a failed step and its resume,
// and the role-coverage check over what the real plans (first and follow-up deploy) need.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import { emulatorCiPrincipalId, emulatorPrPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { checkRoleCoverage, emulatorPlaceholderPrincipal, emulatorPlaceholderPrPrincipal, prepareBootstrap, runBootstrap, type BootstrapReport, type Prepared } from '@complianceflow/cli/bootstrap/run.ts';
import { allTypes, deploymentShapes, type DeploymentShape } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { prRoleAssignments, roleAssignments } from '@complianceflow/cli/bootstrap/desired.ts';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { artifactsStorageAccountName } from '@complianceflow/cli/naming/shared.ts';
import type { EmulatorOptions } from '@complianceflow/arm-emulator/index.ts';

const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cf-bootstrap-test-'));
  dirs.push(dir);
  return dir;
}

interface Emu extends RunningEmulator {
  requests: string[];
}
async function emulator(options: Partial<EmulatorOptions> = {}): Promise<Emu> {
  const requests: string[] = [];
  const emu = await startEmulator({ stateDir: options.stateDir ?? stateDir(), port: 0, latency: { defaultMs: 0 }, log: (line) => requests.push(line), ...options });
  return { ...emu, requests };
}
const writesIn = (requests: readonly string[]): string[] => requests.filter((line) => /^(PUT|POST|PATCH|DELETE) /.test(line));

const now = new Date('2026-11-29T02:00:00Z');

describe('cf-infra bootstrap against the ARM emulator', function () {
  let shapes: DeploymentShape[];
  let prepared: Prepared;
  let emu: Emu;

  async function bootstrap(target: Emu, dryRun: boolean): Promise<{ report: BootstrapReport; lines: string[] }> {
    const lines: string[] = [];
    const report = await runBootstrap(prepared, {
      subscriptionId: target.subscriptionId,
      target: { kind: 'emulator', endpoint: target.endpoint, caPem: target.caPem },
      dryRun,
      renderer: 'silent',
      now,
      print: (line) => lines.push(line),
      pollIntervalMs: 20,
    });
    return { report, lines };
  }
  const get = (target: Emu, id: string, apiVersion: string) =>
    armResources(createArmClients({ kind: 'emulator', subscriptionId: target.subscriptionId, endpoint: target.endpoint, caPem: target.caPem })).get(id, apiVersion);

  before(async function () {
    this.timeout(300000);
    // Both shapes of every deployment (golden snapshots, and the real Bicep CLI for the follow-up deploy).
    shapes = await deploymentShapes();
    emu = await emulator();
    prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emu.subscriptionId, now }), shapes);
  });
  after(async () => {
    await emu?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A bootstrap run (dry or not) that must send ARM no write: neither counted in its report nor seen by the emulator. */
  async function bootstrapSendingNoWrite(dryRun: boolean): ReturnType<typeof bootstrap> {
    emu.requests.length = 0;
    const run = await bootstrap(emu, dryRun);
    expect(run.report.armWrites).to.equal(0);
    expect(writesIn(emu.requests)).to.deep.equal([]);
    return run;
  }

  it('--dry-run prints every change and sends no write', async () => {
    const { report, lines } = await bootstrapSendingNoWrite(true);
    expect(report.changed).to.equal(true);
    expect(lines).to.include('Shared resource groups: would create 4');
    expect(lines).to.include('  + resource group rg-complianceflow-test: would create');
    expect(lines).to.include('Dry run: the changes above were NOT made.');
    const rg = await get(emu, `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-complianceflow-test`, '2021-04-01');
    expect(rg).to.equal(undefined);
  });

  it('the first run creates everything, with the secure storage settings and the budgets of the registry', async () => {
    const { report, lines } = await bootstrap(emu, false);
    expect(report.changed).to.equal(true);
    const status = Object.fromEntries(report.steps.map((s) => [s.title, s.status]));
    expect(status['Shared resource groups']).to.equal('4 created');
    expect(status['Network watchers']).to.equal('3 created');
    expect(status['Monthly budgets (50/80/100 % actual, 100 % forecast)']).to.equal('3 created');
    expect(status['Policy definitions, initiative and assignments']).to.equal('7 created');
    expect(status['Deployment role']).to.equal('1 created');
    expect(status['Role assignments of the CI identity (least privilege)']).to.equal('5 created');
    expect(status['Pull-request what-if role']).to.equal('1 created');
    expect(status['Role assignments of the pull-request identity (read and what-if only)']).to.equal('2 created');
    // Graph is not emulated: skipped and said so, never reported as done.
    expect(status['CI identity (app registration, service principal, federated credentials)']).to.equal('1 skipped');
    expect(status['Pull-request identity (app registration, service principal, federated credential)']).to.equal('1 skipped');
    expect(lines).to.include('  ! CI identity: skipped (Microsoft Graph is not emulated)');
    expect(lines).to.include('  ! pull-request identity: skipped (Microsoft Graph is not emulated)');
    expect(report.variables['AZURE_PR_CLIENT_ID']).to.include(emulatorPrPrincipalId);
    expect(lines.some((l) => l.includes('EMULATOR PLACEHOLDER principal') && l.includes('Reader on the subscription: created'))).to.equal(true);
    // Every provider namespace and the lifecycle policy are emulated: applied, never skipped.
    expect(status['Resource providers']).to.not.include('skipped');
    expect(status['Artifacts storage account, lock and validation results containers']).to.equal('5 created');
    expect(lines.some((l) => l.includes('not emulated') && !l.includes('Microsoft Graph'))).to.equal(false);

    const sub = emu.subscriptionId;
    const account = `/subscriptions/${sub}/resourceGroups/rg-complianceflow-prod/providers/Microsoft.Storage/storageAccounts/${artifactsStorageAccountName(sub)}`;
    const storage = (await get(emu, account, '2023-05-01'))!;
    expect(storage['kind']).to.equal('StorageV2');
    expect(storage['properties']).to.deep.include({ minimumTlsVersion: 'TLS1_2', allowBlobPublicAccess: false, allowSharedKeyAccess: false, supportsHttpsTrafficOnly: true });
    const blob = (await get(emu, `${account}/blobServices/default`, '2023-05-01'))!;
    expect(blob['properties']).to.deep.include({ isVersioningEnabled: true });
    const lifecycle = (await get(emu, `${account}/managementPolicies/default`, '2023-05-01'))!;
    const rules = (lifecycle['properties'] as { policy: { rules: { name: string; enabled: boolean }[] } }).policy.rules;
    expect(rules.map((r) => [r.name, r.enabled])).to.deep.equal([['delete-old-versions', true]]);
    const policyInsights = (await get(emu, `/subscriptions/${sub}/providers/Microsoft.PolicyInsights`, '2021-04-01'))!;
    expect(policyInsights['registrationState']).to.equal('Registered');
    expect(await get(emu, `${account}/blobServices/default/containers/deployment-locks`, '2023-05-01')).to.not.equal(undefined);

    const budget = (await get(emu, `/subscriptions/${sub}/providers/Microsoft.Consumption/budgets/cf-budget-test`, '2023-11-01'))!;
    const props = budget['properties'] as { amount: number; timeGrain: string; notifications: Record<string, { threshold: number; thresholdType: string; contactEmails: string[] }> };
    // westeu-test-1 and eastus-test-1, 200 USD each (deployments/profiles/test.yaml).
    expect(props.amount).to.equal(400);
    expect(props.timeGrain).to.equal('Monthly');
    expect(Object.values(props.notifications).map((n) => `${n.threshold} ${n.thresholdType}`).sort()).to.deep.equal(['100 Actual', '100 Forecasted', '50 Actual', '80 Actual']);
    expect(props.notifications['actual_50']!.contactEmails).to.deep.equal(['platform-alerts@complianceflow.example']);

    const watcher = await get(emu, `/subscriptions/${sub}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_northeurope`, '2024-05-01');
    expect(watcher?.['location']).to.equal('northeurope');
    const alert = (await get(emu, `/subscriptions/${sub}/providers/Microsoft.CostManagement/scheduledActions/cf-cost-anomalies`, '2023-11-01'))!;
    expect(alert['kind']).to.equal('InsightAlert');
    expect((alert['properties'] as { viewId: string }).viewId).to.equal(`/subscriptions/${sub}/providers/Microsoft.CostManagement/views/ms:DailyAnomalyByResourceGroup`);
  });

  it('a second run changes nothing, says so and sends no write', async () => {
    const { report, lines } = await bootstrapSendingNoWrite(false);
    expect(report.changed).to.equal(false);
    // Only the two identities (Microsoft Graph) are skipped; the lifecycle policy is there and unchanged.
    for (const step of report.steps) expect(step.items.every((i) => i.action === 'unchanged' || (/^(CI|Pull-request) identity /.test(step.title) && i.action === 'skipped')), step.title).to.equal(true);
    expect(Object.fromEntries(report.steps.map((s) => [s.title, s.status]))['Artifacts storage account, lock and validation results containers']).to.equal('unchanged');
    expect(lines).to.include('Bootstrap: nothing changed (everything was already in place).');
    expect(lines).to.include('Role assignments of the CI identity (least privilege): unchanged');
  });

  it('the deployment role is assigned under the derived condition (conditionVersion 2.0); the other assignments carry none', async () => {
    const assignments = roleAssignments(prepared.input, prepared.role, emulatorPlaceholderPrincipal, prepared.deploymentRoleCondition);
    const stored = await Promise.all(assignments.map((a) => get(emu, a.id, a.apiVersion)));
    const conditions = stored.map((r) => (r?.['properties'] as { condition?: string; conditionVersion?: string } | undefined));
    expect(conditions.filter((p) => p?.condition !== undefined)).to.have.length(1);
    const withCondition = conditions.find((p) => p?.condition !== undefined)!;
    expect(withCondition.condition).to.equal(prepared.deploymentRoleCondition);
    expect(withCondition.conditionVersion).to.equal('2.0');
    expect(withCondition.condition).to.include("@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}");
    expect(withCondition.condition).not.to.include('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'); // Owner
  });

  it('a drifted setting is put back (update), and only that resource is written', async () => {
    const sub = emu.subscriptionId;
    const account = `/subscriptions/${sub}/resourceGroups/rg-complianceflow-prod/providers/Microsoft.Storage/storageAccounts/${artifactsStorageAccountName(sub)}`;
    const rest = armResources(createArmClients({ kind: 'emulator', subscriptionId: sub, endpoint: emu.endpoint, caPem: emu.caPem }));
    const current = (await rest.get(account, '2023-05-01'))!;
    await rest.put(account, '2023-05-01', { ...current, properties: { ...(current['properties'] as object), allowSharedKeyAccess: true } });
    emu.requests.length = 0;
    const { lines } = await bootstrap(emu, false);
    expect(lines).to.include(`  ~ storage account ${artifactsStorageAccountName(sub)}: updated (properties.allowSharedKeyAccess)`);
    expect(writesIn(emu.requests)).to.have.length(1);
    expect(((await rest.get(account, '2023-05-01'))!['properties'] as { allowSharedKeyAccess: boolean }).allowSharedKeyAccess).to.equal(false);
  });

  it('a failing step says which step and why; a rerun resumes where it stopped', async () => {
    const dir = stateDir();
    const failing = await emulator({ stateDir: dir, faults: { failingTypes: { 'Microsoft.Consumption/budgets': 'BudgetCreationFailed' } } });
    let error: unknown;
    try {
      await bootstrap(failing, false);
    } catch (e) {
      error = e;
    } finally {
      await failing.close();
    }
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).message).to.match(/^bootstrap step "Monthly budgets \(50\/80\/100 % actual, 100 % forecast\)" failed: .*BudgetCreationFailed/);
    expect((error as CliError).hint).to.include('rerun cf-infra bootstrap');

    const healthy = await emulator({ stateDir: dir });
    try {
      const { report } = await bootstrap(healthy, false);
      const status = Object.fromEntries(report.steps.map((s) => [s.title, s.status]));
      expect(status['Shared resource groups']).to.equal('unchanged');
      expect(status['Artifacts storage account, lock and validation results containers']).to.equal('unchanged');
      expect(status['Monthly budgets (50/80/100 % actual, 100 % forecast)']).to.equal('3 created');
    } finally {
      await healthy.close();
    }
  });

  it('against the emulator (no Graph) every role assignment goes to a placeholder principal, named as such in the output, with the ids emulator-token exports', async () => {
    const fresh = await emulator();
    try {
      const { lines } = await bootstrap(fresh, true);
      expect(lines.join('\n')).to.match(/CI identity.*skipped.*Microsoft Graph is not emulated/);
      const assignments = lines.filter((line) => line.includes('role assignment: '));
      expect(assignments.filter((line) => line.includes(`role assignment: ${emulatorPlaceholderPrincipal.label} — `))).not.to.be.empty;
      expect(assignments.filter((line) => line.includes(`role assignment: ${emulatorPlaceholderPrPrincipal.label} — `))).not.to.be.empty;
      expect(assignments.filter((line) => !line.includes('role assignment: EMULATOR PLACEHOLDER '))).to.deep.equal([]);
    } finally {
      await fresh.close();
    }
    expect(emulatorPlaceholderPrincipal.objectId).to.equal(emulatorCiPrincipalId);
    expect(emulatorPlaceholderPrPrincipal.objectId).to.equal(emulatorPrPrincipalId);
  });

  it('the pull-request placeholder holds Reader and the what-if role on the subscription', async () => {
    const sub = emu.subscriptionId;
    const rest = armResources(createArmClients({ kind: 'emulator', subscriptionId: sub, endpoint: emu.endpoint, caPem: emu.caPem }));
    const wanted = prRoleAssignments(prepared.input, prepared.prRole, emulatorPlaceholderPrPrincipal);
    const stored = await Promise.all(wanted.map((a) => rest.get(a.id, a.apiVersion)));
    const granted = stored.map((a) => (a?.['properties'] as { principalId: string; roleDefinitionId: string }));
    expect(granted.map((g) => g.principalId)).to.deep.equal([emulatorPrPrincipalId, emulatorPrPrincipalId]);
    expect(granted[0]!.roleDefinitionId).to.match(/\/roleDefinitions\/acdd72a7-3385-48ef-bd42-f606fba81ae7$/);
    const role = (await rest.get(granted[1]!.roleDefinitionId, '2022-04-01'))!['properties'] as { roleName: string; permissions: { actions: string[]; dataActions: string[] }[] };
    expect(role.roleName).to.equal('ComplianceFlow Pull-Request What-If (cf-infra)');
    expect(role.permissions[0]!.actions).to.include('Microsoft.Resources/deployments/whatIf/action');
    expect(role.permissions[0]!.dataActions).to.deep.equal([]);
  });

  it('the role-coverage check fails, naming the action and its group, when an action the plans need is removed from the role', () => {
    expect(allTypes(shapes)).to.include('Microsoft.Cache/redisEnterprise');
    const role = { ...prepared.role, actions: prepared.role.actions.filter((a) => a !== 'Microsoft.Cache/redisEnterprise/write') };
    let error: unknown;
    try {
      checkRoleCoverage({ ...prepared, role }, shapes);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).exitCode).to.equal(ExitCode.Failed);
    expect((error as CliError).message).to.include('lacks 1 action(s)');
    expect((error as CliError).message).to.include('resource writes:\n  - Microsoft.Cache/redisEnterprise/write: writes Microsoft.Cache/redisEnterprise');
  });
});

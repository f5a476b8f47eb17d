// validate against the ARM emulator (in this process) + Azurite: the deploy pipeline's last phase runs
// the ARM-level checks on the stack it applied, and the suite of `cf-infra validate --emulator`
// checks that stack and PostgreSQL and Redis of a real local native environment.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { ResolvedDeployment } from '@complianceflow/cli/config/resolve.ts';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import type { ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { managedResourceIds } from '@complianceflow/cli/arm/stack-definition.ts';
import { apiVersionsByType } from '@complianceflow/cli/arm/api-versions.ts';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { missingDiagnosticSettings, type ArmContext } from '@complianceflow/cli/validate/arm-checks.ts';
import { azureDataChecksReason, localDataChecksReason } from '@complianceflow/cli/validate/deploy-phase.ts';
import { keyVaultChecksFor } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { anyFailed } from '@complianceflow/cli/validate/model.ts';
import { renderJson, renderTable } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import { buildSuite } from '@complianceflow/cli/validate/suite.ts';
import type { RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { deployInto, emulatorWorldHooks } from '../../support/world.ts';

const resolvedCatalog = () => (resolveTarget('westeu-test-1').resolved as ResolvedDeployment).catalog;

/** The checks whose names start with one of `prefixes`, at least one per prefix: a loop over them cannot pass on nothing. */
function checksOf<T extends { name: string }>(checks: T[], ...prefixes: string[]): T[] {
  for (const prefix of prefixes) expect(checks.filter((c) => c.name.startsWith(prefix)), `no "${prefix}" check`).not.to.be.empty;
  return checks.filter((c) => prefixes.some((prefix) => c.name.startsWith(prefix)));
}

describe('validate against the ARM emulator and the local native environment', function () {
  this.timeout(240_000);
  const deployment = 'westeu-test-1';
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let settings: LocalSettings;
  let context: ArmContext;

  const hooks = emulatorWorldHooks();
  before(async () => {
    ({ emulator, clients } = hooks.world);
    settings = await hooks.shared.startNative();
  });

  it('deploy ends with validate: ARM-level checks pass (or are skipped with the reason), data checks skipped with the reason, results in the run report', async () => {
    const result = await deployInto(hooks.shared, hooks.world, deployment);
    const { lines } = result;
    expect(result.exitCode, lines.join('\n')).to.equal(ExitCode.Success);
    const checks = result.report!.result!.checks!;
    const status = Object.fromEntries(checks.map((c) => [c.name, c.status]));
    expect(status).to.include({
      'arm: every managed resource Succeeded': 'pass',
      'arm: public network access disabled on data services': 'pass',
      'arm: diagnostic settings present on data services': 'pass',
    });
    const endpoints = checks.find((c) => c.name === 'arm: private endpoint connections Approved')!;
    // Deployed by the subscription's Owner: the emulator approves the connections, as Azure does.
    expect(endpoints).to.include({ status: 'pass', reason: '4 private endpoints, every connection Approved' });
    for (const c of checksOf(checks, 'postgres:', 'redis:')) expect(c).to.include({ status: 'skipped', reason: localDataChecksReason(deployment) });
    // Every service of the catalogue uses Kafka: no Event Hubs consumer group to look for (Kafka groups are created on first use).
    expect(checks.find((c) => c.name === 'event hubs: consumer groups exist')).to.include({ status: 'skipped' });
    expect(checks.find((c) => c.name === 'arm: redis eviction policy')).to.include({ status: 'pass', reason: 'evictionPolicy of the cache database is allkeys-lru' });
    for (const c of checksOf(checks, 'event hubs: produce', 'key vault:', 'monitoring:')) expect(c.status).to.equal('skipped');
    expect(checks.some((c) => c.status === 'fail')).to.equal(false);
    expect(lines.join('\n')).to.include('arm: every managed resource Succeeded').and.match(/\d+ passed, 0 failed, \d+ skipped/);
    const markdown = await readFile(path.join(result.reportDir!, 'report.md'), 'utf8');
    expect(markdown).to.include('| Check | Result | Reason |').and.include('| arm: public network access disabled on data services | pass |');

    const stack = (await armStackProvider(clients).state('cf-westeu-test-1', deployment))!;
    const preflight = await runPreflight(resolveTarget(deployment), hooks.shared.bicep);
    context = { clients, stack, apiVersions: apiVersionsByType(preflight.plan.resources), emulator: true };
  });

  it('the --emulator suite: the stack and the real local PostgreSQL and Redis pass; nothing without a local counterpart passes', async () => {
    const keyVault = keyVaultChecksFor(context.stack, resolvedCatalog().services, { kind: 'emulator', caPem: emulator.caPem });
    const suite = buildSuite({ data: { kind: 'local', settings }, arm: { kind: 'stack', context }, catalog: resolvedCatalog(), expectedEvictionPolicy: 'allkeys-lru', keyVault });
    const results = await runChecks(suite.checks, { secrets: suite.secrets });
    expect(results.filter((r) => r.status === 'fail'), renderTable(results)).to.deep.equal([]);
    expect(results.filter((r) => /^(postgres|redis): /.test(r.name) && r.status === 'pass').length).to.equal(2 * loadCatalog().services.length + 1 + 3);
    expect(results.find((r) => r.name === 'event hubs: consumer groups exist')?.reason).to.equal('no consumer in deployments/catalog.yaml uses amqp, so no Event Hubs consumer group is expected; Kafka consumers (analytics, case, notification, review, ruleengine) have no Event Hubs consumer group to check: Event Hubs creates their Kafka groups on first use');
    expect(results.find((r) => r.name === 'key vault: expected secrets readable by the services identity')?.status).to.equal('pass');
    for (const r of checksOf(results, 'event hubs: produce', 'monitoring:')) expect(r.status).to.equal('skipped');
    const json = renderJson(results);
    expect(json).not.to.include(settings.serviceDbPassword).and.not.to.include(settings.postgresSuperuserPassword);
  });

  it('a data service with public network access enabled fails that check naming it; the other checks still run', async () => {
    const vaultId = managedResourceIds(context.stack).find((id) => typeOfId(id) === 'Microsoft.KeyVault/vaults')!;
    const apiVersion = context.apiVersions.get('microsoft.keyvault/vaults')!;
    const vault = await clients.resources.resources.getById(vaultId, apiVersion);
    await clients.resources.resources.beginCreateOrUpdateByIdAndWait(vaultId, apiVersion, { location: vault.location!, properties: { ...(vault.properties as object), publicNetworkAccess: 'Enabled' } });
    const results = await runChecks(buildSuite({ data: { kind: 'elsewhere', reason: azureDataChecksReason(deployment) }, arm: { kind: 'stack', context }, catalog: resolvedCatalog(), expectedEvictionPolicy: 'allkeys-lru' }).checks);
    const publicAccess = results.find((r) => r.name === 'arm: public network access disabled on data services')!;
    expect(publicAccess.status).to.equal('fail');
    expect(publicAccess.reason).to.equal(`Microsoft.KeyVault/vaults/${vaultId.split('/').pop()}: publicNetworkAccess is Enabled`);
    expect(publicAccess.troubleshooting).to.equal('docs/infrastructure/Validation.md#arm-public-access');
    expect(results.find((r) => r.name === 'arm: every managed resource Succeeded')?.status).to.equal('pass');
    expect(anyFailed(results)).to.equal(true);
    for (const r of checksOf(results, 'postgres:', 'redis:')) expect(r.reason).to.equal(azureDataChecksReason(deployment));
  });

  it('the cache database running another eviction policy than the profile fails "arm: redis eviction policy", naming both', async () => {
    const databaseId = managedResourceIds(context.stack).find((id) => typeOfId(id) === 'Microsoft.Cache/redisEnterprise/databases')!;
    const apiVersion = context.apiVersions.get('microsoft.cache/redisenterprise/databases')!;
    const database = await clients.resources.resources.getById(databaseId, apiVersion);
    await clients.resources.resources.beginCreateOrUpdateByIdAndWait(databaseId, apiVersion, { properties: { ...(database.properties as object), evictionPolicy: 'NoEviction' } });
    const suite = buildSuite({ data: { kind: 'elsewhere', reason: 'x' }, arm: { kind: 'stack', context }, catalog: resolvedCatalog(), expectedEvictionPolicy: 'allkeys-lru' });
    const [result] = await runChecks(suite.checks.filter((c) => c.name === 'arm: redis eviction policy'));
    expect(result).to.include({ status: 'fail', reason: 'evictionPolicy of the cache database is noeviction; the profile wants allkeys-lru', troubleshooting: 'docs/infrastructure/Validation.md#redis-eviction' });
  });

  it('names a data service without a diagnostic setting (pure, over the ids)', () => {
    const ids = managedResourceIds(context.stack);
    expect(missingDiagnosticSettings(ids)).to.deep.equal([]);
    const vaultId = ids.find((id) => typeOfId(id) === 'Microsoft.KeyVault/vaults')!;
    expect(missingDiagnosticSettings(ids.filter((id) => !id.toLowerCase().startsWith(`${vaultId.toLowerCase()}/providers/microsoft.insights/diagnosticsettings`)))).to.deep.equal([vaultId]);
  });
});

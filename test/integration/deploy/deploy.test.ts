// The deploy pipeline end to end: the ARM emulator in this process (latency 0) and a real Azurite,
// the real SDK clients over HTTPS, one shared Bicep process (preflight and the emulator's expansion).
// Where a test stands for the pipeline, its world is bootstrapped by the real bootstrap and deploys as
// the CI identity (the object id bootstrap gave the deployment role), as `deploy --emulator --as ci`.
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { emulatorCiPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { vaultSettingsOf } from '@complianceflow/cli/arm/key-vault-retention.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { managedResourceIds, stackDefinition } from '@complianceflow/cli/arm/stack-definition.ts';
import { deploymentWhatIf } from '@complianceflow/cli/arm/stack-preview.ts';
import { resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { loadNoiseRules } from '@complianceflow/cli/config/what-if-rules.ts';
import { runDeploy, type DeployResult } from '@complianceflow/cli/deploy/pipeline.ts';
import { createProgress } from '@complianceflow/cli/runner/progress.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { DeploymentLockedError } from '@complianceflow/cli/lock/index.ts';
import { latestUploadedReport } from '@complianceflow/cli/report/store.ts';
import type { EmulatorOptions } from '@complianceflow/arm-emulator/index.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { startLockHolder } from '../../support/lock-holder-process.ts';
import { deployInto, snapshotTypes, startEmulatorWorld, startServices, type CapturedDeploy, type DeployOptions, type EmulatorWorld, type Services } from '../../support/world.ts';

type World = EmulatorWorld;
let services: Services;
const tempDir = (prefix: string): Promise<string> => services.tempDir(prefix);
const startWorld = (options: Partial<EmulatorOptions> = {}, setUp: { ci?: boolean; bare?: boolean } = {}): Promise<World> => startEmulatorWorld(services, options, setUp);
const deploy = (world: World, deployment: string, options: DeployOptions = {}): Promise<CapturedDeploy> => deployInto(services, world, deployment, options);

/** The report's three renderings; a successful run also keeps its template and parameters (promote.test.ts). */
async function reportTexts(dir: string): Promise<string> {
  expect((await readdir(dir)).sort()).to.deep.equal(['parameters.json', 'report.json', 'report.md', 'report.txt', 'template.json']);
  return (await Promise.all(['report.json', 'report.md', 'report.txt'].map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

/** Things that must never appear in output or a report. */
function expectNoSecrets(text: string): void {
  expect(text).not.to.match(/AccountKey=|SharedAccessKey=|Bearer |cf-arm-emulator\.|Eby8vdM02xNOcqFl/);
  expect(text).not.to.match(/"connectionStringTemplate":\s*"(?!\*\*\*)/);
}

describe('cf-infra deploy (emulator + Azurite, real SDK clients)', function () {
  this.timeout(240_000);

  before(async () => {
    services = await startServices();
  });
  after(async () => services?.close());

  describe('one deployment, deployed, redeployed, changed and destroyed', () => {
    let world: World;
    let runsDir: string;
    before(async () => {
      world = await startWorld({}, { ci: true });
      runsDir = await tempDir('cf-runs-');
    });
    after(async () => world?.close());

    it('a fresh deploy creates the stack with every planned resource, validates them and writes the run report', async () => {
      const result = await deploy(world, 'westeu-test-1', { runsDir });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      expect(result.report!.outcome).to.equal('succeeded');
      const planned = (await snapshotTypes('westeu-test-1')).length;
      expect(result.whatIf!.summary.create).to.equal(planned);
      const stack = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      expect(stack?.properties?.provisioningState).to.equal('succeeded');
      expect(managedResourceIds(stack)).to.have.length(planned);
      expect(stack?.properties?.actionOnUnmanage).to.include({ resources: 'delete', resourceGroups: 'delete' });
      expect(stack?.properties?.denySettings?.mode).to.equal('none');
      expect(result.report!.result!.validation).to.deep.equal({ checked: planned, failed: [] });
      expect(result.report!.phases.map((p) => p.name)).to.deep.equal(['preflight', 'lock', 'prerequisites', 'what-if', 'apply', 'secrets', 'databases', 'validate', 'noise', 'unlock']);
      // The what-if once more after the apply: the emulator leaves no noise behind.
      expect(result.report!.noise).to.deep.equal({ candidates: [], resources: [] });
      expect(result.lines.join('\n')).to.match(/managed per tier: .*networking \d+/);
      const texts = await reportTexts(result.reportDir!);
      expect(texts).to.include(`${planned} to create`);
      expect(texts).to.include('noise:    no noise (the what-if after the deploy shows no change)').and.include('**Noise:** no noise');
      expectNoSecrets(texts + result.lines.join('\n'));
      // uploaded next to the lock
      const uploaded = await latestUploadedReport('westeu-test-1', services.azurite.lockStore());
      expect(uploaded?.runId).to.equal(result.report!.runId);
      // the lock was released
      expect((await services.azurite.lockStore().container.getBlockBlobClient('locks/westeu-test-1.lock').getProperties()).leaseState).to.equal('available');
    });

    it('the stack was written by the CI identity (the token\'s object id), the deploying identity', async () => {
      const stack = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      expect(stack?.systemData?.createdBy).to.equal(emulatorCiPrincipalId);
    });

    it('a second deploy feeds the environment\'s default domain back: it creates exactly its private DNS zone, * and @, and the VNet link', async () => {
      const result = await deploy(world, 'westeu-test-1', { runsDir });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      expect(result.report!.outcome).to.equal('succeeded');
      const created = result.whatIf!.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore');
      expect(created.map((c) => [c.kind, c.type]).sort()).to.deep.equal([
        ['create', 'Microsoft.Network/privateDnsZones'],
        ['create', 'Microsoft.Network/privateDnsZones/A'],
        ['create', 'Microsoft.Network/privateDnsZones/A'],
        ['create', 'Microsoft.Network/privateDnsZones/virtualNetworkLinks'],
      ]);
      expect(result.report!.result!.validation).to.deep.equal({ checked: (await snapshotTypes('westeu-test-1')).length + 4, failed: [] });
    });

    it('a third deploy finds nothing to change and does not write the stack', async () => {
      const before = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      const result = await deploy(world, 'westeu-test-1', { runsDir });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      expect(result.report!.outcome).to.equal('no-changes');
      const s = result.whatIf!.summary;
      expect([s.create, s.modify, s.delete, s.detach, s.deploy]).to.deep.equal([0, 0, 0, 0, 0]);
      expect(s.noChange).to.equal((await snapshotTypes('westeu-test-1')).length + 4);
      const after = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      expect(after?.properties?.deploymentId).to.equal(before?.properties?.deploymentId);
      expect(result.report!.phases.find((p) => p.name === 'apply')?.outcome).to.equal('skipped');
      // Nothing applied: the noise check reuses this run's own what-if.
      expect(result.report!.noise).to.deep.equal({ candidates: [], resources: [] });
    });

    it('a profile change shows exactly that Modify, and deploys it', async () => {
      const root = await tempDir('cf-registry-');
      await cp(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
      await cp(path.join(repoRoot, 'bicep/shared/subnet-plan.json'), path.join(root, 'bicep/shared/subnet-plan.json'));
      const file = path.join(root, 'deployments/westeu-test-1.yaml');
      await writeFile(file, `${await readFile(file, 'utf8')}overrides:\n  monitoring:\n    logAnalytics:\n      dailyCapGb: 2\n`);
      const result = await deploy(world, 'westeu-test-1', { runsDir, registryRoot: root });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      const changed = result.whatIf!.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore');
      expect(changed.map((c) => [c.kind, c.type, c.displayName])).to.deep.equal([['modify', 'Microsoft.OperationalInsights/workspaces', 'Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1']]);
      expect(JSON.stringify(changed[0]!.delta)).to.include('dailyQuotaGb');
      expect(result.report!.outcome).to.equal('succeeded');
      expect(result.report!.noise).to.deep.equal({ candidates: [], resources: [] });
    });

    it('destroy leaves nothing behind', async () => {
      const ids = managedResourceIds(await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1'));
      await armStackProvider(world.clients, { updateIntervalInMs: 10 }).destroy({ deployment: 'westeu-test-1', stackName: 'cf-westeu-test-1', vault: vaultSettingsOf(resolveTarget('westeu-test-1').resolved) }, () => {});
      expect(await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1')).to.equal(undefined);
      expect((await world.clients.resources.resourceGroups.checkExistence('rg-cf-westeu-test-1')).body).to.equal(false);
      const left: string[] = [];
      for await (const r of world.clients.resources.resources.list()) if (ids.some((id) => id.toLowerCase() === r.id?.toLowerCase())) left.push(r.id!);
      expect(left).to.deep.equal([]);
    });
  });

  describe('runs at the same time', () => {
    let world: World;
    before(async () => {
      world = await startWorld({}, { ci: true });
    });
    after(async () => world?.close());

    it('two deploys of one deployment: one runs, the other exits "locked" naming the holder', async () => {
      const outcomes = await Promise.allSettled([deploy(world, 'westeu-test-1'), deploy(world, 'westeu-test-1')]);
      const done = outcomes.filter((o): o is PromiseFulfilledResult<CapturedDeploy> => o.status === 'fulfilled');
      const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(done).to.have.length(1);
      expect(refused).to.have.length(1);
      expect(done[0]!.value.exitCode).to.equal(ExitCode.Success);
      const error = refused[0]!.reason as DeploymentLockedError;
      expect(error).to.be.instanceOf(DeploymentLockedError);
      expect(error.exitCode).to.equal(ExitCode.Locked);
      expect(error.message).to.include(os.hostname()).and.include(done[0]!.value.report!.runId);
      expect(error.hint).to.include('cf-infra unlock westeu-test-1 --force');
    });

    it('two different deployments in parallel both succeed', async () => {
      const [a, b] = await Promise.all([deploy(world, 'westeu-stg-1'), deploy(world, 'eastus-test-1')]);
      expect([a.exitCode, b.exitCode], [...a.lines, ...b.lines].join('\n')).to.deep.equal([ExitCode.Success, ExitCode.Success]);
      for (const stack of ['cf-westeu-stg-1', 'cf-eastus-test-1']) {
        expect((await armStackProvider(world.clients).state(stack, stack))?.properties?.provisioningState).to.equal('succeeded');
      }
    });
  });

  /** A copy of the registry (deployments/ and the subnet plan) to change in a test. */
  async function registryCopy(): Promise<string> {
    const root = await tempDir('cf-registry-');
    await cp(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
    await cp(path.join(repoRoot, 'bicep/shared/subnet-plan.json'), path.join(root, 'bicep/shared/subnet-plan.json'));
    return root;
  }

  /** Runs a deploy that must stop before ARM and the lock store are opened, and returns its CliError. */
  async function refusedBeforeArm(deployment: string, registryRoot?: string): Promise<CliError> {
    const error = await runDeploy({ deployment, command: `deploy ${deployment}`, yes: true, allowDelete: false, format: 'text', ...(registryRoot === undefined ? {} : { registryRoot }) }, {
      bicep: services.bicep,
      openArm: () => Promise.reject(new Error('must not open ARM')),
      openLockStore: () => Promise.reject(new Error('must not open the lock store')),
      progress: createProgress('silent'),
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    return error as CliError;
  }

  describe('a resource removed from the code', () => {
    let world: World;
    let withoutHub: string;
    before(async () => {
      world = await startWorld({}, { ci: true });
      withoutHub = await registryCopy();
      const catalog = path.join(withoutHub, 'deployments/catalog.yaml');
      const text = await readFile(catalog, 'utf8');
      await writeFile(catalog, text.replace(/\n  - name: analytics-events\n    partitions: 2\n    consumers: \[analytics\]\n?/, '\n'));
      expect(await readFile(catalog, 'utf8')).not.to.include('analytics-events');
    });
    after(async () => world?.close());

    const hub = (d: string): string => `/resourceGroups/rg-cf-${d}/providers/Microsoft.EventHub/namespaces/evhns-cf-${d}/eventhubs/analytics-events`;
    const removed = (result: DeployResult): { kind: string; resourceId: string }[] => result.whatIf!.changes.filter((c) => c.kind === 'delete' || c.kind === 'detach');

    it('test: Delete, and the resource is gone', async () => {
      expect((await deploy(world, 'westeu-test-1')).exitCode).to.equal(ExitCode.Success);
      // The fallback where ARM offers no stack what-if: deployment what-if + the stack's removals.
      const preflight = await runPreflight(resolveTarget('westeu-test-1', withoutHub), services.bicep);
      const existing = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      const fallback = await deploymentWhatIf(world.clients, { deployment: 'westeu-test-1', location: preflight.location, template: preflight.template, parameters: preflight.parameters, stack: preflight.stack, noise: loadNoiseRules(withoutHub).active }, existing, { updateIntervalInMs: 10 });
      expect(fallback.source).to.equal('deployment');

      const result = await deploy(world, 'westeu-test-1', { registryRoot: withoutHub });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      expect(result.whatIf!.source).to.equal('stack');
      const gone = removed(result);
      expect(fallback.changes.filter((c) => c.kind === 'delete').map((c) => c.resourceId.toLowerCase()).sort()).to.deep.equal(gone.map((c) => c.resourceId.toLowerCase()).sort());
      expect(gone.length).to.be.greaterThan(0);
      expect(gone.every((c) => c.kind === 'delete' && c.resourceId.includes('analytics-events'))).to.equal(true);
      expect(gone.map((c) => c.resourceId)).to.include(`/subscriptions/${world.emulator.subscriptionId}${hub('westeu-test-1')}`);
      const stack = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
      expect(managedResourceIds(stack).some((id) => id.includes('analytics-events'))).to.equal(false);
      const left: string[] = [];
      for await (const r of world.clients.resources.resources.list()) if (r.id?.includes('eventhubs/analytics-events')) left.push(r.id);
      expect(left).to.deep.equal([]);
    });

    it('prod: refused without --allow-delete (exit 2, nothing changed); with it, Detach and the resource stays', async () => {
      expect((await deploy(world, 'westeu-prod-1')).exitCode).to.equal(ExitCode.Success);
      const before = await armStackProvider(world.clients).state('cf-westeu-prod-1', 'westeu-prod-1');
      expect(before?.properties?.denySettings?.mode).to.equal('denyWriteAndDelete');
      // The deploying identity (the CI identity here) is excluded from the deny assignment.
      expect(before?.properties?.denySettings?.excludedPrincipals).to.deep.equal([emulatorCiPrincipalId]);

      const refused = await deploy(world, 'westeu-prod-1', { registryRoot: withoutHub });
      expect(refused.exitCode).to.equal(ExitCode.BadInput);
      expect(refused.report!.error!.message).to.include('delete or detach');
      expect(refused.report!.error!.hint).to.include('--allow-delete');
      expect((await armStackProvider(world.clients).state('cf-westeu-prod-1', 'westeu-prod-1'))?.properties?.deploymentId).to.equal(before?.properties?.deploymentId);

      const result = await deploy(world, 'westeu-prod-1', { registryRoot: withoutHub, allowDelete: true });
      expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
      const gone = removed(result);
      expect(gone.length).to.be.greaterThan(0);
      expect(gone.every((c) => c.kind === 'detach' && c.resourceId.includes('analytics-events'))).to.equal(true);
      const id = `/subscriptions/${world.emulator.subscriptionId}${hub('westeu-prod-1')}`;
      expect(managedResourceIds(await armStackProvider(world.clients).state('cf-westeu-prod-1', 'westeu-prod-1'))).not.to.include(id);
      expect((await world.clients.resources.resources.getById(id, '2024-01-01')).id?.toLowerCase()).to.equal(id.toLowerCase());
    });
  });

  describe('a run killed mid-deploy', () => {
    it('the next run is refused while the dead run\'s lease lasts, then takes the lock and converges', async function () {
      this.timeout(120_000);
      const world = await startWorld({ latency: { defaultMs: 1500 } });
      // The dead run's lease: long enough to outlast the preflight and the stack PUT below.
      const child = await startLockHolder(services.azurite.port, 'deployment-locks', 'westeu-test-1', 30);
      try {
        // What the dead run had started: the stack PUT, still running when the process died.
        const preflight = await runPreflight(resolveTarget('westeu-test-1'), services.bicep);
        await world.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscription(
          'cf-westeu-test-1',
          stackDefinition({ deployment: 'westeu-test-1', location: preflight.location, template: preflight.template, parameters: preflight.parameters, stack: preflight.stack, principalId: undefined }),
        );
        child.kill('SIGKILL');

        const refused = await deploy(world, 'westeu-test-1').catch((e: unknown) => e);
        expect(refused).to.be.instanceOf(DeploymentLockedError);
        expect((refused as DeploymentLockedError).message).to.include(`child-${child.pid}`);

        // The next run waits for the lock: it is free once the dead run's lease has run out.
        const result = await deploy(world, 'westeu-test-1', { lockWaitMs: 110_000 });
        expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
        // It did wait: for the dead run's lock, not for anything else.
        expect(result.lines.join('\n')).to.include(`run child-${child.pid}`).and.include('waiting for it to be released or to expire');
        const stack = await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1');
        expect(stack?.properties?.provisioningState).to.equal('succeeded');
        // The dead run's stack PUT finished: this run is its follow-up (the default domain fed back, +4).
        expect(managedResourceIds(stack)).to.have.length((await snapshotTypes('westeu-test-1')).length + 4);
      } finally {
        child.kill('SIGKILL');
        await world.close();
      }
    });
  });

  describe('refusals', () => {
    it('a policy deny found offline: exit 1 as in cf-infra plan, nothing sent to ARM, no lock taken', async () => {
      const root = await registryCopy();
      const file = path.join(root, 'deployments/westeu-test-1.yaml');
      await writeFile(file, `${await readFile(file, 'utf8')}overrides:\n  monitoring:\n    logAnalytics:\n      retentionDays: 60\n`);
      const error = await refusedBeforeArm('westeu-test-1', root);
      expect(error.exitCode).to.equal(ExitCode.Failed);
      expect(error.message).to.include('log-cf-westeu-test-1').and.include('nothing was sent to Azure');
    });

    it('over budget: exit 1 before ARM, saying by how much', async () => {
      const root = await registryCopy();
      const profile = path.join(root, 'deployments/profiles/test.yaml');
      await writeFile(profile, (await readFile(profile, 'utf8')).replace(/monthlyUsd: \d+/, 'monthlyUsd: 50'));
      const error = await refusedBeforeArm('westeu-test-1', root);
      expect(error.exitCode).to.equal(ExitCode.Failed);
      expect(error.message).to.match(/exceeds the budget of \$50\.00 by \$\d+/);
    });

    it('20 % transient ARM faults (429/500/503 with Retry-After): the deploy still succeeds', async () => {
      const world = await startWorld({ faults: { transientRate: 0.2, retryAfterSeconds: 0 } });
      try {
        const result = await deploy(world, 'westeu-test-1');
        expect(result.exitCode, result.lines.join('\n')).to.equal(ExitCode.Success);
        expect((await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1'))?.properties?.provisioningState).to.equal('succeeded');
      } finally {
        await world.close();
      }
    });

    it('a policy deny in ARM: a clear message naming the assignment, its exit code, and no stack', async () => {
      const world = await startWorld();
      try {
        const sub = `/subscriptions/${world.emulator.subscriptionId}`;
        const definition = `${sub}/providers/Microsoft.Authorization/policyDefinitions/cf-no-redis`;
        const assignment = `${sub}/providers/Microsoft.Authorization/policyAssignments/cf-no-redis-here`;
        await world.clients.resources.resources.beginCreateOrUpdateByIdAndWait(definition, '2023-04-01', {
          properties: { displayName: 'No Redis here', mode: 'All', policyRule: { if: { field: 'type', equals: 'Microsoft.Cache/redisEnterprise' }, then: { effect: 'deny' } } },
        } as never);
        await world.clients.resources.resources.beginCreateOrUpdateByIdAndWait(assignment, '2023-04-01', { properties: { policyDefinitionId: definition, scope: sub } } as never);
        const result = await deploy(world, 'westeu-test-1');
        expect(result.exitCode).to.not.equal(ExitCode.Success);
        expect(result.report!.outcome).to.equal('failed');
        expect(result.report!.error!.message).to.include('RequestDisallowedByPolicy').and.include('cf-no-redis-here');
        expect(result.lines.join('\n')).to.include('cf-no-redis-here');
        // ARM refuses the stack PUT while validating the template: no stack is written.
        expect(await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1')).to.equal(undefined);
        expect((await world.clients.resources.resourceGroups.checkExistence('rg-cf-westeu-test-1')).body).to.equal(false);
      } finally {
        await world.close();
      }
    });

    it('a subscription that was not bootstrapped: says which providers are missing and which command fixes it, takes no ARM write', async () => {
      const world = await startWorld({}, { bare: true });
      try {
        const result = await deploy(world, 'westeu-test-1');
        expect(result.exitCode).to.equal(ExitCode.Failed);
        expect(result.report!.error!.message).to.include('not registered').and.include('Microsoft.KeyVault');
        expect(result.report!.error!.hint).to.include('cf-infra bootstrap');
        expect(await armStackProvider(world.clients).state('cf-westeu-test-1', 'westeu-test-1')).to.equal(undefined);
      } finally {
        await world.close();
      }
    });

    it('an unknown deployment is bad input before anything starts', async () => {
      const error = await refusedBeforeArm('westeu-tset-1');
      expect(error.exitCode).to.equal(ExitCode.BadInput);
      expect(error.message).to.include('westeu-tset-1');
    });
  });
});

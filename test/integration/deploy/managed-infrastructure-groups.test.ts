// Issue 15 item 7(e): a workload-profiles Container Apps environment makes its own infrastructure
// resource group, untagged. With the baseline tag rules assigned (cf-infra bootstrap against the ARM
// emulator), the emulator creates that group as Azure does and evaluates the deny policies on it:
// without the assignments' exclusion the environment fails with
// ManagedEnvironmentResourceGroupDisallowedByPolicy, with it the environment deploys. Offline, the
// plan's policy check names the group it exempts, for every deployment.
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bicepExpander, startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { createArmClients, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import { checkRoleCoverage, prepareBootstrap, runBootstrap, type Prepared } from '@complianceflow/cli/bootstrap/run.ts';
import { deploymentShapes } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { stackDefinition } from '@complianceflow/cli/arm/stack-definition.ts';
import { resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { policyStage } from '@complianceflow/cli/plan/checks.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { infrastructureGroupName, withExclusions, type PolicyEvaluation } from '@complianceflow/core/policy/index.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';

const now = new Date('2026-11-29T02:00:00Z');
const policyApi = '2025-03-01';

describe('Container Apps infrastructure resource groups under the baseline tag rules (emulator + bootstrap)', function () {
  this.timeout(300_000);
  let bicep: Bicep;
  let emu: RunningEmulator;
  let clients: ArmClients;
  let prepared: Prepared;
  let stateDir: string;

  const bootstrap = () =>
    runBootstrap(prepared, {
      subscriptionId: emu.subscriptionId,
      target: { kind: 'emulator', endpoint: emu.endpoint, caPem: emu.caPem },
      dryRun: false,
      renderer: 'silent',
      now,
      print: () => {},
      pollIntervalMs: 20,
    });
  const rest = () => armResources(clients, { pollIntervalMs: 20 });
  const assignmentIds = () => prepared.library.assignments.map(({ assignment }) => `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/policyAssignments/${assignment.name}`);
  const groupId = (name: string) => `/subscriptions/${emu.subscriptionId}/resourceGroups/${name}`;

  async function deployStack(deployment: string) {
    const preflight = await runPreflight(resolveTarget(deployment), bicep);
    const definition = stackDefinition({ deployment, location: preflight.location, template: preflight.template, parameters: preflight.parameters, stack: preflight.stack, principalId: defaultEmulatorPrincipalId });
    // A failed stack rejects the poller; the stack itself (read back below) carries the failure.
    await clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait(preflight.stack.name, definition, { updateIntervalInMs: 10 }).catch(() => undefined);
    return (await armStackProvider(clients).state(preflight.stack.name, deployment))!;
  }

  before(async () => {
    bicep = await openBicep({ onWarning: () => {} });
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'cf-managed-groups-'));
    emu = await startEmulator({ stateDir, port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
    clients = createArmClients({ kind: 'emulator', subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem }, { retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
    prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emu.subscriptionId, now }), await deploymentShapes());
    await bootstrap();
  });
  after(async () => {
    await emu?.close();
    await bicep?.dispose();
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  });

  it('bootstrap writes, into every baseline assignment, notScopes naming exactly each deployment\'s infrastructure group', async () => {
    const expected = resolveAll(loadRegistry()).map((d) => groupId(d.names.containerAppsInfrastructureResourceGroup)).sort();
    expect(expected).to.have.length(8);
    for (const id of assignmentIds()) {
      const assignment = await rest().get(id, policyApi);
      const notScopes = (assignment?.['properties'] as { notScopes?: string[] }).notScopes ?? [];
      expect([...notScopes].sort(), id).to.deep.equal(expected);
    }
  });

  it('without the exclusion the emulator refuses the environment: ManagedEnvironmentResourceGroupDisallowedByPolicy, and no group is created', async () => {
    for (const id of assignmentIds()) {
      const assignment = (await rest().get(id, policyApi))!;
      const properties = { ...(assignment['properties'] as Record<string, unknown>) };
      delete properties['notScopes'];
      await rest().put(id, policyApi, { properties });
    }
    const stack = await deployStack('westeu-test-1');
    expect(stack.properties?.provisioningState).to.equal('failed');
    const environment = stack.properties?.failedResources?.find((r) => /\/managedEnvironments\/cae-cf-westeu-test-1$/i.test(r.id ?? ''));
    expect(environment?.error?.code, JSON.stringify(stack.properties?.error)).to.equal('ManagedEnvironmentResourceGroupDisallowedByPolicy');
    expect(environment?.error?.message).to.include("'rg-cf-westeu-test-1-cae-infra'").and.to.include('disallowed by policy');
    expect(await clients.resources.resourceGroups.checkExistence('rg-cf-westeu-test-1-cae-infra')).to.deep.include({ body: false });
  });

  it('with the tag rules and their exclusion (bootstrap rerun), the environments deploy and Azure\'s untagged group exists, managed by the environment', async () => {
    await bootstrap();
    for (const deployment of ['westeu-test-1', 'westeu-prod-1']) {
      const stack = await deployStack(deployment);
      expect(stack.properties?.provisioningState, `${deployment}: ${JSON.stringify(stack.properties?.error)}`).to.equal('succeeded');
      const group = await clients.resources.resourceGroups.get(`rg-cf-${deployment}-cae-infra`);
      expect(group.tags ?? {}, deployment).to.deep.equal({});
      expect(group.managedBy?.toLowerCase()).to.equal(`/subscriptions/${emu.subscriptionId}/resourceGroups/rg-cf-${deployment}/providers/Microsoft.App/managedEnvironments/cae-cf-${deployment}`.toLowerCase());
    }
  });

  it('deleting the environment\'s resource group deletes the infrastructure group Azure made for it', async () => {
    await (await clients.resources.resourceGroups.beginDelete('rg-cf-westeu-prod-1', { updateIntervalInMs: 10 })).pollUntilDone();
    expect(await clients.resources.resourceGroups.checkExistence('rg-cf-westeu-prod-1-cae-infra')).to.deep.include({ body: false });
    expect(await clients.resources.resourceGroups.checkExistence('rg-cf-westeu-test-1-cae-infra')).to.deep.include({ body: true });
  });

  it('a group of that name created beforehand (even tagged) is refused, as Azure refuses it (#811): the environment fails', async () => {
    const tags = { app: 'complianceflow', env: 'prod', owner: 'platform-team', costCenter: 'CC-1000-PROD' };
    await clients.resources.resourceGroups.createOrUpdate('rg-cf-westeu-prod-1-cae-infra', { location: 'westeurope', tags });
    const stack = await deployStack('westeu-prod-1');
    expect(stack.properties?.provisioningState).to.equal('failed');
    const environment = stack.properties?.failedResources?.find((r) => /\/managedEnvironments\/cae-cf-westeu-prod-1$/i.test(r.id ?? ''));
    expect(environment?.error?.code).to.equal('ManagedEnvironmentInfrastructureResourceGroupAlreadyExists');
    expect(environment?.error?.message).to.include("'rg-cf-westeu-prod-1-cae-infra' of managed environment 'cae-cf-westeu-prod-1' already exists");
  });
});

describe('plan policy stage: the infrastructure group Azure creates is checked and named as exempt (every deployment)', () => {
  for (const target of resolveTargets('all')) {
    it(`${target.deployment}: exempts rg-cf-${target.deployment}-cae-infra, which the tag rules would otherwise deny`, async () => {
      const golden = JSON.parse(await readFile(path.join(repoRoot, 'deployments', 'snapshots', `${target.deployment}.json`), 'utf8')) as { resources: Resource[] };
      const evaluation = (await policyStage.run({ target, resources: golden.resources } as never)) as PolicyEvaluation;
      expect(evaluation.denied).to.equal(0);
      expect(evaluation.exempted.map((e) => e.name)).to.deep.equal([`rg-cf-${target.deployment}-cae-infra`]);
      const [exempt] = evaluation.exempted;
      expect(exempt!.suppressed.filter((r) => r.effect === 'deny').map((r) => r.referenceId).sort()).to.deep.equal(
        ['require-tag-app-resource-groups', 'require-tag-costCenter-resource-groups', 'require-tag-env-resource-groups', 'require-tag-owner-resource-groups'],
      );
      const text = policyStage.render!(evaluation, { bold: (s: string) => s, red: (s: string) => s, yellow: (s: string) => s, green: (s: string) => s } as never);
      expect(text).to.include(`exempt Microsoft.Resources/resourceGroups rg-cf-${target.deployment}-cae-infra`);
    });
  }
});

describe('the infrastructure group rules (pure)', () => {
  it("Azure's default name is ME_<environment>_<resource group>_<region>; a named group wins", () => {
    expect(infrastructureGroupName({ name: 'cae-x', resourceGroup: 'rg-x', location: 'westeurope' })).to.equal('ME_cae-x_rg-x_westeurope');
    expect(infrastructureGroupName({ name: 'cae-x', resourceGroup: 'rg-x', location: 'westeurope', infrastructureResourceGroup: 'rg-x-cae-infra' })).to.equal('rg-x-cae-infra');
  });

  it('adds each exclusion once to the notScopes an assignment file may already carry (ids compare case-insensitively)', () => {
    const exclusion = { scope: '/subscriptions/s/resourceGroups/rg-a-cae-infra', deployment: 'a', reason: 'r' };
    expect(withExclusions(['/subscriptions/s/resourceGroups/other', '/subscriptions/S/resourcegroups/RG-A-CAE-INFRA'], [exclusion])).to.have.length(2);
    expect(withExclusions(undefined, [exclusion])).to.deep.equal([exclusion.scope]);
  });

  it('an environment without infrastructureResourceGroup gets Azure\'s default group, which no exclusion covers: the plan denies it', async () => {
    const [target] = resolveTargets(['westeu-test-1']);
    const golden = JSON.parse(await readFile(path.join(repoRoot, 'deployments', 'snapshots', 'westeu-test-1.json'), 'utf8')) as { resources: Resource[] };
    const environment = golden.resources.find((r) => r.type === 'Microsoft.App/managedEnvironments')!;
    delete (environment.properties as Record<string, unknown>)['infrastructureResourceGroup'];
    const evaluation = (await policyStage.run({ target: target!, resources: golden.resources } as never)) as PolicyEvaluation;
    expect(evaluation.exempted).to.deep.equal([]);
    expect(evaluation.denied).to.equal(4);
    expect([...new Set(evaluation.results.map((r) => r.name))]).to.deep.equal(['ME_cae-cf-westeu-test-1_rg-cf-westeu-test-1_westeurope']);
    expect(policyStage.failed!(evaluation)).to.equal(true);
  });
});

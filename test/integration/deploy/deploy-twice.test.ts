// Deploy twice, everywhere (issue 15, AVM's idempotency habit): every deployment deployed into one ARM
// emulator as the CI identity after the real `bootstrap --emulator`, deployed again with the stack's
// outputs fed back (containerAppsDefaultDomain: the second deploy's shape, with the environment's
// private DNS zone and its A records), then a what-if as the what-if command sends it: 0 changes.
// One emulator in this process (latency 0) and a real Azurite; the deploys run through runDeploy, the
// command's own code path, with the session the CLI opens for `--emulator --as ci`.
import { capturingProgress } from '../../support/world.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { emulatorCiPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { armResources } from '@complianceflow/cli/arm/resources-by-id.ts';
import * as desired from '@complianceflow/cli/bootstrap/desired.ts';
import { deploymentShapes } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { checkRoleCoverage, emulatorPlaceholderPrincipal, prepareBootstrap, runBootstrap, type Prepared } from '@complianceflow/cli/bootstrap/run.ts';
import { vaultSettingsOf } from '@complianceflow/cli/arm/key-vault-retention.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { managedResourceIds } from '@complianceflow/cli/arm/stack-definition.ts';
import { openEmulatorSession, type ArmSession } from '@complianceflow/cli/arm/session.ts';
import { runDeploy, type DeployResult } from '@complianceflow/cli/deploy/pipeline.ts';
import { deployShape, resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { loadNoiseRules } from '@complianceflow/cli/config/what-if-rules.ts';
import { previewWhatIf } from '@complianceflow/cli/review/collect.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';
import { bicepExpander, startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';

const deployments = resolveTargets('all').map((t) => t.deployment);

describe('deploy twice, every deployment, as the CI identity (emulator + Azurite)', function () {
  this.timeout(1_800_000);
  let bicep: Bicep;
  let azurite: AzuriteBlob;
  let emulator: RunningEmulator;
  let ci: ArmSession;
  let scratch: string;
  let prepared: Prepared;
  const sessionEnv = (): NodeJS.ProcessEnv => ({ ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_CA: emulator.caPath, ARM_EMULATOR_SUBSCRIPTION_ID: emulator.subscriptionId });

  async function deploy(deployment: string): Promise<DeployResult & { lines: string[] }> {
    const { progress, lines } = capturingProgress();
    const result = await runDeploy(
      { deployment, command: `deploy ${deployment} --emulator --as ci --yes`, yes: true, allowDelete: false, format: 'text' },
      { bicep, openArm: async () => ci, openLockStore: async () => azurite.lockStore(), progress, runsDir: path.join(scratch, 'runs'), poll: { updateIntervalInMs: 10 } },
    );
    return { ...result, lines };
  }

  before(async function () {
    this.timeout(300_000);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'cf-deploy-twice-'));
    bicep = await openBicep({ onWarning: () => {} });
    azurite = await startAzuriteBlob();
    emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
    // The real bootstrap, as `cf-infra bootstrap --emulator --yes` runs it: the CI identity's roles are what it grants.
    prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emulator.subscriptionId }), await deploymentShapes());
    await runBootstrap(prepared, { subscriptionId: emulator.subscriptionId, target: { kind: 'emulator', endpoint: emulator.endpoint, caPem: emulator.caPem }, dryRun: false, renderer: 'silent', print: () => {}, pollIntervalMs: 20 });
    // The session `--emulator --as ci` opens (a running emulator found through the environment).
    ci = await openEmulatorSession({ identity: 'ci', env: { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_CA: emulator.caPath, ARM_EMULATOR_SUBSCRIPTION_ID: emulator.subscriptionId } });
    // The premise: bootstrap gave the CI identity (the emulator's stand-in object id) the deployment role.
    expect(emulatorPlaceholderPrincipal.objectId).to.equal(emulatorCiPrincipalId);
    const rest = armResources(ci.clients);
    for (const assignment of desired.roleAssignments(prepared.input, prepared.role, emulatorPlaceholderPrincipal, prepared.deploymentRoleCondition)) {
      const stored = await rest.get(assignment.id, assignment.apiVersion);
      expect((stored?.['properties'] as { principalId?: string } | undefined)?.principalId, assignment.label).to.equal(emulatorCiPrincipalId);
    }
  });
  after(async () => {
    await ci?.close();
    await emulator?.close();
    await azurite?.stop();
    await bicep?.dispose();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  for (const deployment of deployments) {
    it(`${deployment}: deploys, deploys again with containerAppsDefaultDomain fed back, then what-if shows 0 changes`, async () => {
      const stackName = `cf-${deployment}`;
      const first = await deploy(deployment);
      expect(first.exitCode, first.lines.join('\n')).to.equal(ExitCode.Success);
      expect(first.report!.outcome).to.equal('succeeded');
      expect(first.report!.noise, 'the what-if after the deploy').to.deep.equal({ candidates: [], resources: [] });
      const afterFirst = await armStackProvider(ci.clients).state(stackName, deployment);
      // The requests carried the CI identity's object id: ARM records it as who wrote the stack.
      expect(afterFirst?.systemData?.lastModifiedBy).to.equal(emulatorCiPrincipalId);
      const domain = ((afterFirst?.properties?.outputs as Record<string, { value?: { defaultDomain?: string } }>)['containerApps']?.value?.defaultDomain) ?? '';
      expect(domain).to.match(/\.azurecontainerapps\.io$/);
      const zone = `/providers/Microsoft.Network/privateDnsZones/${domain}`.toLowerCase();
      expect(managedResourceIds(afterFirst).filter((id) => id.toLowerCase().includes(zone))).to.deep.equal([]);

      const second = await deploy(deployment);
      expect(second.exitCode, second.lines.join('\n')).to.equal(ExitCode.Success);
      expect(second.report!.outcome).to.equal('succeeded');
      expect(second.report!.noise, 'the what-if after the deploy').to.deep.equal({ candidates: [], resources: [] });
      expect(second.lines.join('\n')).to.include("fed back from the stack's outputs: containerAppsDefaultDomain");
      // Exactly the second deploy's shape is new: the zone of the environment's domain, * and @, the VNet link.
      const changed = second.whatIf!.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore');
      expect(changed.map((c) => [c.kind, c.type]).sort(), JSON.stringify(changed.map((c) => [c.kind, c.resourceId]), null, 1)).to.deep.equal([
        ['create', 'Microsoft.Network/privateDnsZones'],
        ['create', 'Microsoft.Network/privateDnsZones/A'],
        ['create', 'Microsoft.Network/privateDnsZones/A'],
        ['create', 'Microsoft.Network/privateDnsZones/virtualNetworkLinks'],
      ]);
      const afterSecond = await armStackProvider(ci.clients).state(stackName, deployment);
      expect(afterSecond?.properties?.provisioningState).to.equal('succeeded');
      expect(afterSecond?.systemData?.lastModifiedBy).to.equal(emulatorCiPrincipalId);
      const records = managedResourceIds(afterSecond).filter((id) => id.toLowerCase().startsWith(`/subscriptions/${emulator.subscriptionId}/resourcegroups/rg-cf-${deployment}${zone}/a/`));
      expect(records.map((id) => id.split('/').pop()).sort()).to.deep.equal(['*', '@']);

      // What `cf-infra what-if <deployment> --emulator --as ci` sends now: the stack's outputs fed back
      // (its preflight is the second deploy's: the same code and configuration, planned offline).
      const preflight = second.preflight!;
      const existing = await armStackProvider(ci.clients).state(stackName, deployment);
      const shape = deployShape(preflight, existing);
      expect(shape.fedBack).to.deep.equal(['containerAppsDefaultDomain']);
      const model = await armStackProvider(ci.clients, { updateIntervalInMs: 10 }).preview({ deployment, location: preflight.location, template: preflight.template, parameters: shape.parameters, stack: preflight.stack, noise: loadNoiseRules().active }, existing);
      const s = model.summary;
      const noise = model.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore').map((c) => `${c.kind} ${c.resourceId}`);
      expect([s.create, s.modify, s.delete, s.detach, s.deploy], noise.join('\n')).to.deep.equal([0, 0, 0, 0, 0]);
      expect(s.noChange).to.equal(managedResourceIds(existing).length);
    });
  }

  it('the pull-request identity previews with validationLevel ProviderNoRbac (no change, the deny settings included, on a prod stack); a what-if that checks write rights and a deploy are refused', async () => {
    // A prod stack: its deny settings exclude the CI identity that deployed it, not the reviewer.
    const deployment = deployments.find((d) => resolveTarget(d).environment === 'prod')!;
    const pr = await openEmulatorSession({ identity: 'pr', env: sessionEnv() });
    try {
      const preflight = await runPreflight(resolveTarget(deployment), bicep);
      const existing = await armStackProvider(pr.clients).state(`cf-${deployment}`, deployment);
      const input = { deployment, location: preflight.location, template: preflight.template, parameters: deployShape(preflight, existing).parameters, stack: preflight.stack, noise: loadNoiseRules().active };
      // What `cf-infra what-if <d> --emulator --as pr` sends (the review's what-if, ProviderNoRbac).
      const model = await previewWhatIf(pr, preflight, input.noise);
      expect(model.summary.noChange).to.equal(managedResourceIds(existing).length);
      expect(model.denySettingsDelta, 'deny settings as the last deploy left them').to.deep.equal([]);
      // ARM's default level checks the caller's write rights on every resource: Reader + what-if has none.
      const refused = await armStackProvider(pr.clients, { updateIntervalInMs: 10 }).preview(input, existing).then(() => undefined, (error: Error) => error);
      expect(refused?.message).to.match(/AuthorizationFailed|does not have (authorization|permission)/);
      expect(refused?.message).to.match(/\/write/);
    } finally {
      await pr.close();
    }
  });

  // Done-when of the Azure-readiness issue: an action missing from the role fails the deploy as the CI
  // identity with ARM's error naming it — a linked one on the first deploy, a second-deploy-only one on the second.
  for (const { action, fails } of [
    { action: 'Microsoft.Network/virtualNetworks/join/action', fails: 'first' },
    { action: 'Microsoft.Network/privateDnsZones/A/write', fails: 'second' },
  ] as const) {
    it(`without ${action} in the deployment role, the ${fails} deploy as the CI identity fails naming it`, async () => {
      const deployment = 'eastus-test-1';
      const owner = await openEmulatorSession({ identity: 'owner', env: sessionEnv() });
      const rest = armResources(owner.clients);
      const role = desired.deploymentRoleDefinition(prepared.input, prepared.role);
      const permissions = (role.body['properties'] as { permissions: { actions: string[] }[] }).permissions;
      const reduced = { properties: { ...(role.body['properties'] as object), permissions: [{ ...permissions[0]!, actions: permissions[0]!.actions.filter((a) => a !== action) }] } };
      expect(reduced.properties.permissions[0]!.actions).to.have.length(permissions[0]!.actions.length - 1);
      try {
        await armStackProvider(owner.clients, { updateIntervalInMs: 10 }).destroy({ deployment, stackName: `cf-${deployment}`, vault: vaultSettingsOf(resolveTarget(deployment).resolved) }, () => {});
        await rest.put(role.id, role.apiVersion, reduced);
        const first = await deploy(deployment);
        if (fails === 'first') {
          expect(first.exitCode).to.equal(ExitCode.Failed);
          expect(first.lines.join('\n'), first.lines.join('\n')).to.match(/LinkedAuthorizationFailed/).and.to.include(action);
          return;
        }
        expect(first.exitCode, first.lines.join('\n')).to.equal(ExitCode.Success);
        const second = await deploy(deployment);
        expect(second.exitCode).to.equal(ExitCode.Failed);
        expect(second.lines.join('\n'), second.lines.join('\n')).to.match(/AuthorizationFailed/).and.to.include(action);
      } finally {
        await rest.put(role.id, role.apiVersion, role.body);
        await owner.close();
      }
    });
  }

  it('the CI identity cannot grant Owner, nor an allowed role to a user: the condition on its role assignment refuses (403)', async () => {
    const rest = armResources(ci.clients);
    const scope = `/subscriptions/${emulator.subscriptionId}`;
    const roleId = (guid: string): string => `/subscriptions/${emulator.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const attempt = (name: string, guid: string, principalType: string): Promise<unknown> =>
      rest.put(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, '2022-04-01', { properties: { roleDefinitionId: roleId(guid), principalId: emulatorCiPrincipalId, principalType } }).then(() => 'granted', (error: unknown) => error);
    const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    const secretsUser = '4633458b-17de-408a-b874-0445c86b69e6';
    for (const [name, guid, type] of [['5b0c0c1d-0000-4000-8000-000000000001', owner, 'ServicePrincipal'], ['5b0c0c1d-0000-4000-8000-000000000002', secretsUser, 'User']] as const) {
      const refused = (await attempt(name, guid, type)) as { statusCode?: number; code?: string; message?: string };
      expect(refused, `${guid} to a ${type}`).to.not.equal('granted');
      expect([refused.statusCode, refused.code], refused.message).to.deep.equal([403, 'AuthorizationFailed']);
      expect(refused.message).to.include('condition');
    }
    // What the templates grant (a service principal with Key Vault Secrets User) stays allowed.
    expect(await attempt('5b0c0c1d-0000-4000-8000-000000000003', secretsUser, 'ServicePrincipal')).to.equal('granted');
  });
});

// --from-here's targets from a real stack: westeu-test-1 deployed into the ARM emulator (in this
// process), its outputs, and the secrets read with the real Key Vault client from the emulator's
// vault (the template-written ones are there; the service passwords are set here as the post-deploy
// step would). Missing outputs and secrets fail only the checks that need them, naming what is missing.
import { capturingProgress } from '../../support/world.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { createArmClients, EmulatorCredential, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import type { ResolvedDeployment } from '@complianceflow/cli/config/resolve.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { armStackProvider } from '@complianceflow/cli/arm/stack-provider.ts';
import { apiVersionsByType } from '@complianceflow/cli/arm/api-versions.ts';
import { runDeploy } from '@complianceflow/cli/deploy/pipeline.ts';
import { resolveTarget, runPreflight } from '@complianceflow/cli/deploy/preflight.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { secretClient } from '@complianceflow/cli/secrets/client.ts';
import type { ArmContext } from '@complianceflow/cli/validate/arm-checks.ts';
import { buildAzureTargets, outputAt, outputsOfStack, secretNamesNeeded, tokenObjectId, type AzureTargetSources } from '@complianceflow/cli/validate/azure-target.ts';
import { readSecrets, type SecretRead } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { renderJson } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import { buildSuite } from '@complianceflow/cli/validate/suite.ts';
import { bicepExpander, startEmulator, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../../support/azurite.ts';

describe('validate --from-here: targets from the stack outputs and Key Vault (ARM emulator)', function () {
  this.timeout(240_000);
  const deployment = 'westeu-test-1';
  const resolved = resolveTarget(deployment).resolved as ResolvedDeployment;
  const catalog = resolved.catalog;
  const temps: string[] = [];
  let bicep: Bicep;
  let azurite: AzuriteBlob;
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let context: ArmContext;
  let outputs: Record<string, unknown>;
  let vaultUrl: string;
  const passwords = new Map(catalog.services.map((s) => [`postgresql-${s}-password`, `pw-${s}-from-here-8c21`]));

  before(async () => {
    bicep = await openBicep({ onWarning: () => {} });
    azurite = await startAzuriteBlob();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'cf-validate-target-'));
    temps.push(stateDir);
    emulator = await startEmulator({ stateDir, port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
    clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }, { retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
    const preflight = await runPreflight(resolveTarget(deployment), bicep);
    for (const ns of requiredNamespaces(preflight.plan.resources)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
    const runsDir = await mkdtemp(path.join(os.tmpdir(), 'cf-validate-target-runs-'));
    temps.push(runsDir);
    const { progress, lines } = capturingProgress();
    const result = await runDeploy(
      { deployment, command: `deploy ${deployment} --emulator --yes`, yes: true, allowDelete: false, format: 'text' },
      { bicep, openArm: async () => ({ clients, where: `the ARM emulator at ${emulator.endpoint}`, emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} }), openLockStore: async () => azurite.lockStore(), progress, runsDir, poll: { updateIntervalInMs: 10 } },
    );
    expect(result.exitCode, lines.join('\n')).to.equal(ExitCode.Success);
    const stack = (await armStackProvider(clients).state(resolved.otherNames.deploymentStack, deployment))!;
    context = { clients, stack, apiVersions: apiVersionsByType(preflight.plan.resources), emulator: true };
    outputs = outputsOfStack(stack);
    vaultUrl = outputAt(outputs, 'security.keyVaultUri') as string;
    // The service passwords, as the post-deploy step writes them.
    const vault = secretClient(vaultUrl, { credential: new EmulatorCredential(), emulatorCaPem: emulator.caPem });
    for (const [name, value] of passwords) await vault.setSecret(name, value);
  });

  after(async () => {
    await emulator?.close();
    await azurite?.stop();
    await bicep?.dispose();
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  const realReader: AzureTargetSources['readSecrets'] = (url, names) => readSecrets(url, names, { credential: new EmulatorCredential(), emulatorCaPem: emulator.caPem });
  const sources = (overrides: Partial<AzureTargetSources> = {}): AzureTargetSources => ({
    stack: context.stack,
    catalog,
    expectedEvictionPolicy: 'allkeys-lru',
    readSecrets: realReader,
    credential: new EmulatorCredential(),
    arm: context,
    monitoringWaitMs: 1000,
    ...overrides,
  });

  it('builds every target from the outputs and the vault: PostgreSQL verify-full, Redis Entra (oid + token), Event Hubs, monitoring; consumer groups (none in ARM for Kafka consumers)', async () => {
    const names = secretNamesNeeded(outputs, catalog);
    expect(names).to.include.members([...passwords.keys(), 'eventhub-user-events-send-connection-string', 'eventhub-user-events-listen-connection-string', 'applicationinsights-connection-string']);
    const targets = await buildAzureTargets(sources());
    if (!targets.postgres.ok || !targets.redis.ok || !targets.eventHubs.ok || !targets.monitoring.ok) expect.fail(JSON.stringify(targets, null, 1).slice(0, 2000));
    const databaseNames = outputAt(outputs, 'database.databaseNames') as Record<string, string>;
    expect(targets.postgres.target).to.deep.include({ host: outputAt(outputs, 'database.fqdn'), port: 5432, tls: true });
    expect(targets.postgres.target.logins).to.deep.equal(catalog.services.map((s) => ({ service: s, login: `cf_${s}`, password: passwords.get(`postgresql-${s}-password`), database: databaseNames[s] })));
    expect(outputAt(outputs, 'redis.accessKeysAuthenticationEnabled')).to.equal(false);
    expect(targets.redis.target).to.deep.include({ host: outputAt(outputs, 'redis.hostName'), port: outputAt(outputs, 'redis.port'), tls: true, username: defaultEmulatorPrincipalId });
    expect(tokenObjectId(targets.redis.target.password!)).to.equal(defaultEmulatorPrincipalId);
    expect(targets.eventHubs.target.bootstrapServer).to.equal(outputAt(outputs, 'messaging.kafkaBootstrapServer')).and.match(/\.servicebus\.windows\.net:9093$/);
    expect(targets.eventHubs.target.hubs.map((h) => h.name)).to.deep.equal(catalog.eventHubs.map((h) => h.name));
    for (const hub of targets.eventHubs.target.hubs) expect(hub.sendConnectionString).to.not.equal('').and.not.equal(hub.listenConnectionString);
    expect(targets.monitoring.target.workspaceResourceId).to.equal(outputAt(outputs, 'monitoring.logAnalyticsWorkspaceResourceId'));
    expect(targets.secrets).to.include.members([...passwords.values(), targets.redis.target.password!, targets.monitoring.target.connectionString]);
    const [groups] = await runChecks(buildSuite({ data: { kind: 'azure', targets }, arm: { kind: 'stack', context }, catalog, expectedEvictionPolicy: 'allkeys-lru' }).checks.filter((c) => c.name === 'event hubs: consumer groups exist'));
    // Every consumer of the catalogue uses Kafka: nothing in ARM to look for, said so.
    expect(groups).to.include({ status: 'skipped' });
    expect(groups!.reason).to.match(/^no consumer in deployments\/catalog.yaml uses amqp/);
  });

  it('a secret the reader cannot read fails only the checks that need it, naming it; no secret in any output', async () => {
    const losing: AzureTargetSources['readSecrets'] = async (url, names) =>
      (await realReader(url, names)).map((r): SecretRead => (r.name === 'postgresql-user-password' ? { name: r.name, readable: false, problem: 'missing', reason: 'SecretNotFound: not in the vault' } : r.name === 'eventhub-case-events-listen-connection-string' ? { name: r.name, readable: false, problem: 'forbidden', reason: 'Forbidden (403): no get permission' } : r));
    const targets = await buildAzureTargets(sources({ readSecrets: losing }));
    expect(targets.postgres).to.deep.equal({ ok: false, reason: `Key Vault secret postgresql-user-password of ${vaultUrl} could not be read (missing: SecretNotFound: not in the vault)` });
    expect(targets.eventHubs).to.deep.equal({ ok: false, reason: `Key Vault secret eventhub-case-events-listen-connection-string of ${vaultUrl} could not be read (forbidden: Forbidden (403): no get permission)` });
    expect(targets.redis.ok && targets.monitoring.ok).to.equal(true);
    const suite = buildSuite({ data: { kind: 'azure', targets }, arm: { kind: 'stack', context }, catalog, expectedEvictionPolicy: 'allkeys-lru' });
    const unavailable = suite.checks.filter((c) => ['postgres: TLS, service logins, isolation, extensions', 'event hubs: produce and consume one message per hub (Kafka)'].includes(c.name));
    const results = await runChecks(unavailable, { secrets: suite.secrets });
    expect(results.map((r) => [r.status, r.troubleshooting])).to.deep.equal([['fail', 'docs/infrastructure/Validation.md#postgres-login'], ['fail', 'docs/infrastructure/Validation.md#event-hubs']]);
    expect(suite.checks.some((c) => /^redis: /.test(c.name) && c.troubleshooting === 'redis-tls')).to.equal(true);
    const json = renderJson(results);
    for (const value of suite.secrets) expect(json).not.to.include(value);
  });

  it('missing outputs fail the checks that need them, naming the output; the vault missing fails every secret-based target', async () => {
    const without = (drop: (o: Record<string, { value: Record<string, unknown> }>) => void): DeploymentStack => {
      const copy = structuredClone(context.stack.properties!.outputs) as Record<string, { value: Record<string, unknown> }>;
      drop(copy);
      return { ...context.stack, properties: { ...context.stack.properties!, outputs: copy } };
    };
    const noFqdn = await buildAzureTargets(sources({ stack: without((o) => delete o.database!.value.fqdn) }));
    expect(noFqdn.postgres).to.deep.equal({ ok: false, reason: 'stack output database.fqdn is missing (redeploy, or check cf-infra show <deployment>)' });
    expect(noFqdn.eventHubs.ok && noFqdn.redis.ok && noFqdn.monitoring.ok).to.equal(true);
    let asked = 0;
    const noVault = await buildAzureTargets(sources({ stack: without((o) => delete o.security), readSecrets: async (url, names) => { asked++; return realReader(url, names); } }));
    expect(asked).to.equal(0);
    for (const t of [noVault.postgres, noVault.eventHubs, noVault.monitoring]) expect(t).to.deep.equal({ ok: false, reason: 'stack output security.keyVaultUri is missing (redeploy, or check cf-infra show <deployment>)' });
    expect(noVault.redis.ok).to.equal(true);
  });
});

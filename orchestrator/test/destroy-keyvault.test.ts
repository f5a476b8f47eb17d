// Destroy and the deployment's Key Vault: without purge protection (test) the soft-deleted vault is
// purged; with it (prod) the vault stays soft-deleted and the output says until when.
// Same harness as deploy.test.ts: the ARM emulator in this process, a real Azurite, one Bicep process.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createArmClients, type ArmClients } from '../src/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '../src/arm/emulator-token.ts';
import { armRest } from '../src/bootstrap/arm-rest.ts';
import { openBicep, type Bicep } from '../src/bicep/index.ts';
import { deleteStack, requiredNamespaces } from '../src/deploy/arm-phases.ts';
import { keyVaultApiVersion } from '../src/deploy/key-vault-retention.ts';
import { resolveTarget } from '../src/deploy/preflight.ts';
import { runDeploy } from '../src/deploy/pipeline.ts';
import { createProgress } from '../src/deploy/progress.ts';
import { bicepExpander, startEmulator, type RunningEmulator } from '../../local/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from './support/azurite.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

describe('cf-infra destroy and the soft-deleted Key Vault (emulator + Azurite)', function () {
  this.timeout(240_000);
  let bicep: Bicep;
  let azurite: AzuriteBlob;
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let tmp: string;

  before(async () => {
    bicep = await openBicep({ onWarning: () => {} });
    azurite = await startAzuriteBlob();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cf-destroy-kv-'));
    emulator = await startEmulator({ stateDir: path.join(tmp, 'emu'), port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
    clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem }, { retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
    const types = (JSON.parse(await readFile(path.join(repoRoot, 'deployments/snapshots/westeu-test-1.json'), 'utf8')) as { resources: { type: string }[] }).resources;
    for (const ns of requiredNamespaces(types as never)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
  });
  after(async () => {
    await emulator?.close();
    await azurite?.stop();
    await bicep?.dispose();
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  async function deployAndDestroy(deployment: string): Promise<{ output: string; deletedVault: Record<string, unknown> | undefined; vault: string }> {
    const progress = createProgress('plain', {}, () => {});
    progress.print = () => {};
    const result = await runDeploy(
      { deployment, command: `deploy ${deployment} --emulator --yes`, yes: true, allowDelete: false, format: 'text' },
      {
        bicep,
        openArm: async () => ({ clients, where: 'the ARM emulator', emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} }),
        openLockStore: async () => azurite.lockStore(),
        progress,
        runsDir: path.join(tmp, `runs-${deployment}`),
        poll: { updateIntervalInMs: 10 },
      },
    );
    expect(result.exitCode, `deploy ${deployment}`).to.equal(0);
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      await deleteStack(clients, { deployment, stackName: `cf-${deployment}` }, () => {}, { updateIntervalInMs: 10 });
    } finally {
      console.log = log;
    }
    const resolved = resolveTarget(deployment).resolved;
    const rest = armRest(clients, emulator.endpoint, { pollIntervalMs: 10 });
    const deletedVault = await rest.get(`/subscriptions/${clients.subscriptionId}/providers/Microsoft.KeyVault/locations/${resolved.location}/deletedVaults/${resolved.names.keyVault}`, keyVaultApiVersion);
    return { output: lines.join('\n'), deletedVault, vault: resolved.names.keyVault };
  }

  it('test (purge protection off): the soft-deleted vault is purged after the stack delete', async () => {
    const { output, deletedVault, vault } = await deployAndDestroy('westeu-test-1');
    expect(deletedVault).to.equal(undefined);
    expect(output).to.include(`Key Vault ${vault}: soft-deleted vault purged`);
  });

  it('prod (purge protection on): the vault stays soft-deleted and the output says until when', async () => {
    const { output, deletedVault, vault } = await deployAndDestroy('westeu-prod-1');
    const props = deletedVault?.['properties'] as { scheduledPurgeDate: string; purgeProtectionEnabled: boolean };
    expect(props.purgeProtectionEnabled).to.equal(true);
    expect(output).to.include(`Key Vault ${vault}: stays soft-deleted until ${props.scheduledPurgeDate}`);
    expect(output).to.include('createMode recover');
  });
});

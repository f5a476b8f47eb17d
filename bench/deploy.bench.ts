// Deploy into the ARM emulator with zero latency: what the orchestrator itself costs, per phase
// (westeu-test-1, fresh), and four different deployments in parallel against one alone (ratio).
// In-process emulator, a real Azurite, the real SDK clients over HTTPS, one Bicep process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createArmClients, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { runDeploy, type DeployResult } from '@complianceflow/cli/deploy/pipeline.ts';
import { createProgress } from '@complianceflow/cli/runner/progress.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';
import { bicepExpander, startEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from '../test/support/azurite.ts';

export const name = 'deploy into the ARM emulator (latency 0): per phase, and 4 deployments in parallel vs 1 alone';

export async function deployOnce(deployment: string, ctx: { bicep: Bicep; clients: ArmClients; endpoint: string; azurite: AzuriteBlob; runsDir: string }): Promise<DeployResult> {
  const result = await runDeploy(
    { deployment, command: `deploy ${deployment} --emulator --yes`, yes: true, allowDelete: false, format: 'text' },
    {
      bicep: ctx.bicep,
      openArm: async () => ({ clients: ctx.clients, where: `the ARM emulator at ${ctx.endpoint}`, emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} }),
      openLockStore: async () => ctx.azurite.lockStore(),
      progress: createProgress('silent'),
      runsDir: ctx.runsDir,
      poll: { updateIntervalInMs: 10 },
    },
  );
  if (result.exitCode !== 0) throw new Error(`${deployment}: exit ${result.exitCode}: ${result.report?.error?.message ?? ''}`);
  return result;
}

/** What cf-infra bootstrap leaves behind that a deploy checks: providers, NetworkWatcherRG. */
export async function prepareLikeBootstrap(clients: ArmClients): Promise<void> {
  const snapshot = JSON.parse(readFileSync(path.join(repoRoot, 'deployments/snapshots/westeu-prod-1.json'), 'utf8')) as { resources: Resource[] };
  for (const ns of requiredNamespaces(snapshot.resources)) await clients.resources.providers.register(ns);
  await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cf-bench-deploy-'));
  const bicep = await openBicep({ onWarning: () => {} });
  const azurite = await startAzuriteBlob();
  const emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
  try {
    const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
    await prepareLikeBootstrap(clients);
    const ctx = { bicep, clients, endpoint: emulator.endpoint, azurite, runsDir: path.join(scratch, 'runs') };

    // Warm-up (Bicep's first compile is slower than the rest), then a fresh westeu-test-1.
    await deployOnce('eastus-stg-1', ctx);
    const single = await deployOnce('westeu-test-1', ctx);
    const report = single.report!;
    console.log(`westeu-test-1, fresh (${report.result?.managedResources} resources): ${seconds(Date.parse(report.finishedAt) - Date.parse(report.startedAt))} in all`);
    for (const p of report.phases) console.log(`  ${p.name.padEnd(14)} ${seconds(p.durationMs).padStart(9)}  ${p.outcome}`);

    const again = await deployOnce('westeu-test-1', ctx);
    console.log(`westeu-test-1 again (no changes): ${seconds(Date.parse(again.report!.finishedAt) - Date.parse(again.report!.startedAt))}`);

    let started = performance.now();
    await deployOnce('eastus-test-1', ctx);
    const alone = performance.now() - started;
    const four = ['westeu-stg-1', 'westeu-prod-1', 'westeu-prod-2', 'northeu-prod-1'];
    started = performance.now();
    await Promise.all(four.map((d) => deployOnce(d, ctx)));
    const parallel = performance.now() - started;
    console.log(`one deployment alone (eastus-test-1, fresh):      ${seconds(alone)}`);
    console.log(`four in parallel (${four.join(', ')}): ${seconds(parallel)}`);
    console.log(`ratio four-parallel / one-alone: ${(parallel / alone).toFixed(2)} (4.00 would be no overlap at all; one Bicep process and 2 cores are shared)`);
  } finally {
    await emulator.close();
    await azurite.stop();
    await bicep.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

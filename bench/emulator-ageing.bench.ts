// The ARM emulator as it ages: 50 deploys of westeu-test-1 (the full pipeline in-process, latency 0,
// the real SDK clients over HTTPS, Azurite for the lock), and after the 1st, 10th, 20th and 50th the
// size of state.json and the median time of one save (serialize + write + fsync + rename) over the
// last deploys' saves. Flat figures mean the history costs nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { runDeploy } from '@complianceflow/cli/deploy/pipeline.ts';
import { createProgress } from '@complianceflow/cli/runner/progress.ts';
import type { Resource } from '@complianceflow/cli/plan/resources.ts';
import { bicepExpander, startEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob } from '../test/support/azurite.ts';
import type { Measured } from './paired.ts';

export const name = 'ARM emulator after N deploys of westeu-test-1: state.json size and one save';

const deploys = 50;
const reported = new Set([1, 10, 20, 50]);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<Measured> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cf-bench-ageing-'));
  const bicep = await openBicep({ onWarning: () => {} });
  const azurite = await startAzuriteBlob();
  const emulator = await startEmulator({ stateDir: path.join(scratch, 'emulator'), port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => bicep) });
  const rows: string[][] = [];
  try {
    const clients = createArmClients({ kind: 'emulator', subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem });
    const snapshot = JSON.parse(readFileSync(path.join(repoRoot, 'deployments/snapshots/westeu-test-1.json'), 'utf8')) as { resources: Resource[] };
    for (const ns of requiredNamespaces(snapshot.resources)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
    let saveTimes: number[] = [];
    for (let n = 1; n <= deploys; n++) {
      const result = await runDeploy(
        { deployment: 'westeu-test-1', command: 'deploy westeu-test-1 --emulator --yes', yes: true, allowDelete: false, format: 'text' },
        {
          bicep,
          openArm: async () => ({ clients, where: `the ARM emulator at ${emulator.endpoint}`, emulator: true, principalId: defaultEmulatorPrincipalId, close: async () => {} }),
          openLockStore: async () => azurite.lockStore(),
          progress: createProgress('silent'),
          runsDir: path.join(scratch, 'runs'),
          poll: { updateIntervalInMs: 10 },
        },
      );
      if (result.exitCode !== 0) throw new Error(`deploy ${n}: exit ${result.exitCode}: ${result.report?.error?.message ?? ''}`);
      saveTimes.push(emulator.lastSave().ms);
      if (!reported.has(n)) continue;
      const { bytes } = emulator.lastSave();
      rows.push([String(n), (bytes / 2 ** 20).toFixed(2), median(saveTimes).toFixed(1), '≤ 5 MB, ≤ 40 ms, flat']);
      console.log(`  after ${String(n).padStart(2)} deploys: state.json ${(bytes / 2 ** 20).toFixed(2)} MB, one save ${median(saveTimes).toFixed(1)} ms (median of ${saveTimes.length})`);
      saveTimes = [];
    }
  } finally {
    await emulator.close();
    await azurite.stop();
    await bicep.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  return { headers: ['Deploys', 'state.json (MB)', 'One save, median (ms)', 'Target'], rows };
}

// The ARM emulator as it ages: 50 deploys of westeu-test-1 (the full pipeline in-process, latency 0,
// the real SDK clients over HTTPS, Azurite for the lock), and after the 1st, 10th, 20th and 50th the
// size of state.json and the median time of one save (serialize + write + fsync + rename) over the
// last deploys' saves. Flat figures mean the history costs nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { bicepExpander, startEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob } from '../test/support/azurite.ts';
import { deployOnce, prepareLikeBootstrap } from './deploy.bench.ts';
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
    await prepareLikeBootstrap(clients);
    const ctx = { bicep, clients, endpoint: emulator.endpoint, azurite, runsDir: path.join(scratch, 'runs') };
    let saveTimes: number[] = [];
    for (let n = 1; n <= deploys; n++) {
      await deployOnce('westeu-test-1', ctx); // throws on a failed deploy
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

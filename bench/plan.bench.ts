// `plan --all` (compile + lint main.bicep, then the snapshot of each of the eight deployments) with
// one warm `bicep jsonrpc` process against one `bicep` process per file. Bicep start-up is included
// in both (opening the session asks the version once); the jsonrpc session then plans everything a
// second time, warm, as a long-lived process (an editor, a watch loop, the emulator) would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openBicep, type BicepMode } from '@complianceflow/core/bicep/index.ts';
import { planDeployments } from '@complianceflow/cli/plan/pipeline.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';

export const name = 'plan --all: one bicep jsonrpc process vs one bicep process per file';

interface Timing {
  /** Open the session (Bicep start-up) + plan --all. */
  seconds: number;
  /** plan --all again on the same, now warm, session. */
  warmSeconds: number;
  deployments: number;
  resources: number;
}

async function timeFor(mode: BicepMode, cacheDir: string, again: boolean): Promise<Timing> {
  const targets = resolveTargets('all');
  const started = performance.now();
  const bicep = await openBicep({ mode });
  try {
    const plans = await planDeployments(targets, { bicep, cacheDir, stages: [] });
    const seconds = (performance.now() - started) / 1000;
    let warmSeconds = Number.NaN;
    if (again) {
      const warmStart = performance.now();
      await planDeployments(targets, { bicep, cacheDir, stages: [] });
      warmSeconds = (performance.now() - warmStart) / 1000;
    }
    return { seconds, warmSeconds, deployments: plans.length, resources: plans.reduce((n, p) => n + p.resources.length, 0) };
  } finally {
    await bicep.dispose();
  }
}

export async function run(): Promise<void> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'cf-plan-bench-'));
  try {
    const rpc = await timeFor('jsonrpc', path.join(cacheDir, 'rpc'), true);
    const cli = await timeFor('process-per-file', path.join(cacheDir, 'cli'), false);
    console.log(`  ${rpc.deployments} deployments, ${rpc.resources} predicted resources; ${1 + rpc.deployments} Bicep operations (1 compile + ${rpc.deployments} snapshots)`);
    console.log(`  one bicep jsonrpc process, incl. its start-up:  ${rpc.seconds.toFixed(2)} s`);
    console.log(`  the same process again, warm:                   ${rpc.warmSeconds.toFixed(2)} s`);
    console.log(`  one bicep process per file:                     ${cli.seconds.toFixed(2)} s`);
    console.log(`  ratio per-file / jsonrpc (incl. start-up):      ${(cli.seconds / rpc.seconds).toFixed(1)}x`);
    console.log(`  ratio per-file / warm jsonrpc:                  ${(cli.seconds / rpc.warmSeconds).toFixed(1)}x`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await run();

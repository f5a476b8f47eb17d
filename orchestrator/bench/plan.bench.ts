// `plan --all` (compile + lint main.bicep, then the snapshot of each of the eight deployments) with
// one warm `bicep jsonrpc` process against one `bicep` process per file. Bicep start-up is included
// in both (opening the session asks the version once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openBicep, type BicepMode } from '../src/bicep/index.ts';
import { planDeployments } from '../src/plan/pipeline.ts';
import { resolveTargets } from '../src/plan/targets.ts';

export const name = 'plan --all: one bicep jsonrpc process vs one bicep process per file';

async function secondsFor(mode: BicepMode, cacheDir: string): Promise<{ seconds: number; deployments: number; resources: number }> {
  const targets = resolveTargets('all');
  const started = performance.now();
  const bicep = await openBicep({ mode });
  try {
    const plans = await planDeployments(targets, { bicep, cacheDir, stages: [] });
    return { seconds: (performance.now() - started) / 1000, deployments: plans.length, resources: plans.reduce((n, p) => n + p.resources.length, 0) };
  } finally {
    await bicep.dispose();
  }
}

export async function run(): Promise<void> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'cf-plan-bench-'));
  try {
    const rpc = await secondsFor('jsonrpc', path.join(cacheDir, 'rpc'));
    const cli = await secondsFor('process-per-file', path.join(cacheDir, 'cli'));
    console.log(`  ${rpc.deployments} deployments, ${rpc.resources} predicted resources; ${1 + rpc.deployments} Bicep operations (1 compile + ${rpc.deployments} snapshots)`);
    console.log(`  one warm bicep jsonrpc process:  ${rpc.seconds.toFixed(2)} s`);
    console.log(`  one bicep process per file:      ${cli.seconds.toFixed(2)} s`);
    console.log(`  ratio (per-file / jsonrpc):      ${(cli.seconds / rpc.seconds).toFixed(1)}x`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (import.meta.main) await run();

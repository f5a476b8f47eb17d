// No-change deploys as cold CLI processes, the way a person or CI runs them, against a running ARM
// emulator process (latency 0: what the orchestrator costs, not what Azure takes) and Azurite:
// `deploy westeu-test-1 --emulator --yes` ÷ `plan westeu-test-1`, and four different deployments of
// the same size deployed at once ÷ one of them alone. Each twice: after a Bicep change (the compile
// cache emptied before every run, so each run compiles, or the four compile once between them: the
// conditions the performance issue measured, before there was a cache) and with Bicep unchanged
// (cache warm: no Bicep at all). Last, the least the four-at-once ratio can be on this machine: four
// deploys need four times one deploy's CPU (CLI, emulator and Azurite together), spread over its cores.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
import { startEmulatorProcess } from '@complianceflow/cli/arm/emulator-process.ts';
import { defaultCompileCacheDir } from '@complianceflow/cli/plan/paths.ts';
import { startAzuriteBlob } from '../test/support/azurite.ts';
import { median, paired, printFigure, timeProcess, type Figure } from './paired.ts';
import { cliPath as cli } from '../test/support/cli.ts';

export const name = 'no-change deploys as cold processes (emulator process, latency 0, paired)';

/** The four non-production deployments: one profile size each pair, no zone-redundant extras. */
const sameSize = ['westeu-test-1', 'eastus-test-1', 'westeu-stg-1', 'eastus-stg-1'];
/** A Bicep change, as far as the runs can tell: no compile or snapshot is cached. */
const forgetCompiles = () => rmSync(defaultCompileCacheDir, { recursive: true, force: true });
const changed = { beforeA: forgetCompiles, beforeB: forgetCompiles };

/** Linux reports process times in USER_HZ ticks, 100 per second (proc(5)). */
const ticksPerSecond = 100;
/** User + system CPU seconds of a process (/proc/<pid>/stat utime, stime), or of the waited-for children of this one (cutime, cstime). */
function cpuSeconds(pid: number | 'children'): number {
  const stat = readFileSync(`/proc/${pid === 'children' ? 'self' : pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [user, system] = pid === 'children' ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return (Number(user) + Number(system)) / ticksPerSecond;
}

/** Per run: the wall time of one deploy alone, and the floor of four at once, 4 × its CPU ÷ the cores. */
function cpuFloor(deploy: () => number, servicePids: readonly number[], runs: number): Figure {
  const cores = os.availableParallelism();
  const cpuOfAll = () => cpuSeconds('children') + servicePids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const floors: number[] = [];
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = cpuOfAll();
    walls.push(deploy());
    floors.push((4 * (cpuOfAll() - before)) / cores);
  }
  const ratios = floors.map((floor, i) => floor / walls[i]!);
  return {
    figure: `the least 4 at once can take here (4 × one deploy's CPU seconds, CLI + emulator + Azurite, ÷ ${cores} cores) ÷ one alone: the floor of the ratio above`,
    seconds: { a: median(floors), b: median(walls) },
    ratio: { min: Math.min(...ratios), median: median(ratios) },
  };
}

export async function run(): Promise<Figure[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cf-bench-deploys-'));
  const stateDir = path.join(scratch, 'emulator');
  const azurite = await startAzuriteBlob();
  const emulator = await startEmulatorProcess({ ...process.env, ARM_EMULATOR_LATENCY_MS: 'default=0' }, stateDir);
  const env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: stateDir, AZURITE_BLOB_PORT: String(azurite.port), CF_RUNS_DIR: path.join(scratch, 'runs') };
  const cf = (...args: string[]) => () => timeProcess([process.execPath, cli, ...args], env);
  const deploy = (deployment: string) => cf('deploy', deployment, '--emulator', '--yes', '--format', 'json');
  const plan = cf('plan', 'westeu-test-1', '--json');
  // Four cold processes at once; the shell fails when any of them fails.
  const deployFour = () =>
    timeProcess(['bash', '-c', `pids=(); for d in ${sameSize.join(' ')}; do "$0" "$1" deploy "$d" --emulator --yes --format json >/dev/null & pids+=($!); done; for p in "\${pids[@]}"; do wait "$p" || exit 1; done`, process.execPath, cli], env);
  try {
    cf('bootstrap', '--emulator', '--yes', '--subscription', defaultSubscriptionId)();
    for (const deployment of sameSize) deploy(deployment)(); // first deploys: every run after is a no-change deploy
    const alone = deploy('westeu-test-1');
    const figures = [
      paired('no-change deploy westeu-test-1 --emulator ÷ plan westeu-test-1, Bicep changed since the last run (compile cache emptied before each)', alone, plan, { runs: 3, ...changed, target: '≤ 1.2' }),
      paired('no-change deploy westeu-test-1 --emulator ÷ plan westeu-test-1, Bicep unchanged (compile cache warm)', alone, plan, { runs: 3, target: '≤ 1.2' }),
      paired(`4 different no-change deploys at once (${sameSize.join(', ')}) ÷ westeu-test-1 alone, Bicep changed (cache emptied before each; the four compile once between them)`, deployFour, alone, { runs: 3, ...changed, target: '≤ 1.5' }),
      paired('4 different no-change deploys at once ÷ westeu-test-1 alone, Bicep unchanged (cache warm)', deployFour, alone, { runs: 3, target: '≤ 1.5' }),
      cpuFloor(alone, [emulator.pid, azurite.pid].filter((pid) => pid !== undefined), 5),
    ];
    figures.forEach(printFigure);
    return figures;
  } finally {
    await emulator.stop();
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// No-change deploys as cold CLI processes, the way a person or CI runs them, against a running ARM
// emulator process (latency 0: what the orchestrator costs, not what Azure takes) and Azurite:
// `deploy westeu-test-1 --emulator --yes` ÷ `plan westeu-test-1` (compile cache warm for both), and
// four different deployments of the same size deployed at once ÷ one of them alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { startEmulatorProcess } from '@complianceflow/cli/arm/emulator-process.ts';
import { startAzuriteBlob } from '../test/support/azurite.ts';
import { paired, printFigure, timeProcess, type Figure } from './paired.ts';

export const name = 'no-change deploys as cold processes (emulator process, latency 0, paired)';

const cli = path.join(repoRoot, 'packages/cli/src/cli.ts');
/** The four non-production deployments: one profile size each pair, no zone-redundant extras. */
const sameSize = ['westeu-test-1', 'eastus-test-1', 'westeu-stg-1', 'eastus-stg-1'];

export async function run(): Promise<Figure[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cf-bench-deploys-'));
  const stateDir = path.join(scratch, 'emulator');
  const azurite = await startAzuriteBlob();
  const emulator = await startEmulatorProcess({ ...process.env, ARM_EMULATOR_LATENCY_MS: 'default=0' }, stateDir);
  const env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: stateDir, AZURITE_BLOB_PORT: String(azurite.port), CF_RUNS_DIR: path.join(scratch, 'runs') };
  const cf = (...args: string[]) => () => timeProcess([process.execPath, cli, ...args], env);
  const deploy = (deployment: string) => cf('deploy', deployment, '--emulator', '--yes', '--format', 'json');
  // Four cold processes at once; the shell fails when any of them fails.
  const deployFour = () =>
    timeProcess(['bash', '-c', `pids=(); for d in ${sameSize.join(' ')}; do "$0" "$1" deploy "$d" --emulator --yes --format json >/dev/null & pids+=($!); done; for p in "\${pids[@]}"; do wait "$p" || exit 1; done`, process.execPath, cli], env);
  try {
    cf('bootstrap', '--emulator', '--yes', '--subscription', defaultSubscriptionId)();
    for (const deployment of sameSize) deploy(deployment)(); // first deploys: every run after is a no-change deploy
    const figures = [
      paired('no-change deploy westeu-test-1 --emulator ÷ plan westeu-test-1', deploy('westeu-test-1'), cf('plan', 'westeu-test-1', '--json'), { runs: 3, target: '≤ 1.2' }),
      paired(`4 different no-change deploys at once (${sameSize.join(', ')}) ÷ westeu-test-1 alone`, deployFour, deploy('westeu-test-1'), { runs: 3, target: '≤ 1.5' }),
    ];
    figures.forEach(printFigure);
    return figures;
  } finally {
    await emulator.stop();
    await azurite.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

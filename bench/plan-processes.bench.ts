// Offline plans as cold processes against the Bicep CLI doing the least a script could:
// `bicep build bicep/main.bicep`. Cold = --no-cache (compile, lint and every snapshot again); warm =
// the result cache holds them (Bicep and parameters unchanged: no Bicep process starts). The naive
// baseline is what a script without this tool runs: build, build-params and snapshot per deployment
// (three Bicep processes each), against a cold plan --all. Every baseline runs Microsoft's single-file
// CLI as NuGet delivers it. cf-infra runs the project's copy laid out unpacked
// (scripts/unpack-bicep.ts) with its own .NET settings (core/bicep/prestart.ts); two figures show
// what each does to `bicep build` itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeParametersFile } from '@complianceflow/core/bicep/parameters-file.ts';
import { projectBicepPath, singleFileBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { bicepRuntimeDefaults } from '@complianceflow/core/bicep/prestart.ts';
import { mainTemplate } from '@complianceflow/cli/plan/pipeline.ts';
import { resolveTargets } from '@complianceflow/cli/plan/targets.ts';
import { paired, printFigure, timeProcess, type Figure } from './paired.ts';
import { cliPath as cli } from '../test/support/cli.ts';

export const name = 'plan as cold processes ÷ one `bicep build bicep/main.bicep` (paired)';

const plan = (...args: string[]) => () => timeProcess([process.execPath, cli, 'plan', ...args, '--json']);
const singleFile = singleFileBicepPath();
const build = () => timeProcess([singleFile, 'build', mainTemplate, '--stdout']);
/** The same build with the .NET settings cf-infra gives its own Bicep process: how much of a ratio they account for. */
const tunedBuild = () => timeProcess([singleFile, 'build', mainTemplate, '--stdout'], bicepRuntimeDefaults);
/** The same build by the project's copy, unpacked: how much of a ratio the layout accounts for. */
const unpackedBuild = () => timeProcess([projectBicepPath, 'build', mainTemplate, '--stdout']);

async function naiveScript(dir: string): Promise<() => number> {
  const targets = resolveTargets('all');
  const files = await Promise.all(
    targets.map(async (t) => {
      const file = path.join(dir, `${t.deployment}.bicepparam`);
      await writeParametersFile(mainTemplate, file, t.parameters, 'bench');
      return file;
    }),
  );
  return () => {
    let seconds = 0;
    for (const file of files) {
      seconds += build();
      seconds += timeProcess([singleFile, 'build-params', file, '--stdout']);
      seconds += timeProcess([singleFile, 'snapshot', file, '--mode', 'overwrite']);
    }
    return seconds;
  };
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cf-plan-bench-'));
  try {
    const figures = [
      paired('plan --all --no-cache (cold) ÷ bicep build', plan('--all', '--no-cache'), build, { runs: 7, target: '≤ 1.5' }),
      paired('plan --all, Bicep and parameters unchanged (cache warm) ÷ bicep build', plan('--all'), build, { runs: 3 }),
      paired('plan westeu-test-1 --no-cache (cold) ÷ bicep build', plan('westeu-test-1', '--no-cache'), build, { runs: 7, target: '≤ 1.1' }),
      paired('plan westeu-test-1, Bicep unchanged (cache warm) ÷ bicep build', plan('westeu-test-1'), build, { runs: 3, target: '≤ 0.5' }),
      paired(`bicep build with cf-infra's .NET settings (${Object.keys(bicepRuntimeDefaults).join(', ')}) ÷ bicep build`, tunedBuild, build, { runs: 3 }),
      paired('bicep build by the project\'s unpacked copy (.tools/bicep, scripts/unpack-bicep.ts) ÷ bicep build', unpackedBuild, build, { runs: 3 }),
      paired('naive script (build + build-params + snapshot per deployment, 24 processes) ÷ plan --all --no-cache', await naiveScript(dir), plan('--all', '--no-cache'), { runs: 1 }),
    ];
    figures.forEach(printFigure);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

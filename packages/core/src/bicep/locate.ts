// Finds the Bicep CLI: $BICEP_PATH, then `bicep` on PATH, then ~/.azure/bin/bicep (the Azure CLI's
// copy), then the project's own copy in .tools/bicep/ (scripts/install-bicep.sh).
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envString } from '../env.ts';
import { CliError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { projectBicepPath } from './paths.ts';
import { compareVersions, pinnedBicepVersion } from './version.ts';

export type BicepSource = 'BICEP_PATH' | 'PATH' | 'Azure CLI' | 'project';

export interface LocatedBicep {
  path: string;
  source: BicepSource;
}

export interface LocateOptions {
  env?: NodeJS.ProcessEnv;
  /** Home directory holding .azure/bin/bicep (default os.homedir()). */
  home?: string;
  /** The project's own copy (default .tools/bicep/bicep). */
  projectPath?: string;
}

const executableName = process.platform === 'win32' ? 'bicep.exe' : 'bicep';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function installHint(pinned: string = pinnedBicepVersion()): string {
  return [
    `Get Bicep ${pinned} one of these ways:`,
    `  - npm run bicep:install   (scripts/install-bicep.sh: restores it from NuGet into .tools/bicep/; needs the .NET SDK)`,
    `  - az bicep install        (the Azure CLI's copy in ~/.azure/bin/bicep)`,
    `  - the official install:   https://aka.ms/bicep-install (puts bicep on PATH)`,
    `  - BICEP_PATH=/path/to/bicep   (use a bicep you already have)`,
  ].join('\n');
}

export function locateBicep(options: LocateOptions = {}): LocatedBicep {
  const env = options.env ?? process.env;
  const fromEnv = envString('BICEP_PATH', env);
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return { path: fromEnv, source: 'BICEP_PATH' };
    let exists = false;
    try {
      exists = statSync(fromEnv).isFile();
    } catch {
      exists = false;
    }
    throw new CliError(
      exists
        ? `BICEP_PATH=${fromEnv} is not executable.`
        : `BICEP_PATH=${fromEnv} does not exist (or is not a file).`,
      { exitCode: ExitCode.BadInput, hint: 'Point BICEP_PATH at the bicep executable, or unset it to let cf-infra look on PATH, in ~/.azure/bin and in .tools/bicep.' },
    );
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, executableName);
    if (isExecutableFile(candidate)) return { path: candidate, source: 'PATH' };
  }
  const azure = path.join(options.home ?? os.homedir(), '.azure', 'bin', executableName);
  if (isExecutableFile(azure)) return { path: azure, source: 'Azure CLI' };
  const project = options.projectPath ?? projectBicepPath;
  if (isExecutableFile(project)) return { path: project, source: 'project' };
  throw new CliError(
    `No Bicep CLI found: BICEP_PATH is not set, there is no bicep on PATH, no ${azure} and no ${project}.`,
    { hint: installHint() },
  );
}

/**
 * Policy: an older Bicep than the pinned one is refused (the plan relies on its snapshot engine and
 * its linter rules, and the golden snapshots were made with the pinned one); a newer one is used
 * with a warning, because its output may differ from the committed golden snapshots.
 * Returns the warning to print, or undefined when the version is the pinned one.
 */
export function checkBicepVersion(found: LocatedBicep, version: string, pinned: string = pinnedBicepVersion()): string | undefined {
  const order = compareVersions(version, pinned);
  if (order < 0) {
    throw new CliError(`Bicep ${version} at ${found.path} (found via ${found.source}) is older than the pinned ${pinned}.`, {
      hint: `${installHint(pinned)}\nThe project's copy (npm run bicep:install) is used when BICEP_PATH is set to it: BICEP_PATH=${projectBicepPath}`,
    });
  }
  if (order > 0) {
    return `warning: Bicep ${version} at ${found.path} (found via ${found.source}) is newer than the pinned ${pinned}; snapshots may differ from the committed golden ones.`;
  }
  return undefined;
}

/** What `<path> --version` printed, its exit code (null when killed) and whether it timed out. */
async function runVersion(file: string, timeoutMs: number): Promise<{ output: string; code: number | null; timedOut: boolean; error?: string }> {
  // Its own process group: on timeout the whole group is killed (a wrapper script's children too),
  // and the answer does not wait for pipes such a child may still hold open.
  // Loaded here, on this failure path only: locating Bicep stays light for prestart.ts.
  const { runNothrow } = await import('../process.ts');
  const result = await runNothrow(file, ['--version'], { env: { ...process.env, NO_COLOR: '1' }, timeoutMs, detached: true });
  const output = result.output.slice(0, 64 * 1024).trim();
  if (result.notFound) return { output: '', code: null, timedOut: false, error: 'not found or not executable' };
  return { output, code: result.signal === null ? result.code : null, timedOut: result.timedOut };
}

/**
 * When the located executable failed to start as Bicep: asks it `--version` (bounded by `timeoutMs`)
 * and, unless it answers as the Bicep CLI does ("Bicep CLI version x.y.z"), returns an error saying
 * it is not a Bicep CLI and what it is; otherwise returns `cause` (Bicep, failing for another reason).
 */
export async function explainStartFailure(found: LocatedBicep, cause: unknown, timeoutMs = 20_000): Promise<unknown> {
  const probe = await runVersion(found.path, timeoutMs);
  if (/^Bicep CLI version \d+\.\d+\.\d+/m.test(probe.output)) return cause;
  const firstLine = probe.output.split('\n')[0]?.slice(0, 200) ?? '';
  const what = probe.timedOut
    ? `\`${found.path} --version\` gave no answer within ${timeoutMs / 1000} s`
    : probe.error !== undefined
      ? `\`${found.path} --version\` could not run (${probe.error})`
      : `\`${found.path} --version\` exited with code ${probe.code ?? 'none'} and printed ${firstLine === '' ? 'nothing' : JSON.stringify(firstLine)}`;
  return new CliError(`${found.path} (found via ${found.source}) is not a Bicep CLI: ${what}; a Bicep CLI prints "Bicep CLI version x.y.z".`, {
    exitCode: found.source === 'BICEP_PATH' ? ExitCode.BadInput : ExitCode.Failed,
    hint: found.source === 'BICEP_PATH' ? 'Point BICEP_PATH at the bicep executable, or unset it.' : installHint(),
  });
}

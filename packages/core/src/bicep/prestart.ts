// `bicep jsonrpc --stdio` started before the caller needs it: .NET takes about a second to start,
// which a command can overlap with loading its own modules and reading its config. Light on purpose
// (no vscode-jsonrpc, no zx): a command imports this first, the rest of the Bicep facade later.
// openBicep (index.ts) adopts the process; one never adopted is ended by release().
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { locateBicep, type LocateOptions } from './locate.ts';

/**
 * The .NET runtime settings of cf-infra's Bicep process, unless the environment sets them (measured
 * with paired cold plans, bench/plan-processes.bench.ts): the whole run is a few seconds, so tiered
 * compilation's quick first JIT and later re-JIT (with its PGO instrumentation) never pay off; the
 * compile and snapshots allocate heavily, so a 64 MiB gen0 budget and no background GC thread (two
 * cores) mean fewer, cheaper collections. TieredCompilation and gcConcurrent:
 * https://learn.microsoft.com/dotnet/core/runtime-config/compilation and .../garbage-collector;
 * GCgen0size is the runtime's own knob (clrconfignames.h), not on those pages.
 */
export const bicepRuntimeDefaults: Readonly<Record<string, string>> = {
  DOTNET_TieredCompilation: '0',
  DOTNET_gcConcurrent: '0',
  DOTNET_GCgen0size: '0x4000000',
};

export function spawnBicepRpc(bicepPath: string): ChildProcessWithoutNullStreams {
  return spawn(bicepPath, ['jsonrpc', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...bicepRuntimeDefaults, ...process.env } });
}

export interface PrestartedBicep {
  readonly bicepPath: string;
  /**
   * The process, once (a later call gives undefined), or undefined when it already failed to start
   * or ended: the caller then starts its own, whose failure it reports with its usual explanation.
   */
  take(): ChildProcessWithoutNullStreams | undefined;
  /** Ends the process unless it was taken. */
  release(): void;
}

/**
 * Starts Bicep's jsonrpc process now, or returns undefined when no Bicep is found: the command then
 * reports that when (and if) it needs Bicep, after checking its own input first.
 */
export function prestartBicep(options: LocateOptions = {}): PrestartedBicep | undefined {
  let bicepPath: string;
  try {
    bicepPath = locateBicep(options).path;
  } catch {
    return undefined;
  }
  const child = spawnBicepRpc(bicepPath);
  let gone = false;
  child.on('error', () => (gone = true));
  child.on('exit', () => (gone = true));
  child.stdin.on('error', () => {});
  let taken = false;
  return {
    bicepPath,
    take() {
      if (taken || gone) return undefined;
      taken = true;
      return child;
    },
    release() {
      if (taken) return;
      taken = true;
      child.kill();
    },
  };
}

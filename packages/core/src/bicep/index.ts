// The facade over the Bicep CLI: `openBicep()` finds it, checks its version and keeps one jsonrpc
// process (or, for comparison, one process per operation) until `dispose()`.
import path from 'node:path';
import { CliError } from '../errors.ts';
import type { BicepBackend } from './backend.ts';
import { blockingDiagnostics, displayPath, formatDiagnostic } from './diagnostics.ts';
import { checkBicepVersion, explainStartFailure, locateBicep, type LocatedBicep, type LocateOptions } from './locate.ts';
import type { PrestartedBicep } from './prestart.ts';
import type { Diagnostic, Snapshot, SnapshotMetadata } from './protocol.ts';

export type { Diagnostic, Snapshot, SnapshotMetadata } from './protocol.ts';
export { formatDiagnostic } from './diagnostics.ts';
export { expandTemplate, type ExpandRequest } from './expand.ts';

export type BicepMode = 'jsonrpc' | 'process-per-file';

export interface OpenBicepOptions {
  /** Default 'jsonrpc': one long-lived process for every call. */
  mode?: BicepMode;
  locate?: LocateOptions;
  /** Where the "newer than pinned" warning goes (default: stderr). */
  onWarning?: (message: string) => void;
  /**
   * How long the located executable may take to answer its first request (default 60 s: .NET
   * start-up is a few seconds even on a busy machine); then `--version` is asked (default 20 s).
   */
  startTimeoutMs?: number;
  probeTimeoutMs?: number;
  /** A jsonrpc process started earlier (prestart.ts): adopted instead of starting one; released on dispose when unused. */
  prestarted?: PrestartedBicep;
}

export interface CheckOptions {
  /** Warnings block too (default true: the project's linter allows zero warnings). */
  strict?: boolean;
}

export interface CompiledTemplate {
  /** The ARM template JSON. */
  template: Record<string, unknown>;
  /** Every diagnostic that did not block (Info, and Warning when not strict). */
  diagnostics: Diagnostic[];
}

export interface CompiledParameters {
  /** The ARM parameters file JSON ({ $schema, contentVersion, parameters: { name: { value } } }). */
  parameters: Record<string, unknown>;
  template: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export interface Bicep {
  readonly bicepPath: string;
  readonly source: LocatedBicep['source'];
  readonly version: string;
  readonly mode: BicepMode;
  /** Compiles and lints a .bicep file; throws CliError listing file:line:col diagnostics when it does not pass. */
  compile(file: string, options?: CheckOptions): Promise<CompiledTemplate>;
  /** Compiles a .bicepparam file (and the template it uses). */
  compileParams(file: string, options?: CheckOptions): Promise<CompiledParameters>;
  /**
   * The offline snapshot of a .bicepparam file: the real ARM template engine expands the template
   * (modules and nested deployments included) into predicted resources. The `using` target may be
   * a .bicep file or an ARM template .json file.
   */
  snapshot(paramsFile: string, metadata: SnapshotMetadata): Promise<Snapshot>;
  format(file: string): Promise<string>;
  dispose(): Promise<void>;
}

/** What a caller that never asks for the version needs of a session (lazyBicep gives this). */
export type BicepSession = Pick<Bicep, 'bicepPath' | 'compile' | 'compileParams' | 'snapshot' | 'format' | 'dispose'>;

function rejectDiagnostics(file: string, blocking: Diagnostic[]): CliError {
  const errors = blocking.filter((d) => d.level === 'Error').length;
  const warnings = blocking.length - errors;
  const counts = [errors > 0 ? `${errors} error(s)` : '', warnings > 0 ? `${warnings} warning(s) (warnings are errors here)` : '']
    .filter((s) => s !== '')
    .join(', ');
  return new CliError(`${displayPath(file)} does not pass the Bicep compiler and linter: ${counts}\n${blocking.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
}

function check(file: string, diagnostics: Diagnostic[], options: CheckOptions | undefined): Diagnostic[] {
  const blocking = blockingDiagnostics(diagnostics, options?.strict ?? true);
  if (blocking.length > 0) throw rejectDiagnostics(file, blocking);
  return diagnostics;
}

function parseJson(what: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined) throw new CliError(`bicep returned no ${what}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export function sessionOver(backend: BicepBackend, located: LocatedBicep, version: string): Bicep {
  return {
    bicepPath: located.path,
    source: located.source,
    version,
    mode: backend.kind,
    async compile(file, options) {
      const absolute = path.resolve(file);
      const result = await backend.compile(absolute);
      const diagnostics = check(absolute, result.diagnostics, options);
      return { template: parseJson(`template for ${file}`, result.contents), diagnostics };
    },
    async compileParams(file, options) {
      const absolute = path.resolve(file);
      const result = await backend.compileParams(absolute);
      const diagnostics = check(absolute, result.diagnostics, options);
      return {
        parameters: parseJson(`parameters for ${file}`, result.parameters),
        template: parseJson(`template for ${file}`, result.template),
        diagnostics,
      };
    },
    async snapshot(paramsFile, metadata) {
      const absolute = path.resolve(paramsFile);
      let text: string;
      try {
        text = await backend.snapshot(absolute, metadata);
      } catch (error) {
        // getSnapshot only says "Compilation failed": ask the compiler what failed.
        const compiled = await backend.compileParams(absolute).catch(() => undefined);
        const blocking = compiled === undefined ? [] : blockingDiagnostics(compiled.diagnostics, false);
        if (blocking.length > 0) throw rejectDiagnostics(absolute, blocking);
        throw error;
      }
      const snapshot = JSON.parse(text) as Partial<Snapshot>;
      return { predictedResources: snapshot.predictedResources ?? [], diagnostics: snapshot.diagnostics ?? [], outputs: snapshot.outputs ?? {} };
    },
    format: (file) => backend.format(path.resolve(file)),
    dispose: () => backend.dispose(),
  };
}

export async function openBicep(options: OpenBicepOptions = {}): Promise<Bicep> {
  const located = locateBicep(options.locate);
  // A backend's client (vscode-jsonrpc, or zx for one process per call) loads only when a Bicep is opened:
  // a plan answered from the cache loads neither.
  const backend = (options.mode ?? 'jsonrpc') === 'jsonrpc'
    ? (await import('./jsonrpc-backend.ts')).jsonRpcBackend(located.path, options.prestarted)
    : (await import('./process-per-file.ts')).processPerFileBackend(located.path);
  try {
    const startMs = options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const noAnswer = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError(`${located.path} gave no answer within ${startMs / 1000} s`)), startMs);
    });
    const version = await Promise.race([backend.version(), noAnswer])
      .catch(async (error: unknown) => {
        throw await explainStartFailure(located, error, options.probeTimeoutMs);
      })
      .finally(() => clearTimeout(timer));
    const warning = checkBicepVersion(located, version);
    if (warning !== undefined) (options.onWarning ?? ((message: string) => console.error(message)))(warning);
    return sessionOver(backend, located, version);
  } catch (error) {
    await backend.dispose();
    throw error;
  }
}

/**
 * A session whose Bicep process starts on the first call that needs it: a plan answered from the
 * result cache (compile-cache.ts) starts none. Locating the executable (cheap) happens at once.
 */
export function lazyBicep(options: OpenBicepOptions = {}): BicepSession {
  const located = locateBicep(options.locate);
  let session: Promise<Bicep> | undefined;
  const started = () => (session ??= openBicep(options));
  return {
    bicepPath: located.path,
    compile: async (file, check) => (await started()).compile(file, check),
    compileParams: async (file, check) => (await started()).compileParams(file, check),
    snapshot: async (paramsFile, metadata) => (await started()).snapshot(paramsFile, metadata),
    format: async (file) => (await started()).format(file),
    dispose: async () => {
      options.prestarted?.release();
      if (session !== undefined) await (await session.catch(() => undefined))?.dispose();
    },
  };
}

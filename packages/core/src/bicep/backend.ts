import type { Diagnostic, SnapshotMetadata } from './protocol.ts';

/** The raw operations both ways of running Bicep provide (one jsonrpc process, or one process per file). */
export interface BicepBackend {
  readonly kind: 'jsonrpc' | 'process-per-file';
  version(): Promise<string>;
  compile(file: string): Promise<{ diagnostics: Diagnostic[]; contents: string | undefined }>;
  compileParams(file: string): Promise<{ diagnostics: Diagnostic[]; parameters: string | undefined; template: string | undefined }>;
  /** The snapshot JSON text; rejects with the compiler's diagnostics when the files do not compile. */
  snapshot(file: string, metadata: SnapshotMetadata): Promise<string>;
  format(file: string): Promise<string>;
  dispose(): Promise<void>;
}

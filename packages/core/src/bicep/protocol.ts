// Request and response shapes of `bicep jsonrpc` (Bicep.Cli/Rpc/ICliJsonRpcProtocol.cs, camelCase on the wire).

export interface Position {
  /** 0-based. */
  line: number;
  /** 0-based. */
  char: number;
}

export interface Diagnostic {
  source: string;
  range: { start: Position; end: Position };
  level: 'Error' | 'Warning' | 'Info' | string;
  code: string;
  message: string;
}

export interface SnapshotMetadata {
  tenantId?: string;
  subscriptionId?: string;
  managementGroupId?: string;
  resourceGroup?: string;
  location?: string;
  deploymentName?: string;
}

export interface RpcMethods {
  'bicep/version': { params: Record<string, never>; result: { version: string } };
  'bicep/compile': { params: { path: string }; result: { success: boolean; diagnostics: Diagnostic[]; contents?: string | null } };
  'bicep/compileParams': {
    params: { path: string; parameterOverrides: Record<string, unknown> };
    result: { success: boolean; diagnostics: Diagnostic[]; parameters?: string | null; template?: string | null; templateSpecId?: string | null };
  };
  'bicep/getSnapshot': { params: { path: string; metadata: SnapshotMetadata }; result: { snapshot: string } };
  'bicep/format': { params: { path: string }; result: { contents: string } };
}

export type RpcMethod = keyof RpcMethods;

/** What `bicep snapshot` / getSnapshot return: the expanded resources of a deployment. */
export interface Snapshot {
  predictedResources: Record<string, unknown>[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
}

import type { BicepBackend } from './backend.ts';
import { BicepRpcClient } from './jsonrpc.ts';
import type { PrestartedBicep } from './prestart.ts';

/** `prestarted`: a process prestart.ts started; adopted when it runs the same executable. */
export function jsonRpcBackend(bicepPath: string, prestarted?: PrestartedBicep): BicepBackend {
  const client = new BicepRpcClient(bicepPath, prestarted?.bicepPath === bicepPath ? prestarted.take() : undefined);
  return {
    kind: 'jsonrpc',
    async version() {
      return (await client.request('bicep/version', {})).version;
    },
    async compile(file) {
      const result = await client.request('bicep/compile', { path: file });
      return { diagnostics: result.diagnostics, contents: result.contents ?? undefined };
    },
    async compileParams(file) {
      const result = await client.request('bicep/compileParams', { path: file, parameterOverrides: {} });
      return { diagnostics: result.diagnostics, parameters: result.parameters ?? undefined, template: result.template ?? undefined };
    },
    async snapshot(file, metadata) {
      return (await client.request('bicep/getSnapshot', { path: file, metadata })).snapshot;
    },
    async format(file) {
      return (await client.request('bicep/format', { path: file })).contents;
    },
    dispose: () => client.dispose(),
  };
}

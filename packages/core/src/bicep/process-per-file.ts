// The fallback: one `bicep` process per operation (about a second of .NET start-up each). Kept for the
// benchmark against the jsonrpc client, and for anything that only needs one file.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.ts';
import { processError, runNothrow, type RunResult } from '../process.ts';
import type { BicepBackend } from './backend.ts';
import type { Diagnostic, SnapshotMetadata } from './protocol.ts';
import { parseBicepVersion } from './version.ts';

/** Resolves to the run whatever its exit code (the diagnostics are on stderr); a missing bicep throws. */
async function run(bicepPath: string, args: string[]): Promise<RunResult> {
  const result = await runNothrow(bicepPath, args, { env: { ...process.env, NO_COLOR: '1' } });
  if (result.notFound) throw processError(bicepPath, args, result);
  return result;
}

// "/path/file.bicep(4,49) : Warning rule-name: message [https://aka.ms/...]"
const diagnosticLine = /^(.*)\((\d+),(\d+)\) : (Error|Warning|Info) ([^:\s]+): (.*?)(?: \[https?:\/\/[^\]]*\])?$/;

/** Parses the default diagnostics format of `bicep build` (de-duplicated: Bicep may repeat a line). */
export function parseCliDiagnostics(stderr: string): Diagnostic[] {
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const m = diagnosticLine.exec(line);
    if (m === null || seen.has(line)) continue;
    seen.add(line);
    const start = { line: Number(m[2]) - 1, char: Number(m[3]) - 1 };
    diagnostics.push({ source: m[1]!, range: { start, end: start }, level: m[4]!, code: m[5]!, message: m[6]! });
  }
  return diagnostics;
}

function failure(what: string, bicepPath: string, args: readonly string[], result: RunResult): CliError {
  return processError(bicepPath, args, result, { label: `bicep ${what}` });
}

export function processPerFileBackend(bicepPath: string): BicepBackend {
  return {
    kind: 'process-per-file',
    async version() {
      const args = ['--version'];
      const result = await run(bicepPath, args);
      const version = parseBicepVersion(result.stdout);
      if (result.code !== 0 || version === undefined) throw failure('--version', bicepPath, args, result);
      return version;
    },
    async compile(file) {
      const result = await run(bicepPath, ['build', file, '--stdout']);
      return { diagnostics: parseCliDiagnostics(result.stderr), contents: result.code === 0 ? result.stdout : undefined };
    },
    async compileParams(file) {
      const result = await run(bicepPath, ['build-params', file, '--stdout']);
      const diagnostics = parseCliDiagnostics(result.stderr);
      if (result.code !== 0) return { diagnostics, parameters: undefined, template: undefined };
      const output = JSON.parse(result.stdout) as { parametersJson?: string; templateJson?: string };
      return { diagnostics, parameters: output.parametersJson, template: output.templateJson };
    },
    async snapshot(file, metadata: SnapshotMetadata) {
      // `bicep snapshot --mode overwrite` writes <name>.snapshot.json next to the parameters file.
      const output = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.snapshot.json`);
      const existed = existsSync(output);
      const args = ['snapshot', file, '--mode', 'overwrite'];
      const flags: [keyof SnapshotMetadata, string][] = [
        ['tenantId', '--tenant-id'],
        ['subscriptionId', '--subscription-id'],
        ['managementGroupId', '--management-group-id'],
        ['resourceGroup', '--resource-group'],
        ['location', '--location'],
        ['deploymentName', '--deployment-name'],
      ];
      for (const [key, flag] of flags) if (metadata[key] !== undefined) args.push(flag, metadata[key]);
      const result = await run(bicepPath, args);
      if (result.code !== 0) throw failure(`snapshot ${file}`, bicepPath, args, result);
      const text = await readFile(output, 'utf8');
      if (!existed) await rm(output, { force: true });
      return text;
    },
    async format(file) {
      const args = ['format', file, '--stdout'];
      const result = await run(bicepPath, args);
      if (result.code !== 0) throw failure(`format ${file}`, bicepPath, args, result);
      return result.stdout;
    },
    async dispose() {},
  };
}

// The fallback: one `bicep` process per operation (about a second of .NET start-up each). Kept for the
// benchmark against the jsonrpc client, and for anything that only needs one file.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../errors.ts';
import type { BicepBackend } from './backend.ts';
import type { Diagnostic, SnapshotMetadata } from './protocol.ts';
import { parseBicepVersion } from './version.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bicepPath: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(bicepPath, args, { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new CliError(`could not run ${bicepPath} ${args[0]}: ${error.message}`));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
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

function failure(what: string, result: Run): CliError {
  return new CliError(`bicep ${what} failed (exit code ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
}

export function processPerFileBackend(bicepPath: string): BicepBackend {
  return {
    kind: 'process-per-file',
    async version() {
      const result = await run(bicepPath, ['--version']);
      const version = parseBicepVersion(result.stdout);
      if (result.code !== 0 || version === undefined) throw failure('--version', result);
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
      if (result.code !== 0) throw failure(`snapshot ${file}`, result);
      const text = await readFile(output, 'utf8');
      if (!existed) await rm(output, { force: true });
      return text;
    },
    async format(file) {
      const result = await run(bicepPath, ['format', file, '--stdout']);
      if (result.code !== 0) throw failure(`format ${file}`, result);
      return result.stdout;
    },
    async dispose() {},
  };
}

// Test harness: `node packages/cli/bin/cf-infra.js …` as a person runs it, in a child process (no terminal,
// CI=true), with extra environment; resolves with its exit code and output.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

export { repoRoot };
/** The cf-infra executable, relative to a checkout (tests that copy the checkout run it from there). */
export const cliEntry = 'packages/cli/bin/cf-infra.js';
export const cliPath = path.join(repoRoot, cliEntry);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <entry> <args>` in cwd with CI=true and the extra environment; resolves with its exit code and output. */
export function runNode(cwd: string, entry: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { cwd, env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function cfInfra(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runNode(repoRoot, cliPath, args, { GITHUB_ACTIONS: '', ...env });
}

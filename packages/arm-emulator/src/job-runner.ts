// How the emulator runs a started Container Apps job: it has no containers, so a job runner turns an
// execution into a local process. The local runner runs the validation job's entry point
// (packages/cli/src/validate/job-main.ts) with the job template's environment, the start request's
// overrides and CF_VALIDATE_TARGET=local (the local native environment behind the emulator); the
// execution follows the process (Running → Succeeded on exit 0, Failed otherwise, Stopped when
// stopped). ARM_EMULATOR_JOB_RUNNER=local (the default of npm run emulator) or none.
import path from 'node:path';
import type { Readable } from 'node:stream';
import { envString } from '@complianceflow/core/env.ts';
import { signalProcess, startProcess } from '@complianceflow/core/process.ts';

export interface JobProcess {
  /** Stops the execution (SIGTERM). */
  stop(): void;
}

export interface JobLaunch {
  /** Resource id of the job and the execution's name (for messages). */
  jobId: string;
  execution: string;
  /** The container's environment: template env with the start request's overrides applied. */
  env: Record<string, string>;
  /** One line the process printed (stdout or stderr). */
  onOutput(line: string): void;
  onExit(exitCode: number | null, signal: string | null): void;
}

export type JobRunner = (launch: JobLaunch) => JobProcess;

import { repoRoot } from './paths.ts';
export const validationJobEntry = path.join(repoRoot, 'packages', 'cli', 'src', 'validate', 'job-main.ts');

/** What the local process inherits from the emulator's own environment (nothing else leaks in). */
const inherited = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot', 'NODE_EXTRA_CA_CERTS'];

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
}

export function localJobRunner(options: { entry?: string; env?: Record<string, string> } = {}): JobRunner {
  return (launch) => {
    const env: Record<string, string> = {};
    for (const name of inherited) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    Object.assign(env, launch.env, options.env ?? {}, { CF_VALIDATE_TARGET: 'local' });
    const entry = options.entry ?? validationJobEntry;
    const job = startProcess(process.execPath, [entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [job.stdout, job.stderr]) forwardLines(stream, launch.onOutput);
    void job.then((output) => {
      if (output.cause !== null) launch.onOutput(`cannot start ${entry}: ${output.cause.message}`);
      launch.onExit(output.cause !== null ? 127 : output.exitCode, output.signal);
    });
    return { stop: () => signalProcess(job, 'SIGTERM') };
  };
}

/** ARM_EMULATOR_JOB_RUNNER: local (default) or none (checked in packages/core/src/env.ts). */
export function jobRunnerFromEnv(env: NodeJS.ProcessEnv): JobRunner | undefined {
  return (envString('ARM_EMULATOR_JOB_RUNNER', env) ?? 'local') === 'local' ? localJobRunner() : undefined;
}

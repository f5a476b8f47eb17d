// runChecksInJob: the data checks as the in-VNet Container Apps job. Creates the run's results blob,
// signs a write-only SAS URL for it, starts the job with that URL and the run id (the start
// request's environment), then reads the results as the job appends them while following the
// execution, within a bounded wait. A check the job announced but never reported — the execution
// failed, was stopped or ran out of time — is reported as failed, naming the execution.
import { randomBytes } from 'node:crypto';
import type { ContainerAppsAPIClient } from '@azure/arm-appcontainers';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { CheckResult } from '../model.ts';
import { troubleshootingLink } from '../model.ts';
import { maskSecrets } from '../runner.ts';
import { jobEnv, type JobTask } from './config.ts';
import { createResultsBlob, resultsContainer, ResultsReader } from './results-blob.ts';
import { sasSecrets, writeOnlySasUrl } from './sas.ts';
import { executionStatus, startJob, stopExecution, type ExecutionState, type JobRef } from './start.ts';

export const jobTroubleshooting = 'validation-job';
/** The one result standing for the job's data checks when it reported none. */
export const jobGroupName = (job: string): string => `validation job ${job}: data checks`;
/** The job's replicaTimeout (bicep/modules/containerapps) plus time to schedule it and pull the image. */
export const defaultJobWaitMs = (600 + 180) * 1000;

export interface JobRunOptions {
  deployment: string;
  jobs: ContainerAppsAPIClient;
  job: JobRef;
  /** For the log line: the job's task (validate when absent). */
  task?: JobTask;
  /** The image to run (<registry>/cf-validate:<tag>); undefined keeps the template's (the emulator runs no images). */
  image: string | undefined;
  results: BlobServiceClient;
  /** More variables for the execution (the emulator's local settings file, the stack outputs). */
  env?: Record<string, string>;
  waitMs?: number;
  pollMs?: number;
  onResult?: (result: CheckResult) => void;
  log?: (line: string) => void;
  /** The one result standing for the run when it reported nothing (default: the data checks' jobGroupName). */
  groupName?: string;
}

export interface JobRun {
  results: CheckResult[];
  /** The execution's name (empty when it never started). */
  execution: string;
  /** What to mask in any output of the caller (the SAS URL and its parts). */
  secrets: string[];
}

const newRunId = (): string => `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function failed(name: string, reason: string): CheckResult {
  return { name, status: 'fail', reason, durationMs: 0, troubleshooting: troubleshootingLink(jobTroubleshooting) };
}

const endedHow = (state: ExecutionState | 'timeout', status: string, waitMs: number): string => {
  if (state === 'timeout') return `did not finish within ${Math.round(waitMs / 1000)} s (stopped)`;
  if (state === 'stopped') return 'was stopped';
  if (state === 'succeeded') return 'ended (Succeeded) without reporting it';
  return `ended ${status}`;
};

export async function runChecksInJob(options: JobRunOptions): Promise<JobRun> {
  const waitMs = options.waitMs ?? defaultJobWaitMs;
  const log = options.log ?? (() => undefined);
  const groupName = options.groupName ?? jobGroupName(options.job.name);
  const runId = newRunId();
  const { blob, name } = await createResultsBlob(options.results, options.deployment, runId);
  // Valid while the job may still write, and not much longer.
  const sasUrl = await writeOnlySasUrl({ service: options.results, container: resultsContainer, blob: name, validForMs: waitMs + 5 * 60_000 });
  const secrets = sasSecrets(sasUrl);
  const mask = (text: string): string => maskSecrets(text, secrets);

  let execution: string;
  try {
    execution = (await startJob(options.jobs, options.job, options.image, { ...options.env, [jobEnv.run.resultsUrl]: sasUrl, [jobEnv.run.runId]: runId })).name;
  } catch (error) {
    return { results: [failed(groupName, `the job could not be started: ${mask(error instanceof Error ? error.message : String(error))}`)], execution: '', secrets };
  }
  log(`${options.deployment}: ${options.task === 'databases' ? 'database step: ' : ''}validation job ${options.job.name} started (execution ${execution}, results in ${resultsContainer}/${name})`);

  const collector = resultsCollector(new ResultsReader(blob), runId, mask, options.onResult);
  const { state, status } = await followExecution(options, execution, collector, waitMs);
  const { results } = collector.collected;
  if (collector.collected.done) return { results, execution, secrets };
  for (const result of unreported(collector.collected, groupName, execution, endedHow(state, status, waitMs))) {
    results.push(result);
    options.onResult?.(result);
  }
  return { results, execution, secrets };
}

/** This run's lines in the results blob so far. */
interface Collected {
  results: CheckResult[];
  /** The checks the job announced, when it did. */
  planned: string[] | undefined;
  done: boolean;
}

interface Collector {
  collected: Collected;
  /** Reads what the job appended since the last read. */
  drain: () => Promise<void>;
}

function resultsCollector(reader: ResultsReader, runId: string, mask: (text: string) => string, onResult: JobRunOptions['onResult']): Collector {
  const collected: Collected = { results: [], planned: undefined, done: false };
  const drain = async (): Promise<void> => {
    for (const line of await reader.read()) {
      if (line.runId !== runId) continue;
      if (line.kind === 'plan') collected.planned = line.checks.map(mask);
      else if (line.kind === 'done') collected.done = true;
      else {
        const result = { ...line.result, name: mask(line.result.name), reason: mask(line.result.reason) };
        collected.results.push(result);
        onResult?.(result);
      }
    }
  };
  return { collected, drain };
}

/** Reads the results while the execution runs; stops it after waitMs. How it ended (running: it reported done). */
async function followExecution(options: JobRunOptions, execution: string, { collected, drain }: Collector, waitMs: number): Promise<{ state: ExecutionState | 'timeout'; status: string }> {
  const pollMs = options.pollMs ?? 2000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    await drain();
    if (collected.done) return { state: 'running', status: 'Running' };
    const { state, status } = await executionStatus(options.jobs, options.job, execution);
    if (state !== 'running') {
      await drain(); // what it wrote just before ending
      return { state, status };
    }
    if (Date.now() > deadline) {
      await stopExecution(options.jobs, options.job, execution).catch(() => undefined);
      await drain();
      return { state: 'timeout', status };
    }
    await sleep(pollMs);
  }
}

/** A failed result for each announced check not reported (or one for the group when none was announced). */
function unreported({ results, planned }: Collected, groupName: string, execution: string, how: string): CheckResult[] {
  const reported = new Set(results.map((r) => r.name));
  const missing = planned === undefined ? [groupName] : planned.filter((n) => !reported.has(n));
  const reason = planned === undefined
    ? `the job's execution ${execution} ${how} before reporting any check (its console log: the environment's ContainerAppConsoleLogs in Log Analytics)`
    : `the job's execution ${execution} ${how} before reporting this check`;
  return missing.map((n) => failed(n, reason));
}

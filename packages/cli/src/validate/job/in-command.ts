// The data checks through the validation job, for `cf-infra validate` and deploy's validate phase:
// the caller runs its own checks (ARM-level, consumer groups) while the job runs the data checks
// inside the VNet (or, with --emulator --job, the emulator's job runner against the local
// environment); the results are merged in the suite's order, caller's first.
import path from 'node:path';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClients } from '../../arm/clients.ts';
import { emulatorTarget } from '../../arm/emulator-target.ts';
import type { ResolvedDeployment } from '../../config/resolve.ts';
import { requireLocalLockStore } from '../../lock/local-store.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { envString, type EnvName } from '@complianceflow/core/env.ts';
import { skippedCheck, type CheckDefinition, type CheckResult } from '../model.ts';
import { runChecks } from '../runner.ts';
import { outputAt, outputsOfStack } from '../azure-target.ts';
import { isCallerCheck } from './checks.ts';
import { jobEnv, type JobTask } from './config.ts';
import { openResultsService } from './results-store.ts';
import { failed, jobGroupName, runChecksInJob, type JobRun } from './run.ts';
import { emulatorCaEnv, stackEnv, stackForJob } from './stack-env.ts';
import { jobsClient } from './start.ts';

/** The reason the suite's data placeholders carry while the job runs them (never shown: replaced by the job's results). */
export const inJobReason = 'run by the validation job';

export const imageEnv = 'CF_VALIDATE_IMAGE' satisfies EnvName;
/** CF_VALIDATE_JOB=skip: do not start the job (a first deploy, before its registry holds the image); the data checks are skipped saying so. */
export const jobSwitchEnv = 'CF_VALIDATE_JOB' satisfies EnvName;
export const jobSkippedReason = `${jobSwitchEnv}=skip: the validation job was not started (a first deploy: the registry it creates holds no validation image yet); push the image, then run cf-infra validate`;
export const imageTagEnv = 'CF_VALIDATE_IMAGE_TAG' satisfies EnvName;
export const imageRepository = 'cf-validate';

/** Pure: the image to start — $CF_VALIDATE_IMAGE, else <registry login server>/cf-validate:<$CF_VALIDATE_IMAGE_TAG or latest>. */
export function validationImage(stack: DeploymentStack, env: NodeJS.ProcessEnv): string {
  const image = envString(imageEnv, env);
  if (image !== undefined) return image;
  const server = outputAt(outputsOfStack(stack), 'containerApps.registryLoginServer');
  if (typeof server !== 'string' || server === '') throw new Error('stack output containerApps.registryLoginServer is missing: redeploy, or set CF_VALIDATE_IMAGE');
  return `${server}/${imageRepository}:${envString(imageTagEnv, env) ?? 'latest'}`;
}

export interface JobDataInput {
  deployment: string;
  resolved: ResolvedDeployment;
  stack: DeploymentStack;
  clients: ArmClients;
  emulator: boolean;
  /** --emulator: the local settings file the job process reads. */
  envPath?: string | undefined;
  log: (line: string) => void;
  onResult?: (result: CheckResult) => void;
  waitMs?: number;
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
  /** databases: the deploy's database step instead of the data checks. */
  task?: JobTask;
  groupName?: string;
}

export async function dataChecksInJob(input: JobDataInput): Promise<JobRun> {
  const env = input.env ?? process.env;
  // The job's results go to the local lock store's account (Azurite): it must be running.
  if (input.emulator) await requireLocalLockStore(env);
  const caPem = input.emulator ? (input.clients.caPem ?? emulatorTarget(env).caPem) : undefined;
  const jobs = await jobsClient({
    credential: input.clients.credential,
    subscriptionId: input.clients.subscriptionId,
    ...(caPem === undefined ? {} : { endpoint: input.clients.endpoint!, caPem }),
  });
  const runEnv: Record<string, string> = { [stackEnv]: stackForJob(input.stack), [jobEnv.run.task]: input.task ?? 'validate' };
  if (caPem !== undefined) runEnv[emulatorCaEnv] = caPem;
  if (input.emulator && input.envPath !== undefined) runEnv[jobEnv.local.envPath] = path.resolve(input.envPath);
  return await runChecksInJob({
    deployment: input.deployment,
    jobs,
    job: { resourceGroup: input.resolved.names.resourceGroup, name: input.resolved.names.validationJob },
    // The emulator runs no images: its job runner runs this checkout's entry point.
    image: input.emulator ? undefined : validationImage(input.stack, env),
    results: openResultsService({ emulator: input.emulator, credential: input.clients.credential }, env),
    env: runEnv,
    log: input.log,
    ...(input.onResult === undefined ? {} : { onResult: input.onResult }),
    ...(input.waitMs === undefined ? {} : { waitMs: input.waitMs }),
    ...(input.pollMs === undefined ? {} : { pollMs: input.pollMs }),
    ...(input.task === undefined ? {} : { task: input.task }),
    ...(input.groupName === undefined ? {} : { groupName: input.groupName }),
  });
}

/** The suite with its data checks run by the job: the caller's checks here, concurrently with the job. */
export async function runSuiteWithJob(suite: { checks: CheckDefinition[]; secrets: string[] }, input: JobDataInput): Promise<{ results: CheckResult[]; secrets: string[] }> {
  const own = suite.checks.filter((c) => isCallerCheck(c.name));
  const switchValue = envString(jobSwitchEnv, input.env ?? process.env);
  if (switchValue === 'skip') {
    const skipped = suite.checks.filter((c) => !isCallerCheck(c.name)).map((c) => skippedCheck(c.name, c.troubleshooting, jobSkippedReason));
    return { results: await runChecks([...own, ...skipped], { secrets: suite.secrets, ...(input.onResult === undefined ? {} : { onResult: input.onResult }) }), secrets: suite.secrets };
  }
  const [ownResults, job] = await Promise.all([
    runChecks(own, { secrets: suite.secrets, ...(input.onResult === undefined ? {} : { onResult: input.onResult }) }),
    // Whatever keeps the job from running (no results account, no job yet) fails its checks, not the command.
    dataChecksInJob(input).catch((error: unknown): JobRun => {
      const result = failed(jobGroupName(input.resolved.names.validationJob), `the validation job could not run: ${error instanceof Error ? error.message : String(error)}`);
      input.onResult?.(result);
      return { results: [result], execution: '', secrets: [] };
    }),
  ]);
  return { results: [...ownResults, ...job.results], secrets: [...suite.secrets, ...job.secrets] };
}

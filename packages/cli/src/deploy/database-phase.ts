// The deploy's `databases` phase, after `secrets` (which generates the postgresql-<service>-password
// secrets) and before `validate` (whose PostgreSQL checks log in with them): the database step
// (validate/job/database-step.ts) run by the validation job inside the VNet — on Azure the job's
// container, behind the emulator its job runner as a local process against the local native server.
// No step by hand: the runbook's psql run is only the fallback when the job cannot run.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmClients } from '../arm/clients.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { outputAt, outputsOfStack } from '../validate/azure-target.ts';
import { dataChecksInJob, jobSwitchEnv } from '../validate/job/in-command.ts';
import { troubleshootingLink, type CheckResult } from '../validate/model.ts';

export interface DatabasesRecord {
  /** false: the step did not run (why in `notRun`). */
  ran: boolean;
  notRun?: string;
  results: CheckResult[];
}

export const databaseStepGroupName = (job: string): string => `database step (validation job ${job})`;

export function emulatorDatabasesReason(deployment: string): string {
  return `against the emulator the database step runs against the local native environment only when asked: npm run local:up -- --native, then cf-infra deploy ${deployment} --emulator --local-env`;
}

export interface DatabasePhaseInput {
  deployment: string;
  resolved: ResolvedDeployment;
  stack: DeploymentStack;
  clients: ArmClients;
  emulator: boolean;
  /** Emulator only: run against the local native environment (its settings file; default local/.env); without it the step is not run (the emulator holds no server). */
  localEnvironment?: { envPath?: string };
  env?: NodeJS.ProcessEnv;
  pollMs?: number;
}

/** Pure: why the step does not run here, or undefined when it does. */
export function databasesNotRun(input: Pick<DatabasePhaseInput, 'deployment' | 'stack' | 'emulator' | 'localEnvironment'>, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof outputAt(outputsOfStack(input.stack), 'database.fqdn') !== 'string') return 'the stack has no output database.fqdn (no database tier)';
  if (env[jobSwitchEnv] === 'skip') return `${jobSwitchEnv}=skip: the validation job was not started (a first deploy: its registry holds no image yet); push the image, then rerun cf-infra deploy ${input.deployment} (the step is idempotent)`;
  if (input.emulator && input.localEnvironment === undefined) return emulatorDatabasesReason(input.deployment);
  return undefined;
}

export async function runDatabasePhase(input: DatabasePhaseInput, update: (detail: string) => void, record: (r: DatabasesRecord) => void): Promise<DatabasesRecord> {
  const env = input.env ?? process.env;
  const notRun = databasesNotRun(input, env);
  if (notRun !== undefined) {
    const skipped: DatabasesRecord = { ran: false, notRun, results: [] };
    record(skipped);
    update(`not run: ${notRun}`);
    return skipped;
  }
  const job = input.resolved.names.validationJob;
  const run = await dataChecksInJob({
    deployment: input.deployment,
    resolved: input.resolved,
    stack: input.stack,
    clients: input.clients,
    emulator: input.emulator,
    envPath: input.localEnvironment?.envPath,
    task: 'databases',
    groupName: databaseStepGroupName(job),
    log: update,
    onResult: (r) => update(`${r.name}: ${r.status}`),
    env,
    ...(input.pollMs === undefined ? {} : { pollMs: input.pollMs }),
  }).catch((error: unknown) => ({ results: [{ name: databaseStepGroupName(job), status: 'fail' as const, reason: `the validation job could not run: ${error instanceof Error ? error.message : String(error)}`, durationMs: 0, troubleshooting: troubleshootingLink('database-step') }], execution: '', secrets: [] }));
  const result: DatabasesRecord = { ran: true, results: run.results };
  record(result);
  const failed = run.results.filter((r) => r.status !== 'pass');
  if (failed.length > 0 || run.results.length === 0) {
    throw new CliError(`database step: ${failed.length} of ${run.results.length} service database(s) not applied:\n${failed.map((f) => `  - ${f.name}: ${f.reason}`).join('\n')}`, { hint: `see ${troubleshootingLink('database-step')}` });
  }
  update(`${result.results.length} service database(s) applied`);
  return result;
}


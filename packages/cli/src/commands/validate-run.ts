// The heavy half of `cf-infra validate` (validate.ts reads the flags): the target and services, the
// stack, then the checks, here or in the validation job.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmSession } from '../arm/session.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import { apiVersionsByType } from '../arm/api-versions.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { resolveTarget, runPreflight } from '../deploy/preflight.ts';
import { checkTargetFlags, commandServices, type CommandServices, type TargetFlags } from '../deploy/services.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { loadSettings, type LocalSettings } from '../local/settings.ts';
import { buildAzureTargets } from '../validate/azure-target.ts';
import { azureDataChecksReason } from '../validate/deploy-phase.ts';
import { keyVaultChecksFor, readSecrets } from '../validate/key-vault-checks.ts';
import { anyFailed } from '../validate/model.ts';
import { renderJson, renderTable } from '../validate/render.ts';
import { inJobReason, runSuiteWithJob } from '../validate/job/in-command.ts';
import { maskSecrets, runChecks } from '../validate/runner.ts';
import { emulatorPostgresTarget } from '../validate/local-target.ts';
import { buildSuite, type ArmSource, type DataSource } from '../validate/suite.ts';
import { redisPolicyName } from '../validate/targets.ts';
import type { PlanTarget } from '../plan/target.ts';

/** The flags of `cf-infra validate` the run reads (validate.ts checks their combinations). */
export interface ValidateValues extends TargetFlags {
  'from-here': boolean;
  json: boolean;
  'env-path'?: string | undefined;
  job: boolean;
}

/** What one validate run works with, once the arguments are checked. */
interface ValidateRun {
  deployment: string;
  values: ValidateValues;
  target: PlanTarget;
  resolved: ResolvedDeployment;
  localSettings: LocalSettings | undefined;
  log: (line: string) => void;
  expectedEvictionPolicy: ReturnType<typeof redisPolicyName>;
  waitMs: number;
}

export async function validateDeployment(deployment: string, values: ValidateValues, waitMs: number): Promise<number> {
  const flags = checkTargetFlags({ emulator: values.emulator, subscription: values.subscription, as: values.as });
  const target = resolveTarget(deployment);
  const resolved = target.resolved as ResolvedDeployment;
  const localSettings = values.emulator ? loadSettings(values['env-path']) : undefined;
  const log = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const expectedEvictionPolicy = redisPolicyName(resolved.settings.redis.evictionPolicy);
  const services = commandServices(flags);
  try {
    return await validateWith(services, { deployment, values, target, resolved, localSettings, log, expectedEvictionPolicy, waitMs });
  } finally {
    await services.close();
  }
}

async function validateWith(services: CommandServices, context: ValidateRun): Promise<number> {
  const { deployment, values, resolved, localSettings, log } = context;
  const session = await services.openArm().catch((error: unknown) => {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot open ${values.emulator ? 'the ARM emulator' : 'Azure'}: ${(error as Error).message}`);
  });
  const stack = await armStackProvider(session.clients).state(resolved.otherNames.deploymentStack, deployment);
  const arm = await armSource(services, session, stack, context);
  const viaJob = (values.emulator ? values.job : !values['from-here']) && arm.kind === 'stack';
  const data = viaJob ? { kind: 'elsewhere' as const, reason: inJobReason } : await dataSource(session, stack, arm, context);
  // Here (not in the job, which reads as the workload identity): the emulator's vault, or the caller's identity.
  const keyVault = viaJob ? undefined : keyVaultChecksFor(stack, resolved.catalog.services, session.emulator ? { kind: 'emulator', caPem: session.clients.caPem ?? '' } : { kind: 'azure', credential: session.clients.credential });
  const suite = buildSuite({ data, arm, catalog: resolved.catalog, expectedEvictionPolicy: context.expectedEvictionPolicy, ...(keyVault === undefined ? {} : { keyVault }) });
  log(`${deployment}: ${suite.checks.length} checks against ${session.where}${viaJob ? '; the data checks in the validation job' : localSettings ? ' and the local native environment' : values['from-here'] ? ' from this machine' : ''}`);
  const { results, secrets } = viaJob && arm.kind === 'stack'
    ? await runSuiteWithJob(suite, { deployment, resolved, stack: arm.context.stack, clients: session.clients, emulator: session.emulator, envPath: values['env-path'], log, onResult: (r) => log(`${r.name}: ${r.status}`) })
    : { results: await runChecks(suite.checks, { secrets: suite.secrets }), secrets: suite.secrets };
  process.stdout.write(maskSecrets(values.json ? renderJson(results) : renderTable(results), secrets));
  return anyFailed(results) ? ExitCode.Failed : ExitCode.Success;
}

/** The stack and the api-versions of its managed resource types (from a plan), or why there is none. */
async function armSource(services: CommandServices, session: ArmSession, stack: DeploymentStack | undefined, { deployment, values, target, resolved, log }: ValidateRun): Promise<ArmSource> {
  if (stack === undefined) {
    return { kind: 'missing', reason: `stack ${resolved.otherNames.deploymentStack} was not found in ${session.where}: deploy it first (cf-infra deploy ${deployment}${values.emulator ? ' --emulator' : ''})` };
  }
  log(`${deployment}: planning (for the api-versions of the managed resource types)…`);
  const preflight = await runPreflight(target, await services.bicep());
  return { kind: 'stack', context: { clients: session.clients, stack, apiVersions: apiVersionsByType([...preflight.plan.resources, ...preflight.followUpResources]), emulator: session.emulator } };
}

/** Where the data checks find their services when they run here (not in the validation job). */
async function dataSource(session: ArmSession, stack: DeploymentStack | undefined, arm: ArmSource, context: ValidateRun): Promise<DataSource> {
  const { deployment, values, resolved, localSettings, log } = context;
  if (localSettings !== undefined && stack !== undefined && session.clients.caPem !== undefined) {
    // The emulated deployment's logins (its database names, its vault's passwords), as the database step applied them.
    return { kind: 'local', settings: localSettings, postgres: await emulatorPostgresTarget(localSettings, stack, resolved.catalog.services, session.clients.caPem) };
  }
  if (localSettings !== undefined) return { kind: 'local', settings: localSettings };
  if (!values['from-here']) return { kind: 'elsewhere', reason: azureDataChecksReason(deployment) };
  if (arm.kind !== 'stack') return { kind: 'elsewhere', reason: `no stack outputs to find the data services by: ${arm.reason}` };
  log(`${deployment}: reading the targets (stack outputs, Key Vault secrets)…`);
  const credential = session.clients.credential;
  return {
    kind: 'azure',
    targets: await buildAzureTargets({
      stack: arm.context.stack,
      catalog: resolved.catalog,
      expectedEvictionPolicy: context.expectedEvictionPolicy,
      readSecrets: (vaultUrl, names) => readSecrets(vaultUrl, names, { credential }),
      credential,
      arm: arm.context,
      monitoringWaitMs: context.waitMs,
    }),
  };
}

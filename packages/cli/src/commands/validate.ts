// `cf-infra validate <deployment>`: post-deploy smoke tests with real clients (validate/).
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import type { ArmSession } from '../arm/session.ts';
import { asOptionHelp } from '../arm/identities.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import { apiVersionsByType } from '../arm/api-versions.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { resolveTarget, runPreflight } from '../deploy/preflight.ts';
import { checkTargetFlags, commandServices, type CommandServices } from '../deploy/services.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { deploymentPositional, parseCommandArgs, targetOptions, type CommandArgs } from './args.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { loadSettings, type LocalSettings } from '../local/settings.ts';
import { buildAzureTargets } from '../validate/azure-target.ts';
import { azureDataChecksReason } from '../validate/deploy-phase.ts';
import { keyVaultChecksFor, readSecrets } from '../validate/key-vault-checks.ts';
import { anyFailed } from '../validate/model.ts';
import { defaultMonitoringWaitMs } from '../validate/monitoring-checks.ts';
import { renderJson, renderTable } from '../validate/render.ts';
import { inJobReason, runSuiteWithJob } from '../validate/job/in-command.ts';
import { maskSecrets, runChecks } from '../validate/runner.ts';
import { emulatorPostgresTarget } from '../validate/local-target.ts';
import { buildSuite, type ArmSource, type DataSource } from '../validate/suite.ts';
import { redisPolicyName } from '../validate/targets.ts';
import type { PlanTarget } from '../plan/target.ts';


const help = `Usage: cf-infra validate <deployment> [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run validate -- <deployment> [options])

Proves with real clients that a deployment works: ARM-level checks on the stack cf-<deployment>
(every managed resource Succeeded, private endpoints Approved, public network access disabled,
diagnostic settings; Event Hubs consumer groups exist) and data checks (PostgreSQL, Redis, Event
Hubs over Kafka, Key Vault, monitoring). Against Azure the data checks run as the validation job
inside the VNet (Container Apps job caj-cf-<deployment>-val; results streamed back through the
artifacts storage account, $CF_ARTIFACTS_ACCOUNT_URL), unless --from-here. What cannot run is
skipped with the reason, never passed. See docs/infrastructure/Validation.md.

Options:
  --emulator                 the ARM emulator's stack, and PostgreSQL and Redis of the local native
                             environment (start it first: npm run local:up -- --native)
  --env-path <file>          with --emulator: the local environment's settings file (default local/.env)
  --job                      with --emulator: run the data checks through the emulator's job (its job
                             runner runs the job's entry point against the local environment)
  --from-here                against Azure: run the data checks from this machine, which must be
                             inside the VNet (targets from the stack's outputs, secrets from Key Vault),
                             instead of the validation job (image: $CF_VALIDATE_IMAGE, or
                             <registry>/cf-validate:$CF_VALIDATE_IMAGE_TAG, default latest)
  --monitoring-wait <s>      with --from-here: how long to wait for the test telemetry in Log
                             Analytics (seconds, default ${defaultMonitoringWaitMs / 1000})
  --subscription <id>        Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp(29)}
  --json                     {"checks": [{"name", "status", "reason", "durationMs"}]} on stdout
  -h, --help

Exit codes: 0 no check failed, 1 a check failed, 2 bad input.`;

/** --monitoring-wait in seconds → milliseconds (1..3600). */
export function monitoringWaitMs(value: string | undefined): number {
  if (value === undefined) return defaultMonitoringWaitMs;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 3600) throw new UsageError(`validate: --monitoring-wait "${value}" must be whole seconds from 1 to 3600`);
  return seconds * 1000;
}

const options = {
  ...targetOptions,
  'from-here': { type: 'boolean', default: false },
  'monitoring-wait': { type: 'string' },
  json: { type: 'boolean', default: false },
  'env-path': { type: 'string' },
  job: { type: 'boolean', default: false },
} as const;

type ValidateValues = Extract<CommandArgs<typeof options>, { help: false }>['values'];

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

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('validate', args, { help, positionals: deploymentPositional, options });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  checkFlagCombinations(values);
  const waitMs = monitoringWaitMs(values['monitoring-wait']);
  const deployment = positionals[0]!;
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

function checkFlagCombinations(values: ValidateValues): void {
  if (values.emulator && values['from-here']) throw new UsageError('validate: --from-here is for Azure; --emulator checks the local environment from this machine already');
  if (values.job && !values.emulator) throw new UsageError('validate: --job is for --emulator; against Azure the data checks run in the job already (unless --from-here)');
  if (values['env-path'] !== undefined && !values.emulator) throw new UsageError('validate: --env-path is the local environment\'s settings: use it with --emulator');
  if (values['monitoring-wait'] !== undefined && !values['from-here']) throw new UsageError('validate: --monitoring-wait is for the monitoring check: use it with --from-here');
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

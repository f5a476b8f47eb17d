// `cf-infra validate <deployment>`: post-deploy smoke tests with real clients (validate/). Light:
// the clients, ARM and the checks load from validate-run.ts once the flags are read.
import { asOptionHelp } from '../arm/identities.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { deploymentPositional, parseCommandArgs, targetOptions, type CommandArgs } from './args.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { defaultMonitoringWaitMs } from '../validate/monitoring-checks.ts';

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

type ValidateFlags = Extract<CommandArgs<typeof options>, { help: false }>['values'];

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('validate', args, { help, positionals: deploymentPositional, options });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  checkFlagCombinations(values);
  const waitMs = monitoringWaitMs(values['monitoring-wait']);
  const { validateDeployment } = await import('./validate-run.ts');
  return validateDeployment(positionals[0]!, values, waitMs);
}

function checkFlagCombinations(values: ValidateFlags): void {
  if (values.emulator && values['from-here']) throw new UsageError('validate: --from-here is for Azure; --emulator checks the local environment from this machine already');
  if (values.job && !values.emulator) throw new UsageError('validate: --job is for --emulator; against Azure the data checks run in the job already (unless --from-here)');
  if (values['env-path'] !== undefined && !values.emulator) throw new UsageError('validate: --env-path is the local environment\'s settings: use it with --emulator');
  if (values['monitoring-wait'] !== undefined && !values['from-here']) throw new UsageError('validate: --monitoring-wait is for the monitoring check: use it with --from-here');
}

// `cf-infra pause|resume <deployment>`: stop / start the deployment's PostgreSQL flexible server to
// save cost outside working hours. Non-prod only: prod is refused before any request.
import { envString } from '@complianceflow/core/env.ts';
import { createArmClients, type ArmTarget } from '../arm/clients.ts';
import { asOptionHelp, emulatorIdentities, parseEmulatorIdentity } from '../arm/identities.ts';
import { explainArmError, formatArmError } from '../arm-errors/index.ts';
import { armResources } from '../arm/resources-by-id.ts';
import { checkSubscriptionId } from '../bootstrap/config.ts';
import { emulatorTarget } from '../arm/emulator-target.ts';
import { resourceGroupId } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import { loadRegistryFor, resolveDeployment } from '../config/registry.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';


export type PowerVerb = 'pause' | 'resume';

const action = { pause: 'stop', resume: 'start' } as const;
const settled = { pause: 'Stopped', resume: 'Ready' } as const;

function help(verb: PowerVerb): string {
  return `Usage: cf-infra ${verb} <deployment> --subscription <id> [--emulator [--as <identity>]]     (npm run ${verb} -- <deployment> ...)

${verb === 'pause' ? 'Stops' : 'Starts'} the PostgreSQL flexible server of a non-prod deployment (POST .../${action[verb]}, long-running).
Refused for prod deployments. Azure starts a stopped server again by itself after 7 days.

Options:
  --subscription <id>  the subscription (default $AZURE_SUBSCRIPTION_ID)
  --emulator           against the local ARM emulator
${asOptionHelp(23)}
  -h, --help`;
}

/** Refuses prod before anything is read from Azure. */
export function checkPausable(verb: PowerVerb, deployment: string, environment: string): void {
  if (environment === 'prod') throw new UsageError(`${verb} is for non-prod deployments: ${deployment} is prod`);
}

export async function runPower(verb: PowerVerb, args: string[]): Promise<number> {
  const parsed = parseCommandArgs(verb, args, {
    help: help(verb),
    positionals: { ...deploymentPositional, hint: `e.g. cf-infra ${verb} westeu-test-1` },
    options: { subscription: { type: 'string' }, emulator: { type: 'boolean', default: false }, as: { type: 'string' } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const identity = parseEmulatorIdentity(values.as, values.emulator);
  const d = resolveDeployment(loadRegistryFor([positionals[0]!]), positionals[0]!);
  checkPausable(verb, d.name, d.environment);
  const given = values.subscription ?? envString('AZURE_SUBSCRIPTION_ID');
  if (given === undefined) throw new UsageError(`${verb}: --subscription <id> is required (or set AZURE_SUBSCRIPTION_ID)`);
  const subscriptionId = checkSubscriptionId(given);

  const emulated = values.emulator ? emulatorTarget() : undefined;
  const target: ArmTarget = emulated === undefined ? { kind: 'azure', subscriptionId } : { ...emulated, subscriptionId, principalId: emulatorIdentities[identity].principalId };
  const rest = armResources(createArmClients(target));
  const server = `${resourceGroupId(subscriptionId, d.names.resourceGroup)}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${d.names.postgresServer}`;
  try {
    const current = await rest.get(server, apiVersions.postgres);
    if (current === undefined) throw new CliError(`${d.name} has no PostgreSQL server ${d.names.postgresServer} (not deployed yet?)`, { exitCode: ExitCode.Failed });
    const state = String((current['properties'] as Record<string, unknown> | undefined)?.['state'] ?? '');
    if (state === settled[verb]) {
      console.log(`${d.names.postgresServer} is already ${state}: nothing to do.`);
      return ExitCode.Success;
    }
    console.log(`${verb === 'pause' ? 'Stopping' : 'Starting'} ${d.names.postgresServer} (${d.name}, was ${state || 'unknown'}) ...`);
    await rest.post(`${server}/${action[verb]}`, apiVersions.postgres);
    console.log(`${d.names.postgresServer}: ${verb === 'pause' ? 'stopped' : 'started'}.`);
    return ExitCode.Success;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: string }).code;
    if (emulated !== undefined && code === 'InvalidResourceOperation') {
      throw new CliError(`${verb}: the ARM emulator does not implement POST .../flexibleServers/{name}/${action[verb]}?api-version=${apiVersions.postgres} (${(error as Error).message})`, { exitCode: ExitCode.Failed });
    }
    const [headline, ...more] = formatArmError(explainArmError(error));
    throw new CliError(`${verb} ${d.name} failed: ${headline}${more.length > 0 ? `\n${more.join('\n')}` : ''}`, { exitCode: ExitCode.Failed });
  }
}

export const run = (args: string[]): Promise<number> => runPower('pause', args);

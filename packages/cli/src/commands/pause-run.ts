// The heavy half of `cf-infra pause|resume` (pause.ts reads the flags): the registry, the
// subscription, then the server's state and its start or stop through ARM.
import { envString } from '@complianceflow/core/env.ts';
import { createArmClients, type ArmTarget } from '../arm/clients.ts';
import { emulatorIdentities, type EmulatorIdentity } from '../arm/identities.ts';
import { explainArmError, formatArmError } from '../arm-errors/index.ts';
import { armResources } from '../arm/resources-by-id.ts';
import { checkSubscriptionId } from '../bootstrap/config.ts';
import { emulatorTarget } from '../arm/emulator-target.ts';
import { resourceGroupId } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import { loadRegistryFor, resolveDeployment } from '../config/registry.ts';
import { CliError, UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';

export type PowerVerb = 'pause' | 'resume';

const settled = { pause: 'Stopped', resume: 'Ready' } as const;

/** Refuses prod before anything is read from Azure. */
function checkPausable(verb: PowerVerb, deployment: string, environment: string): void {
  if (environment === 'prod') throw new UsageError(`${verb} is for non-prod deployments: ${deployment} is prod`);
}

/** `action`: the server's POST …/<action> (stop, start). */
export async function setServerPower(verb: PowerVerb, action: string, deployment: string, values: { subscription: string | undefined; emulator: boolean; identity: EmulatorIdentity }): Promise<number> {
  const d = resolveDeployment(loadRegistryFor([deployment]), deployment);
  checkPausable(verb, d.name, d.environment);
  const given = values.subscription ?? envString('AZURE_SUBSCRIPTION_ID');
  if (given === undefined) throw new UsageError(`${verb}: --subscription <id> is required (or set AZURE_SUBSCRIPTION_ID)`);
  const subscriptionId = checkSubscriptionId(given);

  const emulated = values.emulator ? emulatorTarget() : undefined;
  const target: ArmTarget = emulated === undefined ? { kind: 'azure', subscriptionId } : { ...emulated, subscriptionId, principalId: emulatorIdentities[values.identity].principalId };
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
    await rest.post(`${server}/${action}`, apiVersions.postgres);
    console.log(`${d.names.postgresServer}: ${verb === 'pause' ? 'stopped' : 'started'}.`);
    return ExitCode.Success;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: string }).code;
    if (emulated !== undefined && code === 'InvalidResourceOperation') {
      throw new CliError(`${verb}: the ARM emulator does not implement POST .../flexibleServers/{name}/${action}?api-version=${apiVersions.postgres} (${(error as Error).message})`, { exitCode: ExitCode.Failed });
    }
    const [headline, ...more] = formatArmError(explainArmError(error));
    throw new CliError(`${verb} ${d.name} failed: ${headline}${more.length > 0 ? `\n${more.join('\n')}` : ''}`, { exitCode: ExitCode.Failed });
  }
}

// `cf-infra list`: every deployment in the registry with its stack state, last run, who ran it and
// whether it is locked now.
import { asOptionHelp } from '../arm/identities.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { canConnect } from '../lock/local-store.ts';
import { checkTargetFlags, commandServices } from '../deploy/services.ts';
import { loadRegistry, resolveAll, type ResolvedDeployment } from '../config/registry.ts';
import type { Registry } from '../config/types.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import { helpHint, parseCommandArgs, targetOptions } from './args.ts';
import { azuriteBlobPort } from '../lock/azurite.ts';
import { readLockStatus, resolveLockStore, type LockStore } from '../lock/index.ts';
import type { RunReport } from '../report/model.ts';
import { latestLocalReport, latestUploadedReport } from '../report/store.ts';


const help = `Usage: cf-infra list [--emulator [--as <identity>] | --subscription <id>] [--environment <env>] [--registry] [--json]     (npm run list -- [options])

For every deployment in deployments/: the state of its stack cf-<deployment>, its last run (the
newest run report, local or uploaded next to the lock), who ran it, and whether it is locked now.

Options:
  --emulator             the local ARM emulator and Azurite
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --environment <env>    only the deployments of this environment (a profile in deployments/profiles/)
  --registry             offline: only what deployments/*.yaml says (name, environment, location),
                         no Azure, no lock store (what the rollout workflow's rings are made of)
  --json                 machine-readable
  -h, --help`;

/** What --registry prints: the registry's own facts about a deployment, no Azure. */
export type RegistryRow = Pick<ListRow, 'deployment' | 'environment' | 'location'>;

export interface ListRow {
  deployment: string;
  environment: string;
  location: string;
  stack: string;
  stackState: string;
  lastRun: { runId: string; outcome: string; finishedAt: string; who: string } | undefined;
  locked: boolean | 'unknown';
  lockedBy: string | undefined;
}

async function lockStoreIfReachable(emulator: boolean): Promise<LockStore | undefined> {
  if (emulator && !(await canConnect(azuriteBlobPort()))) return undefined;
  try {
    return resolveLockStore({ emulator });
  } catch {
    return undefined;
  }
}

function lastRunOf(report: RunReport | undefined): ListRow['lastRun'] {
  return report === undefined ? undefined : { runId: report.runId, outcome: report.outcome, finishedAt: report.finishedAt, who: report.who };
}

/** The registry's deployments, of one environment when it is given (bad input: an environment with no profile). */
export function deploymentsOf(registry: Registry, environment: string | undefined): ResolvedDeployment[] {
  const environments = Object.keys(registry.profiles).sort();
  if (environment !== undefined && !environments.includes(environment)) {
    throw new UsageError(`list: --environment ${JSON.stringify(environment)} is not an environment of the registry; allowed: ${environments.join(', ')} (deployments/profiles/<env>.yaml)`);
  }
  return resolveAll(registry).filter((d) => environment === undefined || d.environment === environment);
}

function printRegistry(deployments: ResolvedDeployment[], json: boolean): number {
  const rows: RegistryRow[] = deployments.map((d) => ({ deployment: d.name, environment: d.environment, location: d.location }));
  if (json) console.log(JSON.stringify(rows, null, 2));
  else for (const line of alignColumns([['DEPLOYMENT', 'ENV', 'LOCATION'], ...rows.map((r) => [r.deployment, r.environment, r.location])])) console.log(line.trimEnd());
  return ExitCode.Success;
}

function stateTable(rows: ListRow[]): string[][] {
  const table = [['DEPLOYMENT', 'ENV', 'LOCATION', 'STACK', 'LAST RUN', 'BY', 'LOCKED']];
  for (const r of rows) {
    table.push([
      r.deployment,
      r.environment,
      r.location,
      r.stackState,
      r.lastRun === undefined ? '-' : `${r.lastRun.outcome} ${r.lastRun.finishedAt.slice(0, 16).replace('T', ' ')}`,
      r.lastRun?.who ?? '-',
      r.locked === 'unknown' ? 'unknown (lock store not reachable)' : r.locked ? `yes, by ${r.lockedBy}` : 'no',
    ]);
  }
  return table;
}

export async function run(args: string[]): Promise<number> {
  const options = { ...targetOptions, environment: { type: 'string' }, registry: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } as const;
  const parsed = parseCommandArgs('list', args, { help, options });
  if (parsed.help) return ExitCode.Success;
  const { values } = parsed;
  if (values.registry && (values.emulator || values.subscription !== undefined || values.as !== undefined)) {
    throw new UsageError('list: --registry reads only deployments/*.yaml; it takes no --emulator, --subscription or --as', helpHint('list'));
  }
  const deployments = deploymentsOf(loadRegistry(), values.environment);
  if (values.registry) return printRegistry(deployments, values.json);
  const flags = checkTargetFlags(values);
  const services = commandServices(flags);
  try {
    const arm = await services.openArm();
    const stacks = armStackProvider(arm.clients);
    const store = await lockStoreIfReachable(flags.emulator);
    const rows: ListRow[] = await Promise.all(
      deployments.map(async (d) => {
        const stackName = d.otherNames.deploymentStack;
        const stack = await stacks.state(stackName, d.name).catch((e: Error) => ({ error: e.message.split('\n')[0] }));
        const stackState = stack === undefined ? 'none' : 'error' in stack ? `unreadable (${stack.error})` : (stack.properties?.provisioningState ?? 'unknown');
        const lock = store === undefined ? undefined : await readLockStatus(store, d.name).catch(() => undefined);
        const report = (await latestLocalReport(d.name)) ?? (store === undefined ? undefined : await latestUploadedReport(d.name, store).catch(() => undefined));
        return {
          deployment: d.name,
          environment: d.environment,
          location: d.location,
          stack: stackName,
          stackState,
          lastRun: lastRunOf(report),
          locked: lock === undefined ? 'unknown' : lock.locked,
          lockedBy: lock?.locked ? `${lock.holder?.who ?? '?'} (${lock.holder?.command ?? '?'})` : undefined,
        };
      }),
    );
    if (values.json) {
      console.log(JSON.stringify(rows, null, 2));
      return ExitCode.Success;
    }
    console.log(`Deployments in ${arm.where}:`);
    for (const line of alignColumns(stateTable(rows))) console.log(line.trimEnd());
    return ExitCode.Success;
  } finally {
    await services.close();
  }
}

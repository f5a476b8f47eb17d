// The heavy half of `cf-infra list` (list.ts reads the flags): per deployment of the registry, its
// stack through ARM, its lock and its newest run report.
import { armStackProvider } from '../arm/stack-provider.ts';
import { canConnect } from '../lock/local-store.ts';
import { checkTargetFlags, commandServices, type TargetFlags } from '../deploy/services.ts';
import { loadRegistry } from '../config/registry.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import { azuriteBlobPort } from '../lock/azurite.ts';
import { readLockStatus, resolveLockStore, type LockStore } from '../lock/index.ts';
import type { RunReport } from '../report/model.ts';
import { latestLocalReport, latestUploadedReport } from '../report/store.ts';
import { deploymentsOf, type RegistryRow } from './list-registry.ts';

export interface ListRow extends RegistryRow {
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


export async function listDeployments(values: TargetFlags & { environment?: string | undefined; json: boolean }): Promise<number> {
  const deployments = deploymentsOf(loadRegistry(), values.environment);
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

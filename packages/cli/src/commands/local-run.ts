// The heavy half of `cf-infra local` (local.ts reads the arguments): the settings, the mode (Docker
// or native), then the action on that stack, or on the local lock store.
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { loadCatalog, syncCatalogEnv } from '../local/catalog.ts';
import { composeArgs, composeCommands, dockerEngineAvailable, runDocker } from '../local/docker-stack.ts';
import { followLogs, printLogs } from '../local/logs.ts';
import { nativeDown, nativeLogFiles, nativeReset, nativeStackExists, nativeStatus, nativeUp } from '../local/native-stack.ts';
import { loadSettings, type LocalSettings } from '../local/settings.ts';
import { allHealthy, renderStatus, type ServiceStatus } from '../local/status.ts';
import { describeLockStoreStatus, lockStoreStatus, startLockStore, stopLockStore } from '../lock/local-store.ts';

export type LocalAction = 'up' | 'down' | 'status' | 'reset' | 'logs' | 'lockstore';

/** The arguments of `cf-infra local`, checked (local.ts). */
export interface LocalOptions {
  action: LocalAction;
  service: string | undefined;
  native: boolean;
  docker: boolean;
  envFile: string | undefined;
  dataDir: string;
  follow: boolean;
  lines: number;
}

type Mode = 'docker' | 'native';

async function chooseMode(options: LocalOptions): Promise<Mode> {
  if (options.native) return 'native';
  if (options.docker) {
    if (!(await dockerEngineAvailable())) throw new UsageError('--docker: no Docker engine is running (`docker info` failed)', 'start Docker (Desktop), or use --native');
    return 'docker';
  }
  // A native stack that exists keeps being managed natively (down/status/logs find it).
  if (options.action !== 'up' && nativeStackExists(options.dataDir)) return 'native';
  if (await dockerEngineAvailable()) return 'docker';
  console.error('note: no Docker engine is running (`docker info` failed), so native mode is used: PostgreSQL and Redis from the installed binaries; Kafka and Redpanda Console need Docker.');
  return 'native';
}

function printStatus(rows: ServiceStatus[]): number {
  console.log(renderStatus(rows));
  return allHealthy(rows) ? ExitCode.Success : ExitCode.Failed;
}

async function runNative(options: LocalOptions, settings: LocalSettings): Promise<number> {
  const catalog = loadCatalog();
  const base = { dataRoot: options.dataDir, settings, catalog, log: (line: string) => console.log(line) };
  switch (options.action) {
    case 'up': {
      const started = performance.now();
      const rows = await nativeUp(base);
      console.log(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      return printStatus(rows);
    }
    case 'reset':
      return printStatus(await nativeReset(base));
    case 'status':
      return printStatus(await nativeStatus(base));
    case 'down': {
      const stopped = await nativeDown(base);
      console.log(stopped.length === 0 ? 'nothing was running' : `stopped ${stopped.join(', ')} (data kept in ${options.dataDir})`);
      return ExitCode.Success;
    }
    case 'lockstore':
      return runLockStore(options.service!);
    case 'logs': {
      const all = nativeLogFiles(options.dataDir);
      if (options.service !== undefined && !(options.service in all)) {
        throw new UsageError(`no native service "${options.service}": native mode runs ${Object.keys(all).join(' and ')} (Kafka is Docker-only)`);
      }
      const files = options.service === undefined ? all : { [options.service]: all[options.service as keyof typeof all] };
      if (options.follow) return followLogs(files, options.lines);
      printLogs(files, options.lines);
      return ExitCode.Success;
    }
  }
}

async function runCompose(options: LocalOptions): Promise<number> {
  const envFile = options.envFile === undefined ? {} : { envFile: options.envFile };
  const compose = (subcommand: readonly string[]) => runDocker(composeArgs(subcommand, envFile));
  switch (options.action) {
    case 'up':
    case 'down':
    case 'status':
      return compose(composeCommands[options.action]);
    case 'reset': {
      const code = await compose(composeCommands.reset);
      return code === 0 ? compose(composeCommands.up) : code;
    }
    case 'lockstore':
      return runLockStore(options.service!);
    case 'logs':
      return compose(composeCommands.logs(options.follow, options.service));
  }
}

async function runLockStore(action: string): Promise<number> {
  if (action === 'start') {
    const { started, status } = await startLockStore();
    console.log(started ? `started ${describeLockStoreStatus(status)}` : `already running: ${describeLockStoreStatus(status)}`);
    return ExitCode.Success;
  }
  if (action === 'stop') {
    const { stopped, pid, status } = await stopLockStore();
    console.log(stopped ? `stopped the lock store (pid ${pid} ended; its leases and blobs stay in ${status.dir})` : `nothing to stop: ${describeLockStoreStatus(status)}`);
    return ExitCode.Success;
  }
  const status = await lockStoreStatus();
  console.log(describeLockStoreStatus(status));
  return status.listening ? ExitCode.Success : ExitCode.Failed;
}

export async function runLocal(options: LocalOptions): Promise<number> {
  if (options.action === 'lockstore') return runLockStore(options.service!);
  // Bad settings are refused before anything starts, whichever mode (Docker reads the same file).
  const settings = loadSettings(options.envFile);
  if (options.action === 'up' || options.action === 'reset') {
    if (syncCatalogEnv(loadCatalog())) console.log('local/catalog.env regenerated from deployments/catalog.yaml');
  }
  const mode = await chooseMode(options);
  return mode === 'native' ? runNative(options, settings) : runCompose(options);
}

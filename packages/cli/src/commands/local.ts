// `cf-infra local <up|down|status|reset|logs>`: the local development environment;
// `cf-infra local lockstore <start|stop|status>`: the local lock store (Azurite) --emulator runs use.
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';
import { loadCatalog, syncCatalogEnv } from '../local/catalog.ts';
import { composeArgs, composeCommands, dockerEngineAvailable, runDocker } from '../local/docker-stack.ts';
import { followLogs, printLogs } from '../local/logs.ts';
import { nativeDown, nativeLogFiles, nativeReset, nativeStackExists, nativeStatus, nativeUp } from '../local/native-stack.ts';
import { defaultDataRoot } from '../local/paths.ts';
import { loadSettings, type LocalSettings } from '../local/settings.ts';
import { allHealthy, renderStatus, type ServiceStatus } from '../local/status.ts';
import { describeLockStoreStatus, lockStoreStatus, startLockStore, stopLockStore } from '../lock/local-store.ts';


const actions = ['up', 'down', 'status', 'reset', 'logs', 'lockstore'] as const;
const lockStoreActions = ['start', 'stop', 'status'] as const;
type Action = (typeof actions)[number];
type Mode = 'docker' | 'native';

const help = `Usage: cf-infra local <${actions.join('|')}> [options]     (npm run local:<action> -- [options])

  up        start PostgreSQL, Redis, Kafka (KRaft) and Redpanda Console, create the service
            databases, roles, extensions, RLS example and topics, seed two tenants
  down      stop the stack (data is kept)
  status    each service, its port and its health (exit 1 when one is not healthy)
  reset     stop, delete the local environment's data (PostgreSQL, Redis; not the emulator's
            state, the lock store or run reports), and start from scratch
  logs [postgres|redis|<compose service>]   the services' logs
  lockstore start|stop|status
            the local lock store (Azurite blob service) that every --emulator command takes its
            deployment lock in: it runs until stopped (no cf-infra run starts or stops it), state
            in $CF_LOCK_STORE_DIR (default .local-data/azurite), port $AZURITE_BLOB_PORT (10000)

Options:
  --native           PostgreSQL and Redis from the locally installed binaries in .local-data/
                     (chosen automatically when no Docker engine is running; no Kafka there)
  --docker           Docker Compose only (fails when no engine is running)
  --env-path <path>  settings file (default local/.env; every key and default is in local/.env.example)
                     (not --env-file: Node itself takes that option wherever it appears)
  --data-dir <path>  native mode's data directory (default .local-data/)
  -f, --follow       logs: keep following
  -n, --lines <n>    logs: lines per service (default 100)
  -h, --help`;

interface Options {
  action: Action;
  service: string | undefined;
  native: boolean;
  docker: boolean;
  envFile: string | undefined;
  dataDir: string;
  follow: boolean;
  lines: number;
}

function parse(args: string[]): Options | 'help' {
  const parsed = parseCommandArgs('local', args, {
    help,
    positionals: { name: 'argument' },
    options: {
      native: { type: 'boolean', default: false },
      docker: { type: 'boolean', default: false },
      'env-path': { type: 'string' },
      'data-dir': { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      lines: { type: 'string', short: 'n', default: '100' },
    },
  });
  if (parsed.help) return 'help';
  const { values, positionals } = parsed;
  const [action, service, ...rest] = positionals;
  if (action === undefined || !(actions as readonly string[]).includes(action)) {
    throw new UsageError(`local needs an action: ${actions.join(', ')}${action === undefined ? '' : ` (got "${action}")`}`, 'run `cf-infra local --help`');
  }
  if (action === 'lockstore' && (service === undefined || !(lockStoreActions as readonly string[]).includes(service) || rest.length > 0)) {
    throw new UsageError(`local lockstore needs one of ${lockStoreActions.join(', ')}${service === undefined ? '' : ` (got "${[service, ...rest].join(' ')}")`}`);
  }
  if (rest.length > 0 || (service !== undefined && action !== 'logs' && action !== 'lockstore')) {
    throw new UsageError(`unexpected argument "${[service, ...rest].filter(Boolean).join(' ')}" for local ${action}`);
  }
  if (values.native && values.docker) throw new UsageError('--native and --docker exclude each other');
  if (!/^\d+$/.test(values.lines)) throw new UsageError(`--lines must be a whole number, not "${values.lines}"`);
  return {
    action: action as Action,
    service,
    native: values.native,
    docker: values.docker,
    envFile: values['env-path'] === undefined ? undefined : path.resolve(values['env-path']),
    dataDir: path.resolve(values['data-dir'] ?? defaultDataRoot),
    follow: values.follow,
    lines: Number(values.lines),
  };
}

async function chooseMode(options: Options): Promise<Mode> {
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

async function runNative(options: Options, settings: LocalSettings): Promise<number> {
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

async function runCompose(options: Options): Promise<number> {
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

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options === 'help') return ExitCode.Success;
  if (options.action === 'lockstore') return runLockStore(options.service!);
  // Bad settings are refused before anything starts, whichever mode (Docker reads the same file).
  const settings = loadSettings(options.envFile);
  if (options.action === 'up' || options.action === 'reset') {
    if (syncCatalogEnv(loadCatalog())) console.log('local/catalog.env regenerated from deployments/catalog.yaml');
  }
  const mode = await chooseMode(options);
  return mode === 'native' ? runNative(options, settings) : runCompose(options);
}

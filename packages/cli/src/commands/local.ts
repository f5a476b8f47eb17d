// `cf-infra local <up|down|status|reset|logs>`: the local development environment;
// `cf-infra local lockstore <start|stop|status>`: the local lock store (Azurite) --emulator runs use.
// Light: the stacks (Docker, or the native PostgreSQL, Redis and their clients) load from
// local-run.ts once the arguments are read.
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';
import { defaultDataRoot } from '../local/paths.ts';
import type { LocalAction, LocalOptions } from './local-run.ts';

const actions: readonly LocalAction[] = ['up', 'down', 'status', 'reset', 'logs', 'lockstore'];
const lockStoreActions = ['start', 'stop', 'status'] as const;

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

function parse(args: string[]): LocalOptions | 'help' {
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
    action: action as LocalAction,
    service,
    native: values.native,
    docker: values.docker,
    envFile: values['env-path'] === undefined ? undefined : path.resolve(values['env-path']),
    dataDir: path.resolve(values['data-dir'] ?? defaultDataRoot),
    follow: values.follow,
    lines: Number(values.lines),
  };
}

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options === 'help') return ExitCode.Success;
  const { runLocal } = await import('./local-run.ts');
  return runLocal(options);
}

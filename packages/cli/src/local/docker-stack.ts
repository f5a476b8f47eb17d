// Docker mode: the Compose stack of local/docker-compose.yml (+ the override file).
import { existsSync } from 'node:fs';
import { runAttached, runNothrow } from '@complianceflow/core/process.ts';
import { composeFiles, envFile, localDir } from './paths.ts';

/** Whether a Docker engine answers (the client alone is not enough; no client at all is a no). */
export async function dockerEngineAvailable(): Promise<boolean> {
  return (await runNothrow('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 })).code === 0;
}

/** `docker compose` with this project's files, project directory and env file. */
export function composeArgs(subcommand: readonly string[], options: { envFile?: string } = {}): string[] {
  const env = options.envFile ?? (existsSync(envFile) ? envFile : undefined);
  return [
    'compose',
    '--project-directory', localDir,
    ...composeFiles.flatMap((file) => ['--file', file]),
    ...(env === undefined ? [] : ['--env-file', env]),
    ...subcommand,
  ];
}

export const composeCommands = {
  up: ['up', '--detach', '--wait', '--wait-timeout', '120'],
  down: ['down'],
  /** Removes the named volumes too: the next `up` starts from empty databases and topics. */
  reset: ['down', '--volumes'],
  status: ['ps', '--all', '--format', 'table {{.Service}}\t{{.Status}}\t{{.Ports}}'],
  logs: (follow: boolean, service?: string) => ['logs', ...(follow ? ['--follow'] : ['--tail', '200']), ...(service === undefined ? [] : [service])],
} as const;

/** Runs docker with the terminal attached (its own progress output); resolves to its exit code. */
export async function runDocker(args: readonly string[]): Promise<number> {
  const result = await runAttached('docker', args, { install: 'Docker with the compose plugin (Docker Desktop or Docker Engine)' });
  return result.signal === null ? result.code : 1;
}

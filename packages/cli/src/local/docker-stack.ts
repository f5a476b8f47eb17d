// Docker mode: the Compose stack of local/docker-compose.yml (+ the override file).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { composeFiles, envFile, localDir } from './paths.ts';
import { run } from './processes.ts';

/** Whether a Docker engine answers (the client alone is not enough). */
export async function dockerEngineAvailable(): Promise<boolean> {
  try {
    return (await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 })).code === 0;
  } catch {
    return false; // no docker client at all
  }
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
export function runDocker(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

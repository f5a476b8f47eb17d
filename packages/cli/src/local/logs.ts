// `local logs` in native mode: the services' log files, optionally followed.
import { existsSync } from 'node:fs';
import { runAttached } from '@complianceflow/core/process.ts';
import { tailOfFile } from './log-tail.ts';

export function printLogs(files: Record<string, string>, lines: number): void {
  for (const [service, file] of Object.entries(files)) {
    console.log(`==> ${service} (${file})`);
    console.log(existsSync(file) ? tailOfFile(file, lines) : '(no log yet: the service has not been started)');
  }
}

/** Follows the files until interrupted (tail -F keeps going across a restart that recreates them). */
export async function followLogs(files: Record<string, string>, lines: number): Promise<number> {
  const result = await runAttached('tail', ['-n', String(lines), '-F', ...Object.values(files)], { install: 'coreutils' });
  return result.signal === null ? result.code : 0; // interrupted: the way it ends
}

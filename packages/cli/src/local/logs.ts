// `local logs` in native mode: the services' log files, optionally followed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tailOfFile } from './log-tail.ts';

export function printLogs(files: Record<string, string>, lines: number): void {
  for (const [service, file] of Object.entries(files)) {
    console.log(`==> ${service} (${file})`);
    console.log(existsSync(file) ? tailOfFile(file, lines) : '(no log yet: the service has not been started)');
  }
}

/** Follows the files until interrupted (tail -F keeps going across a restart that recreates them). */
export function followLogs(files: Record<string, string>, lines: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('tail', ['-n', String(lines), '-F', ...Object.values(files)], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

import { readFileSync } from 'node:fs';

/** The last lines of a log file ('' when there is none), to quote in an error. */
export function tailOfFile(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// A run's id: sortable by time (the newest run report is the last name), unique across hosts.
import { randomBytes } from 'node:crypto';

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

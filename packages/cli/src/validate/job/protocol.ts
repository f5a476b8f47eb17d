// The results stream of one job run: JSON lines in an append blob. The job writes a `plan` line (the
// names of the checks it will run), one `result` line per check as it finishes, and a final `done`
// line; `validate` reads the lines as they arrive. Pure parsing, no I/O.
import type { CheckResult, CheckStatus } from '../model.ts';
import { parseJsonObject } from '@complianceflow/core/json.ts';

export type ResultLine =
  | { kind: 'plan'; runId: string; checks: string[] }
  | { kind: 'result'; runId: string; result: CheckResult }
  | { kind: 'done'; runId: string; count: number };

export function encodeLine(line: ResultLine): string {
  switch (line.kind) {
    case 'plan':
      return `${JSON.stringify({ plan: line.checks, runId: line.runId })}\n`;
    case 'result':
      return `${JSON.stringify({ ...line.result, runId: line.runId })}\n`;
    case 'done':
      return `${JSON.stringify({ done: true, count: line.count, runId: line.runId })}\n`;
  }
}

const statuses: readonly CheckStatus[] = ['pass', 'fail', 'skipped'];

/** One line → what it says; undefined for a line that is not ours (never throws: the stream is untrusted input). */
export function decodeLine(text: string): ResultLine | undefined {
  const v = parseJsonObject(text);
  if (v === undefined) return undefined;
  const runId = typeof v.runId === 'string' ? v.runId : '';
  if (v.done === true) return { kind: 'done', runId, count: typeof v.count === 'number' ? v.count : 0 };
  if (Array.isArray(v.plan) && v.plan.every((n) => typeof n === 'string')) return { kind: 'plan', runId, checks: v.plan as string[] };
  if (typeof v.name === 'string' && statuses.includes(v.status as CheckStatus)) {
    return {
      kind: 'result',
      runId,
      result: {
        name: v.name,
        status: v.status as CheckStatus,
        reason: typeof v.reason === 'string' ? v.reason : '',
        durationMs: typeof v.durationMs === 'number' ? v.durationMs : 0,
        troubleshooting: typeof v.troubleshooting === 'string' ? v.troubleshooting : '',
      },
    };
  }
  return undefined;
}

/** Splits the text read so far into complete lines and the unfinished rest (kept for the next read). */
export function splitLines(pending: string): { lines: string[]; rest: string } {
  const cut = pending.lastIndexOf('\n');
  if (cut < 0) return { lines: [], rest: pending };
  return { lines: pending.slice(0, cut).split('\n').filter((l) => l.trim() !== ''), rest: pending.slice(cut + 1) };
}

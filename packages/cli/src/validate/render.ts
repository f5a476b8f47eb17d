// The results as a terminal table, as JSON ({"checks": [...]}) and as markdown for the run report.
import { alignColumns } from '@complianceflow/core/tables.ts';
import type { CheckResult } from './model.ts';

const symbol = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' } as const;

export function summaryOf(results: readonly CheckResult[]): string {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return `${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`;
}

export function renderJson(results: readonly CheckResult[]): string {
  return `${JSON.stringify({ checks: results.map(({ name, status, reason, durationMs }) => ({ name, status, reason, durationMs })) }, null, 2)}\n`;
}

export function renderTable(results: readonly CheckResult[]): string {
  const rows = results.flatMap((r) => {
    const row = [r.name, symbol[r.status], `${r.durationMs} ms`, r.reason.replace(/\s*\n\s*/g, ' ')];
    return r.status === 'fail' ? [row, ['', '', '', `see ${r.troubleshooting}`]] : [row];
  });
  const lines = [...alignColumns([['CHECK', 'RESULT', 'TIME', 'REASON'], ...rows], { minWidths: [0, 0, 7] }), '', summaryOf(results)];
  return `${lines.join('\n')}\n`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export function renderMarkdown(results: readonly CheckResult[]): string {
  const lines = ['| Check | Result | Time | Reason |', '| --- | --- | --- | --- |'];
  for (const r of results) {
    const reason = r.status === 'fail' ? `${cell(r.reason)} ([troubleshooting](${r.troubleshooting}))` : cell(r.reason);
    lines.push(`| ${cell(r.name)} | ${r.status} | ${r.durationMs} ms | ${reason} |`);
  }
  lines.push('', summaryOf(results));
  return `${lines.join('\n')}\n`;
}

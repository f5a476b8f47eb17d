// Plain-text and Markdown tables, for command output and the generated docs.

export type Row = readonly string[];

/** Columns padded to their widest cell, a dashed rule under the header. */
export function textTable(headers: Row, rows: readonly Row[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: Row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function markdownTable(headers: Row, rows: readonly Row[]): string {
  const line = (row: Row) => `| ${row.map(escapeCell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

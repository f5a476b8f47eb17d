// Plain-text and Markdown tables, for command output and the generated docs: the one place that pads
// columns. Widths count what a terminal shows, so styled cells (ANSI colours) line up too.
import { stripVTControlCharacters } from 'node:util';

export type Row = readonly string[];

export type Align = 'left' | 'right';

export interface ColumnOptions {
  /** Per column; left by default. */
  align?: readonly Align[];
  /** Per column: at least this wide. */
  minWidths?: readonly number[];
  /** Before every line (default none). */
  indent?: string;
  /** Between columns: one text, or one per gap (gaps[i] after column i); two spaces by default. */
  gap?: string | readonly string[];
}

function visibleLength(cell: string): number {
  return stripVTControlCharacters(cell).length;
}

/** The width of each column: its widest cell, at least its minimum width. */
export function columnWidths(rows: readonly Row[], minWidths: readonly number[] = []): number[] {
  const count = Math.max(0, ...rows.map((row) => row.length));
  return Array.from({ length: count }, (_, column) => Math.max(minWidths[column] ?? 0, ...rows.map((row) => visibleLength(row[column] ?? ''))));
}

/**
 * Rows as aligned lines, each column padded to its width; the last cell of a row is not padded when
 * it is left-aligned, so no line ends in padding (a continuation row can leave its first cells empty).
 */
export function alignColumns(rows: readonly Row[], options: ColumnOptions = {}): string[] {
  const widths = columnWidths(rows, options.minWidths);
  const { indent = '', gap = '  ' } = options;
  const gapAfter = (column: number): string => (typeof gap === 'string' ? gap : (gap[column] ?? '  '));
  return rows.map((row) => {
    const cells = row.map((cell, column) => {
      const align = options.align?.[column] ?? 'left';
      if (column === row.length - 1 && align === 'left') return cell;
      const fill = ' '.repeat(Math.max(0, widths[column]! - visibleLength(cell)));
      return align === 'right' ? fill + cell : cell + fill;
    });
    return indent + cells.map((cell, column) => (column === 0 ? cell : gapAfter(column - 1) + cell)).join('');
  });
}

/** Columns padded to their widest cell, a dashed rule under the header. */
export function textTable(headers: Row, rows: readonly Row[]): string {
  const [header, ...body] = alignColumns([headers, ...rows]).map((line) => line.trimEnd());
  const rule = columnWidths([headers, ...rows]).slice(0, headers.length).map((width) => '-'.repeat(width)).join('  ');
  return [header, rule, ...body].join('\n');
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function markdownTable(headers: Row, rows: readonly Row[]): string {
  const line = (row: Row) => `| ${row.map(escapeCell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

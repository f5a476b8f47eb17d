import path from 'node:path';
import type { Diagnostic } from './protocol.ts';

/** file:line:col: Level code: message (1-based line and column, path relative to cwd when inside it). */
export function formatDiagnostic(d: Diagnostic, cwd: string = process.cwd()): string {
  return `${displayPath(d.source, cwd)}:${d.range.start.line + 1}:${d.range.start.char + 1}: ${d.level} ${d.code}: ${d.message}`;
}

/** Errors always block; with `strict`, warnings do too (the project's linter is strict: zero warnings). */
export function blockingDiagnostics(diagnostics: readonly Diagnostic[], strict: boolean): Diagnostic[] {
  return diagnostics.filter((d) => d.level === 'Error' || (strict && d.level === 'Warning'));
}

/** Relative to cwd when the file is inside it, else absolute. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

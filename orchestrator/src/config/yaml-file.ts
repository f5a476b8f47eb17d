// The file-reading edge of the registry: YAML/JSON text in, plain data or a located parse error out.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

export type Parsed = { ok: true; file: string; data: unknown } | { ok: false; file: string; problem: string };

/** Parses YAML text; a syntax error (or a duplicate key) is reported as `file:line:column: message`. */
export function parseYaml(text: string, file: string): Parsed {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position === undefined ? file : `${file}:${position.line}:${position.col}`;
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, file, problem: `${where}: invalid YAML: ${message}` };
  }
  return { ok: true, file, data: document.toJS() };
}

export function parseJson(text: string, file: string): Parsed {
  try {
    return { ok: true, file, data: JSON.parse(text) };
  } catch (error) {
    return { ok: false, file, problem: `${file}: invalid JSON: ${(error as Error).message}` };
  }
}

/** Reads and parses `relative` under `root`; a missing file is a problem, not an exception. */
export function readData(root: string, relative: string): Parsed {
  let text: string;
  try {
    text = readFileSync(path.join(root, relative), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, file: relative, problem: `${relative}: cannot read the file (${code === 'ENOENT' ? 'it does not exist' : code ?? String(error)})` };
  }
  return relative.endsWith('.json') ? parseJson(text, relative) : parseYaml(text, relative);
}

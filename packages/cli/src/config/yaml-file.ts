// The one reader of the project's YAML and JSON configuration files: text in, plain data or a
// located problem out (`file:line:column: …`), never an exception. Every YAML file the project
// reads (deployments, profiles, regions, catalogue, bootstrap.yaml) comes through here. A clean
// parse is kept by its text (config-cache.ts): the yaml package loads only when a text is new.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { configCacheEntry, keepInConfigCache, readConfigCache } from './config-cache.ts';
import { configCacheDir } from './paths.ts';

const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof import('yaml');
const yamlVersion = () => (require('yaml/package.json') as { version: string }).version;

export type Parsed = { ok: true; file: string; data: unknown } | { ok: false; file: string; problem: string };

/**
 * The largest configuration file read: the biggest in the repository is a few kB, so 1 MB is
 * generous and still keeps a mistaken (or hostile) file from being read and parsed whole.
 */
export const maxConfigFileBytes = 1024 * 1024;

/**
 * Aliases a document may expand: an alias bomb (`&a [*a,*a,…]` nested ten deep) expands to
 * billions of nodes. The yaml package's own guard (maxAliasCount, default 100) throws a bare
 * ReferenceError; configuration files here use anchors sparingly, so 50 is plenty.
 */
const maxAliasCount = 50;

function located(file: string, lineCounter: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return file;
  const { line, col } = lineCounter.linePos(offset);
  return `${file}:${line}:${col}`;
}

const parseOptions = { uniqueKeys: true, prettyErrors: true, strict: true } as const;

/**
 * Parses YAML text, or reads back the data of its last clean parse; a syntax error, duplicate key
 * or alias explosion is reported as `file:line:column: message`.
 */
export function parseYaml(text: string, file: string, cacheDir = configCacheDir): Parsed {
  const entry = configCacheEntry(cacheDir, ['yaml', yamlVersion(), JSON.stringify(parseOptions), `maxAliasCount=${maxAliasCount}`, text]);
  const cached = readConfigCache(entry);
  if (cached !== undefined) return { ok: true, file, data: cached.value };
  const parsed = parseYamlText(text, file);
  if (parsed.ok) keepInConfigCache(entry, parsed.data);
  return parsed;
}

function parseYamlText(text: string, file: string): Parsed {
  const { LineCounter, parseDocument, visit } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...parseOptions, lineCounter });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const where = position === undefined ? file : `${file}:${position.line}:${position.col}`;
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { ok: false, file, problem: `${where}: invalid YAML: ${message}` };
  }
  try {
    return { ok: true, file, data: document.toJS({ maxAliasCount }) };
  } catch (error) {
    // toJS throws only on alias trouble (too many expansions, or an alias to an unknown anchor).
    let firstAlias: number | undefined;
    visit(document, {
      Alias(_key, node) {
        firstAlias = node.range?.[0];
        return visit.BREAK;
      },
    });
    const reason = (error as Error).message.split('\n')[0]!;
    return { ok: false, file, problem: `${located(file, lineCounter, firstAlias)}: invalid YAML: its aliases (*name) expand too far (${reason}); write the values out instead of nesting aliases` };
  }
}

/**
 * Where the node at a path (keys and indices) of a YAML text is: `file:line:column`; for a missing
 * node (a required field left out), where its closest parent is. For problems found in the data
 * after parsing (schema, rules in code). The text is parsed on the first call, once.
 */
export function yamlLocator(text: string, file: string): (path: readonly (string | number)[]) => string {
  let parsed: { document: Document.Parsed; lineCounter: LineCounter } | undefined;
  return (path) => {
    if (parsed === undefined) {
      const { LineCounter, parseDocument } = yaml();
      const lineCounter = new LineCounter();
      parsed = { document: parseDocument(text, { lineCounter }), lineCounter };
    }
    const { document, lineCounter } = parsed;
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true)) as { range?: readonly number[] } | null | undefined;
      if (node?.range !== undefined) return located(file, lineCounter, node.range[0]);
    }
    return file;
  };
}

export function parseJson(text: string, file: string): Parsed {
  try {
    return { ok: true, file, data: JSON.parse(text) };
  } catch (error) {
    return { ok: false, file, problem: `${file}: invalid JSON: ${(error as Error).message}` };
  }
}

/** The file's text, or a problem; the size is checked on the open file before anything is read. */
export function readConfigText(absolute: string, shown: string, limit = maxConfigFileBytes): { ok: true; text: string } | { ok: false; problem: string } {
  let fd: number;
  try {
    fd = openSync(absolute, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, problem: `${shown}: cannot read the file (${code === 'ENOENT' ? 'it does not exist' : code ?? String(error)})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, problem: `${shown}: cannot read the file (it is not a regular file)` };
    if (stats.size > limit) {
      return { ok: false, problem: `${shown}: the file is ${stats.size} bytes; a configuration file may have at most ${limit} bytes (${limit / 1024 / 1024} MB), so it was not read` };
    }
    const buffer = Buffer.alloc(stats.size);
    let read = 0;
    while (read < stats.size) {
      const n = readSync(fd, buffer, read, stats.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, text: buffer.subarray(0, read).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses `relative` under `root`; a missing, oversized or malformed file is a problem, not an exception. */
export function readData(root: string, relative: string): Parsed {
  const read = readConfigText(path.join(root, relative), relative);
  if (!read.ok) return { ok: false, file: relative, problem: read.problem };
  return relative.endsWith('.json') ? parseJson(read.text, relative) : parseYaml(read.text, relative);
}

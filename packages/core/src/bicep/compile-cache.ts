// Compile + lint results kept on disk and shared by every process of the checkout: a run with
// unchanged Bicep starts no compile, and parallel runs compile at most once each between them. The key
// is a hash of everything the result depends on (the Bicep CLI version, the strictness, the compiled
// file's path, bicepconfig.json and every file under the template's folder), so a changed input is a
// new entry, never a wrong one. Entries are written to a temp file and renamed: a reader sees a whole
// entry or none, and a crash mid-write leaves only a temp file behind. While one process compiles an
// entry it holds <key>.lock; the others wait for the entry instead of compiling it too.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { Bicep, CompiledTemplate } from './index.ts';

export interface CompileCacheOptions {
  /** Where entries go; undefined bypasses the cache (--no-cache). */
  cacheDir: string | undefined;
  strict?: boolean;
  /** bicepconfig.json of the project. */
  configFile: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** The cache key of compiling `file`: changes whenever any input of the result changes. */
export async function compileKey(bicep: Pick<Bicep, 'version'>, file: string, options: CompileCacheOptions): Promise<string> {
  const hash = createHash('sha256');
  const root = path.dirname(path.resolve(file));
  hash.update(`bicep ${bicep.version}\0strict ${options.strict ?? true}\0file ${path.resolve(file)}\0`);
  for (const input of [options.configFile, ...(await filesUnder(root))]) {
    hash.update(`${path.relative(root, input)}\0`);
    hash.update(await readFile(input).catch(() => Buffer.from('(absent)')));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** A lock older than this is taken for a crashed compiler's and ignored. */
const staleLockMs = 5 * 60_000;

const readEntry = (entry: string) => readFile(entry, 'utf8').then((text) => JSON.parse(text) as CompiledTemplate).catch(() => undefined);

async function store(entry: string, compiled: CompiledTemplate): Promise<void> {
  const temp = `${entry}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(compiled));
    await rename(temp, entry);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Takes <entry>.lock, or waits while another process holds it; resolves with whether this process holds it. */
async function lockOrWait(entry: string): Promise<boolean> {
  const lock = `${entry}.lock`;
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    const held = await stat(lock).then((s) => Date.now() - s.mtimeMs < staleLockMs).catch(() => false);
    if (!held) {
      await rm(lock, { force: true });
      continue;
    }
    await sleep(100);
    if ((await readEntry(entry)) !== undefined) return false;
  }
}

/** `bicep.compile(file)`, or its stored result when every input is unchanged. */
export async function compileCached(bicep: Bicep, file: string, options: CompileCacheOptions): Promise<CompiledTemplate> {
  const strict = options.strict ?? true;
  if (options.cacheDir === undefined) return bicep.compile(file, { strict });
  const entry = path.join(options.cacheDir, `${await compileKey(bicep, file, options)}.json`);
  const stored = await readEntry(entry);
  if (stored !== undefined) return stored;
  await mkdir(options.cacheDir, { recursive: true });
  const holding = await lockOrWait(entry);
  try {
    const meanwhile = await readEntry(entry);
    if (meanwhile !== undefined) return meanwhile;
    const compiled = await bicep.compile(file, { strict });
    await store(entry, compiled);
    return compiled;
  } finally {
    if (holding) await rm(`${entry}.lock`, { force: true });
  }
}

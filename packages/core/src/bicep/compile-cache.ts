// Bicep results kept on disk and shared by every process of the checkout: a run with unchanged
// Bicep and parameters starts no Bicep at all, and parallel runs compute each result at most once
// between them. A key is a hash of everything its result depends on (the Bicep executable, the
// strictness, bicepconfig.json, every file under the template's folder; for a snapshot the compiled
// template, the parameters and the metadata), so a changed input is a new entry, never a wrong one.
// Entries are written to a temp file and renamed: a reader sees a whole entry or none, and a crash
// mid-write leaves only a temp file behind. While one process computes an entry it holds
// <key>.lock; the others wait for the entry instead of computing it too.
import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bicep, BicepSession, CompiledTemplate, Snapshot, SnapshotMetadata } from './index.ts';

export interface CompileCacheOptions {
  /** Where entries go; undefined bypasses the cache (--no-cache). */
  cacheDir: string | undefined;
  strict?: boolean;
  /** bicepconfig.json of the project. */
  configFile: string;
}

/** The Bicep executable as a key part: its path, size and modification time (a reinstall changes them). */
export function bicepIdentity(bicep: Pick<Bicep, 'bicepPath'>): string {
  const { size, mtimeMs } = statSync(bicep.bicepPath);
  return `${bicep.bicepPath} ${size} ${mtimeMs}`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

/** The cache key of compiling `file`: changes whenever any input of the result changes. */
export async function compileKey(bicep: Pick<Bicep, 'bicepPath'>, file: string, options: CompileCacheOptions): Promise<string> {
  const hash = createHash('sha256');
  const root = path.dirname(path.resolve(file));
  hash.update(`compile\0${bicepIdentity(bicep)}\0strict ${options.strict ?? true}\0file ${path.resolve(file)}\0`);
  for (const input of [options.configFile, ...(await filesUnder(root))]) {
    hash.update(`${path.relative(root, input)}\0`);
    hash.update(await readFile(input).catch(() => Buffer.from('(absent)')));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** A lock older than this is taken for a crashed writer's and ignored. */
const staleLockMs = 5 * 60_000;

const readEntry = <T>(entry: string) => readFile(entry, 'utf8').then((text) => JSON.parse(text) as T).catch(() => undefined);

async function store(entry: string, value: unknown): Promise<void> {
  const temp = `${entry}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(value));
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

/** The stored result under `key`, or `compute()`'s, stored for the next run. */
async function cached<T>(cacheDir: string, key: string, compute: () => Promise<T>): Promise<T> {
  const entry = path.join(cacheDir, `${key}.json`);
  const stored = await readEntry<T>(entry);
  if (stored !== undefined) return stored;
  await mkdir(cacheDir, { recursive: true });
  const holding = await lockOrWait(entry);
  try {
    const meanwhile = await readEntry<T>(entry);
    if (meanwhile !== undefined) return meanwhile;
    const value = await compute();
    await store(entry, value);
    return value;
  } finally {
    if (holding) await rm(`${entry}.lock`, { force: true });
  }
}

/** Whether compiling `file` is answered from the cache (its entry exists): a caller may then start no Bicep. */
export async function compileIsCached(bicep: Pick<Bicep, 'bicepPath'>, file: string, options: CompileCacheOptions): Promise<boolean> {
  if (options.cacheDir === undefined) return false;
  const entry = path.join(options.cacheDir, `${await compileKey(bicep, file, options)}.json`);
  return stat(entry).then(() => true, () => false);
}

/** `bicep.compile(file)`, or its stored result when every input is unchanged. */
export async function compileCached(bicep: BicepSession, file: string, options: CompileCacheOptions): Promise<CompiledTemplate> {
  const strict = options.strict ?? true;
  if (options.cacheDir === undefined) return bicep.compile(file, { strict });
  return cached(options.cacheDir, await compileKey(bicep, file, options), () => bicep.compile(file, { strict }));
}

export interface SnapshotInputs {
  /** The .bicepparam file and the JSON template it `using`s. */
  paramsFile: string;
  templateFile: string;
  metadata: SnapshotMetadata;
  cacheDir: string | undefined;
  configFile: string;
}

/** `bicep.snapshot(paramsFile)`, or its stored result when the template, parameters, metadata and Bicep are unchanged. */
export async function snapshotCached(bicep: BicepSession, inputs: SnapshotInputs): Promise<Snapshot> {
  const take = () => bicep.snapshot(inputs.paramsFile, inputs.metadata);
  if (inputs.cacheDir === undefined) return take();
  const hash = createHash('sha256').update(`snapshot\0${bicepIdentity(bicep)}\0${JSON.stringify(inputs.metadata)}\0`);
  for (const file of [inputs.configFile, inputs.templateFile, inputs.paramsFile]) hash.update(await readFile(file).catch(() => Buffer.from('(absent)'))).update('\0');
  return cached(inputs.cacheDir, hash.digest('hex'), take);
}

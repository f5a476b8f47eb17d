// Reading runs back: a run by its id (locally in .runs/*/<run-id>/, else in the artifacts account
// under runs/*/<run-id>/) and the runs of one deployment (both places, newest first), with the
// template and parameters a successful deploy kept (artifacts.ts).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonObject } from '@complianceflow/core/json.ts';
import type { LockStore } from '../lock/index.ts';
import { parametersFile, templateFile } from './artifacts.ts';
import type { RunReport } from './model.ts';
import { runBlobPrefix, runDirectory } from './store.ts';

/** newRunId's form (deploy/run-id.ts): also keeps a given id from reaching outside .runs/. */
export const runIdPattern = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export interface StoredRun {
  report: RunReport;
  /** "locally in <dir>" or "in the artifacts account at <url>". */
  where: string;
  /** template.json and parameters.json as stored (undefined: not kept). */
  files(): Promise<{ template?: string; parameters?: string }>;
}

export interface RunSources {
  runsDir: string;
  /** The artifacts account (the lock store); undefined when not reachable. */
  store?: LockStore;
}

const readText = (file: string): Promise<string | undefined> => readFile(file, 'utf8').catch(() => undefined);

async function localRun(runsDir: string, deployment: string, runId: string): Promise<StoredRun | undefined> {
  const dir = runDirectory(runsDir, deployment, runId);
  const report = parseJsonObject((await readText(path.join(dir, 'report.json'))) ?? '') as RunReport | undefined;
  if (report === undefined) return undefined;
  return {
    report,
    where: `locally in ${dir}`,
    files: async () => ({ template: await readText(path.join(dir, templateFile)), parameters: await readText(path.join(dir, parametersFile)) }),
  };
}

async function blobText(store: LockStore, name: string): Promise<string | undefined> {
  try {
    return (await store.container.getBlockBlobClient(name).downloadToBuffer()).toString('utf8');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

async function uploadedRun(store: LockStore, deployment: string, runId: string): Promise<StoredRun | undefined> {
  const prefix = runBlobPrefix(deployment, runId);
  const report = parseJsonObject((await blobText(store, `${prefix}report.json`)) ?? '') as RunReport | undefined;
  if (report === undefined) return undefined;
  return {
    report,
    where: `in the artifacts account at ${store.location}/${prefix}`,
    files: async () => ({ template: await blobText(store, prefix + templateFile), parameters: await blobText(store, prefix + parametersFile) }),
  };
}

async function localDeployments(runsDir: string): Promise<string[]> {
  return readdir(runsDir).catch(() => []);
}

/** The run with this id, of whichever deployment: the local copy first, else the uploaded one. */
export async function findRun(runId: string, sources: RunSources): Promise<StoredRun | undefined> {
  for (const deployment of await localDeployments(sources.runsDir)) {
    const run = await localRun(sources.runsDir, deployment, runId);
    if (run !== undefined) return run;
  }
  if (sources.store === undefined) return undefined;
  for await (const blob of sources.store.container.listBlobsFlat({ prefix: 'runs/' })) {
    const [, deployment, id, file] = blob.name.split('/');
    if (id === runId && file === 'report.json' && deployment !== undefined) return uploadedRun(sources.store, deployment, runId);
  }
  return undefined;
}

/** The run ids of a deployment, in both places, newest first (run ids sort by time). */
async function runIdsOf(deployment: string, sources: RunSources): Promise<string[]> {
  const ids = new Set((await readdir(path.join(sources.runsDir, deployment)).catch(() => [])).filter((id) => runIdPattern.test(id)));
  if (sources.store !== undefined) {
    for await (const blob of sources.store.container.listBlobsFlat({ prefix: `runs/${deployment}/` })) {
      const id = blob.name.split('/')[2];
      if (id !== undefined && runIdPattern.test(id)) ids.add(id);
    }
  }
  return [...ids].sort().reverse();
}

/** Every readable run of a deployment, newest first, each read only when the caller gets to it. */
export async function* runsOf(deployment: string, sources: RunSources): AsyncGenerator<StoredRun> {
  for (const id of await runIdsOf(deployment, sources)) {
    const run = (await localRun(sources.runsDir, deployment, id)) ?? (sources.store === undefined ? undefined : await uploadedRun(sources.store, deployment, id));
    if (run !== undefined) yield run;
  }
}

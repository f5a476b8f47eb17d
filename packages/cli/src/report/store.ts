// Where run reports live: .runs/<deployment>/<run-id>/report.{txt,json,md} in the checkout, and
// the same three files under runs/<deployment>/<run-id>/ in the lock container when it is reachable.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../config/paths.ts';
import { envString } from '@complianceflow/core/env.ts';
import type { LockStore } from '../lock/index.ts';
import type { RunReport } from './model.ts';
import { renderReportJson, renderReportMarkdown, renderReportText } from './render.ts';

/** $CF_RUNS_DIR, else .runs/ in the checkout. */
export const defaultRunsDir = envString('CF_RUNS_DIR') ?? path.join(repoRoot, '.runs');

export function runDirectory(runsDir: string, deployment: string, runId: string): string {
  return path.join(runsDir, deployment, runId);
}

export function reportFiles(report: RunReport): Record<string, string> {
  return { 'report.txt': `${renderReportText(report)}\n`, 'report.json': renderReportJson(report), 'report.md': renderReportMarkdown(report) };
}

/** Writes the three files; returns the directory. */
export async function writeRunReport(report: RunReport, runsDir: string = defaultRunsDir): Promise<string> {
  const dir = runDirectory(runsDir, report.deployment, report.runId);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(reportFiles(report))) await writeFile(path.join(dir, file), text);
  return dir;
}

export function runBlobPrefix(deployment: string, runId: string): string {
  return `runs/${deployment}/${runId}/`;
}

const contentTypes: Readonly<Record<string, string>> = { '.json': 'application/json', '.md': 'text/markdown', '.txt': 'text/plain' };

/**
 * Uploads a run's files under runs/<deployment>/<run-id>/ next to the lock, all at once. The
 * container is the lock's, so it normally exists: it is created only when an upload finds it
 * missing (404), then every file is uploaded again. Returns the blob prefix URL.
 */
export async function uploadRunFiles(store: LockStore, deployment: string, runId: string, files: Record<string, string>): Promise<string> {
  const prefix = runBlobPrefix(deployment, runId);
  const uploadAll = () =>
    Promise.all(
      Object.entries(files).map(([name, text]) =>
        store.container.getBlockBlobClient(prefix + name).upload(text, Buffer.byteLength(text), { blobHTTPHeaders: { blobContentType: `${contentTypes[path.extname(name)] ?? 'text/plain'}; charset=utf-8` } }),
      ),
    );
  try {
    await uploadAll();
  } catch (error) {
    // The SDK's RestError, read by shape: this module stays free of the storage SDK (help texts load it).
    if ((error as { statusCode?: unknown }).statusCode !== 404) throw error;
    await store.container.createIfNotExists();
    await uploadAll();
  }
  return `${store.location}/${prefix}`;
}

/** Uploads the report's three files next to the lock; returns the blob prefix URL. */
export function uploadRunReport(report: RunReport, store: LockStore): Promise<string> {
  return uploadRunFiles(store, report.deployment, report.runId, reportFiles(report));
}

/** The newest local run report of a deployment (run ids sort by time) that `accept` takes (default: any). */
export async function latestLocalReport(deployment: string, runsDir: string = defaultRunsDir, accept: (report: RunReport) => boolean = () => true): Promise<RunReport | undefined> {
  let runs: string[];
  try {
    runs = (await readdir(path.join(runsDir, deployment))).sort();
  } catch {
    return undefined;
  }
  for (const runId of runs.reverse()) {
    let report: RunReport;
    try {
      report = JSON.parse(await readFile(path.join(runsDir, deployment, runId, 'report.json'), 'utf8')) as RunReport;
    } catch {
      continue; // an unfinished or foreign directory: look at the one before
    }
    if (accept(report)) return report;
  }
  return undefined;
}

/** The newest uploaded run report of a deployment, when the store is reachable. */
export async function latestUploadedReport(deployment: string, store: LockStore): Promise<RunReport | undefined> {
  let newest: string | undefined;
  for await (const blob of store.container.listBlobsFlat({ prefix: `runs/${deployment}/` })) {
    if (blob.name.endsWith('/report.json') && (newest === undefined || blob.name > newest)) newest = blob.name;
  }
  if (newest === undefined) return undefined;
  return JSON.parse((await store.container.getBlockBlobClient(newest).downloadToBuffer()).toString('utf8')) as RunReport;
}

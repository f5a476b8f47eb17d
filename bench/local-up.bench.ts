// Time from `local up --native` to every native service healthy (Story 8's bound: 60 s), for a
// fresh data directory (initdb, init, seed) and for a restart of an existing one. Runs on free
// loopback ports in a temp directory, so a developer's own stack is left alone.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findNativeBinaries } from '@complianceflow/cli/local/binaries.ts';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeDown, nativeStatus, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import { envExampleFile } from '@complianceflow/cli/local/paths.ts';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import { loadSettings, type LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { allHealthy } from '@complianceflow/cli/local/status.ts';

export const name = 'local up --native → all services healthy';

const storyBoundSeconds = 60;

async function secondsUntilHealthy(dataRoot: string, settings: LocalSettings): Promise<number> {
  const binaries = findNativeBinaries();
  const started = performance.now();
  await nativeUp({ dataRoot, settings, catalog: loadCatalog(), binaries });
  while (!allHealthy(await nativeStatus({ dataRoot, settings }))) {
    if (performance.now() - started > 120_000) throw new Error('the native stack did not become healthy within 120 s');
    await sleep(100);
  }
  return (performance.now() - started) / 1000;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'cf-local-bench-'));
  chmodSync(root, 0o755); // PostgreSQL runs as `postgres` when we are root
  const dataRoot = path.join(root, 'data');
  const defaults = loadSettings(envExampleFile);
  const postgres = await findFreePort();
  let redis = await findFreePort();
  while (redis === postgres) redis = await findFreePort();
  const settings: LocalSettings = { ...defaults, ports: { ...defaults.ports, postgres, redis } };
  try {
    const fresh = await secondsUntilHealthy(dataRoot, settings);
    await nativeDown({ dataRoot });
    const restart = await secondsUntilHealthy(dataRoot, settings);
    console.log(`  fresh data directory (initdb + 8 databases + seed): ${fresh.toFixed(2)} s (story bound ${storyBoundSeconds} s)`);
    console.log(`  restart with existing data:                          ${restart.toFixed(2)} s (story bound ${storyBoundSeconds} s)`);
  } finally {
    await nativeDown({ dataRoot }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) await run();

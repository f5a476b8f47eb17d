// The world of the integration tests that deploy: one Bicep process and one real Azurite per file,
// ARM emulators in this process (latency 0 unless asked) reached by the real SDK clients over HTTPS,
// and, on request, the local native PostgreSQL and Redis. Every temporary directory is removed by close().
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { armRetryOptions, createArmClients, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import type { ArmSession } from '@complianceflow/cli/arm/session.ts';
import { defaultEmulatorPrincipalId, emulatorCiPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { deploymentShapes } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { checkRoleCoverage, prepareBootstrap, runBootstrap } from '@complianceflow/cli/bootstrap/run.ts';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { requiredNamespaces } from '@complianceflow/cli/deploy/arm-phases.ts';
import { runDeploy, type DeployRequest, type DeployResult } from '@complianceflow/cli/deploy/pipeline.ts';
import { createProgress } from '@complianceflow/cli/runner/progress.ts';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeDown, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { bicepExpander, startEmulator, type EmulatorOptions, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { startAzuriteBlob, type AzuriteBlob } from './azurite.ts';
import { settingsOnFreePorts, tempRoot } from './local-helpers.ts';

/** The services a file shares: Bicep, Azurite, temporary directories, and the native data services if started. */
export interface Services {
  bicep: Bicep;
  azurite: AzuriteBlob;
  tempDir(prefix: string): Promise<string>;
  /** PostgreSQL and Redis of the local native environment (seeded: no), on free ports. */
  startNative(): Promise<LocalSettings>;
  close(): Promise<void>;
}

/** An ARM emulator and the clients to reach it. */
export interface EmulatorWorld {
  emulator: RunningEmulator;
  /** The subscription owner's clients (set-up and inspection). */
  clients: ArmClients;
  /** Who deploys: the CI identity in a bootstrapped world, else the owner. */
  principalId: string;
  deployClients: ArmClients;
  /** The ARM session a deploy opens: the deploying identity's clients. */
  session(): ArmSession;
  close(): Promise<void>;
}

/** A deploy's result with every line it printed (progress and print()). */
export type CapturedDeploy = DeployResult & { lines: string[] };

// The CLI's one retry policy (its count), with short delays: nothing else retries (the 20 % faults test).
const retryOptions = { ...armRetryOptions, retryDelayInMs: 10, maxRetryDelayInMs: 50 };

/** The resource types of a deployment's golden snapshot. */
export async function snapshotTypes(deployment: string): Promise<{ type: string }[]> {
  const file = path.join(repoRoot, 'deployments/snapshots', `${deployment}.json`);
  return (JSON.parse(await readFile(file, 'utf8')) as { resources: { type: string }[] }).resources;
}

export async function startServices(): Promise<Services> {
  const temps: string[] = [];
  const nativeRoots: string[] = [];
  const bicep = await openBicep({ onWarning: () => {} });
  const azurite = await startAzuriteBlob();
  return {
    bicep,
    azurite,
    async tempDir(prefix) {
      const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
      temps.push(dir);
      return dir;
    },
    async startNative() {
      const settings = await settingsOnFreePorts();
      const dataRoot = tempRoot('cf-world-native-');
      nativeRoots.push(dataRoot);
      await nativeUp({ dataRoot, settings, catalog: loadCatalog(), seed: false });
      return settings;
    },
    async close() {
      for (const dataRoot of nativeRoots) await nativeDown({ dataRoot }).catch(() => undefined);
      await azurite.stop();
      await bicep.dispose();
      for (const dir of [...temps, ...nativeRoots]) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * An emulator in this process. `ci`: the real bootstrap, and deploys as the CI identity (the pipeline);
 * otherwise only what a deploy needs of a bootstrapped subscription (providers, NetworkWatcherRG),
 * deploying as the owner — for worlds the bootstrap's writes would only slow down (latency, faults).
 * `bare`: nothing set up (a subscription that was not bootstrapped).
 */
export async function startEmulatorWorld(services: Services, options: Partial<EmulatorOptions> = {}, { ci = false, bare = false } = {}): Promise<EmulatorWorld> {
  const emulator = await startEmulator({ stateDir: await services.tempDir('cf-world-emu-'), port: 0, latency: { defaultMs: 0 }, expander: bicepExpander(async () => services.bicep), ...options });
  const target = { kind: 'emulator' as const, subscriptionId: emulator.subscriptionId, endpoint: emulator.endpoint, caPem: emulator.caPem };
  const clients = createArmClients(target, { retryOptions });
  let principalId = defaultEmulatorPrincipalId;
  let deployClients = clients;
  if (ci) {
    const prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId: emulator.subscriptionId }), await deploymentShapes());
    await runBootstrap(prepared, { subscriptionId: emulator.subscriptionId, target, dryRun: false, renderer: 'silent', print: () => {}, pollIntervalMs: 20 });
    principalId = emulatorCiPrincipalId;
    deployClients = createArmClients({ ...target, principalId }, { retryOptions });
  } else if (!bare) {
    for (const ns of requiredNamespaces((await snapshotTypes('westeu-test-1')) as never)) await clients.resources.providers.register(ns);
    await clients.resources.resourceGroups.createOrUpdate('NetworkWatcherRG', { location: 'westeurope' });
  }
  const session = (): ArmSession => ({ clients: deployClients, where: `the ARM emulator at ${emulator.endpoint}`, emulator: true, principalId, close: async () => {} });
  return { emulator, clients, principalId, deployClients, session, close: () => emulator.close() };
}

/** `deploy <deployment> --emulator --yes` through the pipeline, into `world`, capturing what it prints. */
export interface DeployOptions extends Partial<DeployRequest> {
  runsDir?: string;
  /** How long the deploy waits for another run's lock (default: not at all). */
  lockWaitMs?: number;
  /** The progress lines as in CI (default) or in GitHub Actions. */
  progressMode?: 'plain' | 'github';
}

/** Plain (or GitHub Actions) progress whose every line, print() included, is collected in `lines`. */
export function capturingProgress(mode: 'plain' | 'github' = 'plain'): { progress: ReturnType<typeof createProgress>; lines: string[] } {
  const lines: string[] = [];
  const write = (line: string): void => void lines.push(line);
  const progress = createProgress(mode, {}, write);
  // print() writes to stdout: capture it too, to check what a person would see.
  progress.print = write;
  return { progress, lines };
}

export async function deployInto(services: Services, world: EmulatorWorld, deployment: string, options: DeployOptions = {}): Promise<CapturedDeploy> {
  const { runsDir, lockWaitMs, progressMode, ...request } = options;
  const { progress, lines } = capturingProgress(progressMode);
  const result = await runDeploy(
    { deployment, command: `deploy ${deployment} --emulator --yes`, yes: true, allowDelete: false, format: 'text', ...request },
    {
      bicep: services.bicep,
      openArm: async () => world.session(),
      openLockStore: async () => services.azurite.lockStore(),
      progress,
      runsDir: runsDir ?? (await services.tempDir('cf-world-runs-')),
      poll: { updateIntervalInMs: 10 },
      ...(lockWaitMs === undefined ? {} : { lockWaitMs }),
    },
  );
  return { ...result, lines };
}

/** The run report's files (report.json, .md, .txt) as one text. */
export async function reportTexts(dir: string): Promise<string> {
  const files = (await readdir(dir)).sort();
  return (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('\n');
}

/**
 * Registers a file's (or describe block's) `before` and `after` hooks that start the shared services and a
 * default emulator world and close both; the returned object is filled once `before` has run.
 */
export function emulatorWorldHooks(): { shared: Services; world: EmulatorWorld } {
  const started = {} as { shared: Services; world: EmulatorWorld };
  before(async () => {
    started.shared = await startServices();
    started.world = await startEmulatorWorld(started.shared);
  });
  after(async () => {
    await started.world?.close();
    await started.shared?.close();
  });
  return started;
}

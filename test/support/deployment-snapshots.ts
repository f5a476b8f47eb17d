// Offline snapshots of bicep/main.bicep for real deployments of the registry, made once per test
// process (the tier tests share them): parameters from the orchestrator's own code, the snapshot from
// the real Bicep CLI.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openBicep, type Bicep, type Snapshot, type SnapshotMetadata } from '@complianceflow/core/bicep/index.ts';
import { mainParameters, type MainParameters } from '@complianceflow/cli/config/parameters.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { loadRegistry, resolveDeployment } from '@complianceflow/cli/config/registry.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { writeParametersFile } from '@complianceflow/core/bicep/parameters-file.ts';

export const subscriptionId = '00000000-0000-0000-0000-000000000000';
export const mainTemplate = path.join(repoRoot, 'bicep', 'main.bicep');

export type Resource = {
  id: string;
  type: string;
  name: string;
  location?: string;
  tags?: Record<string, string>;
  kind?: string;
  sku?: Record<string, unknown>;
  properties?: Record<string, any>;
};

export interface DeploymentSnapshot {
  parameters: MainParameters;
  resources: Resource[];
  outputs: Record<string, unknown>;
  /** The snapshot as text, for "appears nowhere" checks. */
  text: string;
}

// One warm `bicep jsonrpc` process for every snapshot of the test run (the first compile in a
// process is the slow part), closed after the last test.
let sharedSession: Promise<Bicep> | undefined;

export function sharedBicep(): Promise<Bicep> {
  sharedSession ??= openBicep();
  return sharedSession;
}

export async function closeSharedBicep(): Promise<void> {
  const session = sharedSession;
  sharedSession = undefined;
  if (session !== undefined) await (await session).dispose();
}

// Registered on mocha's root suite when a test file imports this module.
if (typeof after === 'function') after(closeSharedBicep);

/** Snapshots a template with the given parameters (written as a .bicepparam in a scratch directory). */
export async function snapshotTemplate(template: string, parameters: Record<string, JsonValue>, metadata: SnapshotMetadata): Promise<Snapshot> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cf-tier-snapshot-'));
  try {
    const paramsFile = path.join(dir, 'test.bicepparam');
    await writeParametersFile(template, paramsFile, parameters, 'tier test');
    return await (await sharedBicep()).snapshot(paramsFile, metadata);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Snapshots main.bicep with the given parameters. */
export function snapshotMain(parameters: MainParameters, location: string): Promise<Snapshot> {
  return snapshotTemplate(mainTemplate, parameters as unknown as Record<string, JsonValue>, { subscriptionId, location });
}

export function parametersOf(deployment: string): MainParameters {
  return mainParameters(resolveDeployment(loadRegistry(), deployment));
}

const cache = new Map<string, Promise<DeploymentSnapshot>>();

/** The snapshot of one deployment of the registry, made once per process. */
export function deploymentSnapshot(deployment: string): Promise<DeploymentSnapshot> {
  let pending = cache.get(deployment);
  if (pending === undefined) {
    pending = (async () => {
      const parameters = parametersOf(deployment);
      const snapshot = await snapshotMain(parameters, parameters.location);
      return {
        parameters,
        resources: snapshot.predictedResources as Resource[],
        outputs: snapshot.outputs,
        text: JSON.stringify(snapshot),
      };
    })();
    cache.set(deployment, pending);
  }
  return pending;
}

export function ofType(snapshot: DeploymentSnapshot, type: string): Resource[] {
  return snapshot.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The one resource of a type with a name; fails with the names that do exist. */
export function single(snapshot: DeploymentSnapshot, type: string, name: string): Resource {
  const candidates = ofType(snapshot, type);
  const found = candidates.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}; ${type} names: ${candidates.map((r) => r.name).join(', ') || 'none'}`);
  return found[0]!;
}

/** The diagnostic settings applied to a resource (extension resources under its id). */
export function diagnosticSettingsOf(snapshot: DeploymentSnapshot, resourceId: string): Resource[] {
  const prefix = `${resourceId}/providers/Microsoft.Insights/diagnosticSettings/`.toLowerCase();
  return ofType(snapshot, 'Microsoft.Insights/diagnosticSettings').filter((r) => r.id.toLowerCase().startsWith(prefix));
}

export function resourceGroupId(resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

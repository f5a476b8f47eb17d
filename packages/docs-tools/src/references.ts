// Each environment's reference deployment and its golden snapshot: what the platform tables show.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedDeployment } from '@complianceflow/cli/config/registry.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';

/** Region whose deployments the snapshot tests take as each environment's reference. */
const referenceRegionCode = 'westeu';

export interface Reference {
  environment: string;
  deployment: ResolvedDeployment;
}

/** Per environment (sorted), its reference deployment: the lowest instance in the reference region, else the first by name. */
export function referenceDeployments(registry: Registry, deployments: ResolvedDeployment[]): Reference[] {
  return Object.keys(registry.profiles).sort().flatMap((environment) => {
    const candidates = deployments
      .filter((d) => d.environment === environment)
      .sort((a, b) => Number(a.regionCode !== referenceRegionCode) - Number(b.regionCode !== referenceRegionCode) || a.instance - b.instance || a.name.localeCompare(b.name));
    return candidates[0] === undefined ? [] : [{ environment, deployment: candidates[0] }];
  });
}

export function snapshotOf(root: string, deployment: string): ArmResource[] {
  const file = path.join(root, 'deployments', 'snapshots', `${deployment}.json`);
  if (!existsSync(file)) throw new ConfigError([`deployments/snapshots/${deployment}.json: missing; the docs read the reference deployment's golden snapshot (regenerate the snapshots)`]);
  return (JSON.parse(readFileSync(file, 'utf8')) as { resources: ArmResource[] }).resources;
}

export const lastSegment = (id: string) => id.split('/').at(-1) ?? id;
export const code = (text: string) => `\`${text}\``;
export const yesNo = (value: boolean) => (value ? 'yes' : 'no');

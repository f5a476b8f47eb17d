// `cf-infra list --registry`: the registry's deployments offline, only what deployments/*.yaml says
// (what rollout.yml's rings are made of); no Azure and no lock store, so none of their SDKs load.
import { loadRegistry, resolveAll, type ResolvedDeployment } from '../config/registry.ts';
import type { Registry } from '../config/types.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';

/** What --registry prints: the registry's own facts about a deployment, no Azure. */
export interface RegistryRow {
  deployment: string;
  environment: string;
  location: string;
}

/** The registry's deployments, of one environment when it is given (bad input: an environment with no profile). */
export function deploymentsOf(registry: Registry, environment: string | undefined): ResolvedDeployment[] {
  const environments = Object.keys(registry.profiles).sort();
  if (environment !== undefined && !environments.includes(environment)) {
    throw new UsageError(`list: --environment ${JSON.stringify(environment)} is not an environment of the registry; allowed: ${environments.join(', ')} (deployments/profiles/<env>.yaml)`);
  }
  return resolveAll(registry).filter((d) => environment === undefined || d.environment === environment);
}

export function listRegistry(values: { environment?: string | undefined; json: boolean }): number {
  const rows: RegistryRow[] = deploymentsOf(loadRegistry(), values.environment).map((d) => ({ deployment: d.name, environment: d.environment, location: d.location }));
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else for (const line of alignColumns([['DEPLOYMENT', 'ENV', 'LOCATION'], ...rows.map((r) => [r.deployment, r.environment, r.location])])) console.log(line.trimEnd());
  return ExitCode.Success;
}

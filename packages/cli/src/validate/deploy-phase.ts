// `validate` as the deploy pipeline's last phase: the ARM-level checks on the stack just applied and
// "consumer groups exist" (ARM); against Azure the data checks run as the validation job inside the
// VNet (job/in-command.ts). Against the emulator they need the local environment (cf-infra validate
// --emulator); there they are skipped with that reason.
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { loadRegistry } from '../config/registry.ts';
import { resolveDeployment } from '../config/resolve.ts';
import type { Catalog } from '../config/types.ts';
import { validateManagedResources, type ValidationResult } from './managed-resources.ts';
import type { ArmContext } from './arm-checks.ts';
import { runSuiteWithJob } from './job/in-command.ts';
import type { CheckResult } from './model.ts';
import { runChecks } from './runner.ts';
import { buildSuite } from './suite.ts';
import { redisPolicyName } from './targets.ts';

export interface DeployValidation {
  /** Every managed resource Succeeded (kept as the report's `validation`). */
  managed: ValidationResult;
  checks: CheckResult[];
}

export function localDataChecksReason(deployment: string): string {
  return `deploy runs the ARM-level checks only; for PostgreSQL and Redis run cf-infra validate ${deployment} --emulator with the local environment up (npm run local:up -- --native)`;
}

export function azureDataChecksReason(deployment: string): string {
  return `the data services have no public endpoint: run cf-infra validate ${deployment} --from-here from a caller inside the VNet (e.g. a self-hosted runner)`;
}

/** Pure: the catalogue and Redis eviction policy the stack was deployed with (its parameters), where it has them. */
export function deployedInputs(stack: DeploymentStack): { catalog?: Catalog; evictionPolicy?: string } {
  const parameters = (stack.properties?.parameters ?? {}) as Record<string, { value?: unknown } | undefined>;
  const catalog = parameters.catalog?.value as Catalog | undefined;
  const evictionPolicy = (parameters.redis?.value as { evictionPolicy?: unknown } | undefined)?.evictionPolicy;
  return {
    // A stack deployed before the catalogue had protocols: this checkout's catalogue stands in.
    ...(Array.isArray(catalog?.services) && Array.isArray(catalog?.eventHubs) && typeof catalog?.protocols === 'object' && catalog.protocols !== null ? { catalog } : {}),
    ...(typeof evictionPolicy === 'string' ? { evictionPolicy } : {}),
  };
}

export async function validateAfterDeploy(context: Omit<ArmContext, 'managed'>, deployment: string, update: (detail: string) => void): Promise<DeployValidation> {
  const resolved = resolveDeployment(loadRegistry(), deployment);
  // Compare with what was just deployed (a deploy may run from another registry root than this checkout's).
  const deployed = deployedInputs(context.stack);
  const managed = validateManagedResources(context.clients, context.stack, context.apiVersions, update);
  const suite = buildSuite({
    data: { kind: 'elsewhere', reason: context.emulator ? localDataChecksReason(deployment) : azureDataChecksReason(deployment) },
    arm: { kind: 'stack', context: { ...context, managed } },
    catalog: deployed.catalog ?? resolved.catalog,
    expectedEvictionPolicy: redisPolicyName(deployed.evictionPolicy ?? resolved.settings.redis.evictionPolicy),
  });
  const onResult = (r: CheckResult): void => update(`${r.name}: ${r.status}`);
  const { results } = context.emulator
    ? { results: await runChecks(suite.checks, { secrets: suite.secrets, onResult }) }
    : await runSuiteWithJob(suite, { deployment, resolved, stack: context.stack, clients: context.clients, emulator: false, log: update, onResult });
  return { managed: await managed, checks: results };
}

// `validate` as the deploy pipeline's last phase: the ARM-level checks on the stack just applied.
// The data checks need the local environment (cf-infra validate --emulator) or a caller inside the
// VNet (the in-VNet job is not implemented yet), so here they are skipped with the reason.
import { validateManagedResources, type ValidationResult } from '../deploy/arm-phases.ts';
import { armChecks, type ArmContext } from './arm-checks.ts';
import type { CheckResult } from './model.ts';
import { runChecks } from './runner.ts';
import { serviceChecks } from './service-checks.ts';
import { azureDataChecks, inVnetJobMissing } from './suite.ts';

export interface DeployValidation {
  /** Every managed resource Succeeded (kept as the report's `validation`). */
  managed: ValidationResult;
  checks: CheckResult[];
}

export function localDataChecksReason(deployment: string): string {
  return `deploy runs the ARM-level checks only; for PostgreSQL and Redis run cf-infra validate ${deployment} --emulator with the local environment up (npm run local:up -- --native)`;
}

export async function validateAfterDeploy(context: Omit<ArmContext, 'managed'>, deployment: string, update: (detail: string) => void): Promise<DeployValidation> {
  const managed = validateManagedResources(context.clients, context.stack, context.apiVersions, update);
  const checks = [
    ...armChecks({ ...context, managed }),
    ...azureDataChecks(context.emulator ? localDataChecksReason(deployment) : inVnetJobMissing),
    ...serviceChecks(context.emulator ? 'emulator' : 'azure'),
  ];
  const results = await runChecks(checks, { onResult: (r) => update(`${r.name}: ${r.status}`) });
  return { managed: await managed, checks: results };
}

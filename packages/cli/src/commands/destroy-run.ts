// The heavy half of `cf-infra destroy` (destroy.ts reads the flags): the deployment resolved, the
// prod and confirmation rules, then the destroy steps under the deployment's lock.
import { destroySteps, newDestroyContext } from '../deploy/destroy-pipeline.ts';
import { signalExitCode, watchInterrupts } from '../runner/interrupt.ts';
import { runSteps } from '../runner/run-steps.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { createProgress, rendererFor } from '../runner/progress.ts';
import { askForText, checkTargetFlags, commandServices, isInteractive, type TargetFlags } from '../deploy/services.ts';
import { UsageError } from '@complianceflow/core/errors.ts';

export interface DestroyValues extends TargetFlags {
  confirm?: string | undefined;
  'allow-prod': boolean;
  stackWaitMs: number;
  lockWaitMs: number;
}

export async function destroyDeployment(deployment: string, args: string[], values: DestroyValues): Promise<number> {
  const flags = checkTargetFlags(values);
  const target = resolveTarget(deployment);
  if (target.environment === 'prod' && !values['allow-prod']) throw new UsageError(`destroy: ${deployment} is a prod deployment: pass --allow-prod as well to delete it`);
  if (values.confirm !== undefined && values.confirm !== deployment) throw new UsageError(`destroy: --confirm "${values.confirm}" does not match the deployment name "${deployment}"; nothing was deleted`);
  if (values.confirm === undefined && !isInteractive()) throw new UsageError(`destroy: no terminal to confirm on: pass --confirm ${deployment}`);

  const services = commandServices(flags);
  const interrupts = watchInterrupts();
  const ctx = newDestroyContext(
    { deployment, command: ['destroy', ...args].join(' '), target, confirmed: values.confirm !== undefined, stackWaitMs: values.stackWaitMs, lockWaitMs: values.lockWaitMs },
    services,
    askForText,
  );
  try {
    await runSteps(destroySteps, ctx, { progress: createProgress(rendererFor('text').mode), interrupts });
    if (ctx.interrupted !== undefined) return signalExitCode(ctx.interrupted);
    if (ctx.run.failure !== undefined) throw ctx.run.failure;
    return ctx.exitCode;
  } finally {
    await services.close();
    interrupts.finish();
  }
}

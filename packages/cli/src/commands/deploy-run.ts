// deploy and rollback once their flags are parsed (deploy.ts, rollback.ts): every flag checked
// before anything starts, then the deploy pipeline with the command's services.
import path from 'node:path';
import type { PrestartedBicep } from '@complianceflow/core/bicep/prestart.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { colourOn } from '@complianceflow/core/text/style.ts';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { runDeploy } from '../deploy/pipeline.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { loadDeploySource, type SourceChoice } from '../deploy/run-source.ts';
import { askOnTerminal, checkTargetFlags, commandServices, isInteractive } from '../deploy/services.ts';
import { loadSettings } from '../local/settings.ts';
import { defaultRunsDir } from '../report/store.ts';
import { appendGithubOutput, githubOutputFile } from '../runner/github-output.ts';
import { watchInterrupts } from '../runner/interrupt.ts';
import { createProgress, rendererFor } from '../runner/progress.ts';
import { parseFormat, parseWaitSeconds, type DeployValues } from './deploy-options.ts';

/**
 * A deploy from parsed options: every flag checked before anything starts; `choice`: a stored run's
 * template (run-source.ts); `prestarted`: Bicep started early (deploy.ts), adopted on first use.
 */
export async function deployWith(command: 'deploy' | 'rollback', deployment: string, args: string[], values: DeployValues, choice: SourceChoice | undefined, prestarted?: PrestartedBicep): Promise<number> {
  const format = parseFormat(values.format, command);
  const stackWaitMs = parseWaitSeconds(values['stack-wait'], '--stack-wait', command, defaultStackWaitSeconds);
  const lockWaitMs = parseWaitSeconds(values['lock-wait'], '--lock-wait', command, 0);
  const flags = checkTargetFlags(values);
  const localEnv = values['local-env'] || values['env-path'] !== undefined;
  if (localEnv && !values.emulator) throw new UsageError(`${command}: ${values['env-path'] === undefined ? '--local-env' : '--env-path'} is for --emulator (on Azure the database step runs in the validation job, inside the VNet)`);
  if (localEnv) loadSettings(values['env-path']); // a missing or broken settings file stops here, before anything starts
  const interactive = isInteractive();
  if (!values.yes && !interactive) throw new UsageError(`${command}: no terminal to confirm on: pass --yes to deploy without a prompt`);
  const outputFile = values['github-output'] ? githubOutputFile(command) : undefined;
  resolveTarget(deployment); // bad names and a broken registry stop here, before anything starts

  const services = commandServices(flags, prestarted);
  const renderer = rendererFor(format);
  const interrupts = watchInterrupts();
  try {
    // A run that cannot be deployed again is refused here, before the plan, the lock or ARM.
    const source = choice === undefined ? undefined : await loadDeploySource(deployment, choice, { runsDir: defaultRunsDir, store: await services.openLockStore() });
    const result = await runDeploy(
      { deployment, command: [command, ...args].join(' '), yes: values.yes, allowDelete: values['allow-delete'], format, ...(source === undefined ? {} : { source }) },
      {
        bicep: await services.bicep(),
        openArm: services.openArm,
        openLockStore: services.openLockStore,
        progress: createProgress(renderer.mode, process.env, renderer.write),
        ...(interactive ? { confirm: askOnTerminal } : {}),
        color: colourOn(process.stdout),
        ...(localEnv ? { localEnvironment: values['env-path'] === undefined ? {} : { envPath: path.resolve(values['env-path']) } } : {}),
        interrupts,
        stackWaitMs,
        lockWaitMs,
      },
    );
    if (outputFile !== undefined && result.report !== undefined) appendGithubOutput(outputFile, [['run-id', result.report.runId], ['outcome', result.report.outcome]]);
    return result.exitCode;
  } finally {
    await services.close();
    // Interrupted: the lock is released and the report written; end by the signal itself.
    interrupts.finish();
  }
}

// `cf-infra deploy <deployment>`: the deploy pipeline (deploy/pipeline.ts) with services from the flags.
import path from 'node:path';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { watchInterrupts } from '../runner/interrupt.ts';
import { asOptionHelp } from '../arm/identities.ts';
import { runDeploy, type OutputFormat } from '../deploy/pipeline.ts';
import { createProgress, rendererFor } from '../runner/progress.ts';
import { askOnTerminal, checkTargetFlags, commandServices, isInteractive } from '../deploy/services.ts';
import { resolveTarget } from '../deploy/preflight.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { colourOn } from '@complianceflow/core/text/style.ts';
import { loadSettings } from '../local/settings.ts';
import { defaultRunsDir } from '../report/store.ts';
import { checkRunId, loadDeploySource, type SourceChoice } from '../deploy/run-source.ts';
import { appendGithubOutput, githubOutputFile } from '../runner/github-output.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';


const help = `Usage: cf-infra deploy <deployment> [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run deploy -- <deployment> [options])

Offline plan (config, compile + lint, snapshot, policy, cost vs budget) → the deployment's lock →
prerequisites (subscription, providers, bootstrap) → what-if → confirmation → create/update the
deployment stack cf-<deployment> → wait → secrets (every missing generated post-deploy secret
written to the deployment's Key Vault, never overwritten) → databases (sql/service.sql per service
with its Key Vault password, run by the in-VNet validation job; idempotent) → validation (ARM-level checks; against
Azure the data checks in the in-VNet validation job, CF_VALIDATE_JOB=skip before its image exists)
→ noise check (what-if once more: what it still shows is reported as candidate rules for
deployments/what-if-rules.yaml) → unlock → run report in .runs/<deployment>/<run-id>/ (also uploaded
next to the lock); a successful run keeps its compiled template and parameters there too
(template.json, parameters.json; secure values never stored), for --template-from-run and cf-infra rollback.

Options:
  --emulator             the local ARM emulator (a running one, else one started for this command)
                         and the local lock store (cf-infra local lockstore start; it must be running)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID); the lock lives in
                         $CF_ARTIFACTS_ACCOUNT_URL (created by cf-infra bootstrap)
  --local-env            with --emulator: the database step runs against the local native
                         environment's PostgreSQL (npm run local:up -- --native first); without it
                         the step is skipped, saying so (the emulator holds no server)
  --env-path <file>      that environment's settings (default local/.env over local/.env.example);
                         implies --local-env
${asOptionHelp()}
  --yes                  deploy without asking (required when there is no terminal)
  --allow-delete         prod: allow a run that deletes or detaches resources
  --format <f>           text (default), markdown or json (the run report)
  --lock-wait <s>        when another run holds the deployment's lock, wait at most <s> seconds
                         for it to be released or to expire (default 0: exit 3 at once)
  --stack-wait <s>       when the stack is still running another operation, wait for it at most
                         <s> seconds (default ${defaultStackWaitSeconds}; 0: do not wait)
  --template-from-run <run-id>
                         deploy exactly the template a successful run kept (of this or another
                         deployment, e.g. the one tested in westeu-test-1) with this deployment's own
                         parameters; found in .runs/*/<run-id>/, else in the artifacts account. Refused
                         (exit 2, nothing deployed): a run that does not exist, did not succeed, kept
                         no template, or belongs to another project
  --github-output        append run-id=<id> and outcome=<outcome> to $GITHUB_OUTPUT (GitHub Actions)
  -h, --help

Exit codes: 0 deployed (or nothing to change), 1 failed (also a policy deny or an estimate over
budget, before anything is touched), 2 bad input (nothing touched), 3 locked by another run,
130/143 interrupted by SIGINT/SIGTERM (one line says what ARM is left doing; lock released, run
report written with the outcome "interrupted").`;

const formats = ['text', 'markdown', 'json'];

export function parseFormat(value: string | undefined, command: string): OutputFormat {
  const format = value ?? 'text';
  if (!formats.includes(format)) throw new UsageError(`${command}: --format "${format}" is not one of ${formats.join(', ')}`);
  return format as OutputFormat;
}

/** --stack-wait / --lock-wait <seconds>: a whole number, 0 to 86400; in ms. */
export function parseWaitSeconds(value: string | undefined, option: string, command: string, defaultSeconds: number): number {
  if (value === undefined) return defaultSeconds * 1000;
  if (!/^\d+$/.test(value) || Number(value) > 86_400) throw new UsageError(`${command}: ${option} "${value}" is not a number of seconds from 0 to 86400`);
  return Number(value) * 1000;
}

/** The options deploy and rollback share. */
export const deployOptions = {
  ...targetOptions,
  yes: { type: 'boolean', short: 'y', default: false },
  'allow-delete': { type: 'boolean', default: false },
  format: { type: 'string' },
  'env-path': { type: 'string' },
  'local-env': { type: 'boolean', default: false },
  'stack-wait': { type: 'string' },
  'lock-wait': { type: 'string' },
  'github-output': { type: 'boolean', default: false },
} as const;

type DeployValues = Exclude<ReturnType<typeof parseCommandArgs<typeof deployOptions>>, { help: true }>['values'];

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('deploy', args, { help, positionals: deploymentPositional, options: { ...deployOptions, 'template-from-run': { type: 'string' } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const runId = values['template-from-run'];
  if (runId !== undefined) checkRunId(runId, '--template-from-run', 'deploy');
  return deployWith('deploy', positionals[0]!, args, values, runId === undefined ? undefined : { kind: 'template-from-run', runId });
}

/** A deploy from parsed options: every flag checked before anything starts; `choice`: a stored run's template (run-source.ts). */
export async function deployWith(command: 'deploy' | 'rollback', deployment: string, args: string[], values: DeployValues, choice: SourceChoice | undefined): Promise<number> {
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

  const services = commandServices(flags);
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

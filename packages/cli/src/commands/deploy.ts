// `cf-infra deploy <deployment>`: the deploy pipeline (deploy/pipeline.ts) with services from the flags.
// Only light modules here: when the compile is not cached, Bicep's jsonrpc process starts first and
// its .NET start-up overlaps loading the pipeline (deploy-run.ts) and reading the config.
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { asOptionHelp } from '../arm/identities.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { checkRunId } from '../deploy/run-source.ts';
import { withBicepStartedEarly } from '../plan/bicep-early.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';
import { deployOptions } from './deploy-options.ts';

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

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('deploy', args, { help, positionals: deploymentPositional, options: { ...deployOptions, 'template-from-run': { type: 'string' } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const runId = values['template-from-run'];
  if (runId !== undefined) checkRunId(runId, '--template-from-run', 'deploy');
  // Bicep starts before the pipeline loads, unless the compile is cached or a stored template is deployed.
  return withBicepStartedEarly(runId === undefined ? true : undefined, async (prestarted) => {
    const { deployWith } = await import('./deploy-run.ts');
    return deployWith('deploy', positionals[0]!, args, values, runId === undefined ? undefined : { kind: 'template-from-run', runId }, prestarted);
  });
}

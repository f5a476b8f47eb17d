// `cf-infra rollback <deployment> [--to <run-id>]`: the deployment's last good run deployed again —
// its kept template and parameters — through the same pipeline as any deploy (deploy-run.ts deployWith).
import { asOptionHelp } from '../arm/identities.ts';
import { defaultStackWaitSeconds } from '../arm/stack-operations.ts';
import { checkRunId } from '../deploy/run-source.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';
import { deployOptions } from './deploy-options.ts';

const help = `Usage: cf-infra rollback <deployment> [--to <run-id>] [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run rollback -- <deployment> [options])

Deploys the deployment's last successful run again: the compiled template and the parameters that
run kept (template.json, parameters.json in .runs/<deployment>/<run-id>/, else in the artifacts
account), secure values supplied as any deploy supplies them (never stored), the stack's outputs fed
back as on any deploy. The run: the newest successful one before the current state (the newest run
whose stack apply ran); when that run succeeded, the newest before it whose template or parameters
differ. The same plan (snapshot, policy, cost of that template), lock, what-if, confirmation and
run report as cf-infra deploy; the report names the run rolled back to.

Refused (exit 2, nothing deployed): no such run, a run of another deployment, one that did not
succeed, kept no template (runs from before templates were kept), or belongs to another project.

Options:
  --to <run-id>          the run to go back to (a run of this deployment) instead of the last good one
  --emulator             the local ARM emulator and the local lock store
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID); runs and the lock in
                         $CF_ARTIFACTS_ACCOUNT_URL
${asOptionHelp()}
  --yes                  deploy without asking (required when there is no terminal)
  --allow-delete         prod: allow a run that deletes or detaches resources
  --format <f>           text (default), markdown or json (the run report)
  --local-env, --env-path <file>
                         as for cf-infra deploy (the database step against the local environment)
  --lock-wait <s>        wait at most <s> seconds for another run's lock (default 0)
  --stack-wait <s>       wait at most <s> seconds for another stack operation (default ${defaultStackWaitSeconds})
  --github-output        append run-id=<id> and outcome=<outcome> to $GITHUB_OUTPUT (GitHub Actions)
  -h, --help

Exit codes: as cf-infra deploy (0 deployed or nothing to change, 1 failed, 2 bad input or a run
refused, 3 locked, 130/143 interrupted).`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('rollback', args, { help, positionals: deploymentPositional, options: { ...deployOptions, to: { type: 'string' } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  if (values.to !== undefined) checkRunId(values.to, '--to', 'rollback');
  // The pipeline loads only now: --help and a bad run id are answered without it.
  const { deployWith } = await import('./deploy-run.ts');
  return deployWith('rollback', positionals[0]!, args, values, { kind: 'rollback', ...(values.to === undefined ? {} : { to: values.to }) });
}

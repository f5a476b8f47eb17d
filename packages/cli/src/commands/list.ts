// `cf-infra list`: every deployment in the registry with its stack state, last run, who ran it and
// whether it is locked now. Light: the registry (list-registry.ts), and ARM and the lock store
// (list-run.ts) load once the flags are read.
import { asOptionHelp } from '../arm/identities.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { helpHint, parseCommandArgs, targetOptions } from './args.ts';

const help = `Usage: cf-infra list [--emulator [--as <identity>] | --subscription <id>] [--environment <env>] [--registry] [--json]     (npm run list -- [options])

For every deployment in deployments/: the state of its stack cf-<deployment>, its last run (the
newest run report, local or uploaded next to the lock), who ran it, and whether it is locked now.

Options:
  --emulator             the local ARM emulator and Azurite
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --environment <env>    only the deployments of this environment (a profile in deployments/profiles/)
  --registry             offline: only what deployments/*.yaml says (name, environment, location),
                         no Azure, no lock store (what the rollout workflow's rings are made of)
  --json                 machine-readable
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const options = { ...targetOptions, environment: { type: 'string' }, registry: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } as const;
  const parsed = parseCommandArgs('list', args, { help, options });
  if (parsed.help) return ExitCode.Success;
  const { values } = parsed;
  if (values.registry && (values.emulator || values.subscription !== undefined || values.as !== undefined)) {
    throw new UsageError('list: --registry reads only deployments/*.yaml; it takes no --emulator, --subscription or --as', helpHint('list'));
  }
  if (values.registry) return (await import('./list-registry.ts')).listRegistry(values);
  const { listDeployments } = await import('./list-run.ts');
  return listDeployments(values);
}

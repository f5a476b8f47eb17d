// `cf-infra secrets <deployment>`: the post-deploy secrets of the deployment's vault, as the deploy's
// `secrets` phase writes them (create the missing generated ones, never overwrite), e.g. from inside
// the VNet after a deploy from outside it; `--check` only lists which expected secrets exist and
// which are missing, disabled, expired or soft-deleted. Names only: a value is never read or printed.
// Light: the vault, the lock and ARM load from secrets-run.ts once the flags are read.
import { asOptionHelp } from '../arm/identities.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';

const help = `Usage: cf-infra secrets <deployment> [--emulator [--as <identity>] | --subscription <id>] [--check] [--json]     (npm run secrets -- <deployment>)

Without --check: writes every generated post-deploy secret that is missing from the deployment's
vault (as the deploy's secrets phase does; takes the deployment lock), never overwrites one, and lists
operator secrets that are missing with how to set them. A new postgresql-admin-password is also set
on the PostgreSQL server (so the vault holds the password in use). Needs Key Vault Secrets Officer on the vault
and a route to it (inside the VNet).
--check: lists every expected secret (template-written, generated, operator) with its state; exit 1
when a template-written or generated one is not ok. Never reads a value.

Options:
  --emulator             the local ARM emulator (its vault data plane)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --check                list only, change nothing
  --json                 machine-readable
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('secrets', args, { help, positionals: deploymentPositional, options: { ...targetOptions, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const { secretsOf } = await import('./secrets-run.ts');
  return secretsOf(positionals[0]!, values);
}

// `cf-infra pause|resume <deployment>`: stop / start the deployment's PostgreSQL flexible server to
// save cost outside working hours. Non-prod only: prod is refused before any request. Light: the
// registry and the ARM clients load from pause-run.ts once the flags are read.
import { asOptionHelp, parseEmulatorIdentity } from '../arm/identities.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';
import type { PowerVerb } from './pause-run.ts';

/** The server's action (POST …/<action>) per verb. */
const powerAction = { pause: 'stop', resume: 'start' } as const;

function help(verb: PowerVerb): string {
  return `Usage: cf-infra ${verb} <deployment> --subscription <id> [--emulator [--as <identity>]]     (npm run ${verb} -- <deployment> ...)

${verb === 'pause' ? 'Stops' : 'Starts'} the PostgreSQL flexible server of a non-prod deployment (POST .../${powerAction[verb]}, long-running).
Refused for prod deployments. Azure starts a stopped server again by itself after 7 days.

Options:
  --subscription <id>  the subscription (default $AZURE_SUBSCRIPTION_ID)
  --emulator           against the local ARM emulator
${asOptionHelp(23)}
  -h, --help`;
}

export async function runPower(verb: PowerVerb, args: string[]): Promise<number> {
  const parsed = parseCommandArgs(verb, args, {
    help: help(verb),
    positionals: { ...deploymentPositional, hint: `e.g. cf-infra ${verb} westeu-test-1` },
    options: { subscription: { type: 'string' }, emulator: { type: 'boolean', default: false }, as: { type: 'string' } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const identity = parseEmulatorIdentity(values.as, values.emulator);
  const { setServerPower } = await import('./pause-run.ts');
  return setServerPower(verb, powerAction[verb], positionals[0]!, { subscription: values.subscription, emulator: values.emulator, identity });
}

export const run = (args: string[]): Promise<number> => runPower('pause', args);

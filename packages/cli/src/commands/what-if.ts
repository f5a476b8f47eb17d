// `cf-infra what-if <deployment>`: what a deploy would change, without a lock and without writing.
import { asOptionHelp } from '../arm/identities.ts';
import { armStackProvider } from '../arm/stack-provider.ts';
import { renderWhatIf } from '../deploy/pipeline.ts';
import { deployShape, resolveTarget, runPreflight } from '../deploy/preflight.ts';
import { createProgress, progressModeFor } from '../runner/progress.ts';
import { checkTargetFlags, commandServices } from '../deploy/services.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { colourOn } from '@complianceflow/core/text/style.ts';
import { hasChanges } from '../whatif/index.ts';
import { describeExpired, loadNoiseRules } from '../config/what-if-rules.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';
import { parseFormat } from './deploy.ts';


const help = `Usage: cf-infra what-if <deployment> [--emulator [--as <identity>] | --subscription <id>] [options]     (npm run what-if -- <deployment> [options])

Runs the offline plan, then asks ARM what deploying it would change: the stack what-if of
cf-<deployment> (api 2025-07-01) where ARM offers it, else a subscription deployment what-if of the
compiled template plus the deletions (test) or detachments (prod) of what the existing stack
manages and the code no longer has. Like the deploy, passes the existing stack's outputs back in
(containerAppsDefaultDomain), so the preview is of what the next deploy sends. Writes nothing, takes no lock.
Asks with validationLevel ProviderNoRbac: read rights and the what-if actions are enough (the
pull-request identity); the deploy's own what-if checks the deploying identity's write rights.
Property changes matched by a rule of deployments/what-if-rules.yaml (read-only and volatile
properties) are left out and counted per rule in a "Suppressed (N)" section.

Options:
  --emulator             the local ARM emulator (a running one, else one started for this command)
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --format <f>           text (default, like az), markdown (PR comment) or json
  --detailed-exitcode    exit 4 when there are changes, 0 when there are none
  -h, --help

Exit codes: 0 ok (no changes with --detailed-exitcode), 1 failed, 2 bad input, 4 changes pending.`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('what-if', args, {
    help,
    positionals: deploymentPositional,
    options: { ...targetOptions, format: { type: 'string' }, 'detailed-exitcode': { type: 'boolean', default: false } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const deployment = positionals[0]!;
  const format = parseFormat(values.format, 'what-if');
  const flags = checkTargetFlags(values);
  const target = resolveTarget(deployment);
  const noise = loadNoiseRules();

  // Progress goes to stderr: stdout carries only the what-if (for `> comment.md` or `| jq`).
  const progress = createProgress(format === 'text' ? progressModeFor(process.env, process.stderr.isTTY === true) : 'plain', process.env, (line) => console.error(line));
  const services = commandServices(flags);
  try {
    const bicep = await services.bicep();
    const preflight = await progress.phase(`${deployment}: plan (config, compile + lint, snapshot, policy, cost)`, () => runPreflight(target, bicep));
    const arm = await services.openArm();
    const model = await progress.phase(`${deployment}: what-if in ${arm.where}`, async () => {
      const stacks = armStackProvider(arm.clients);
      const existing = await stacks.state(preflight.stack.name, deployment);
      // As the deploy sends them: the stack's outputs fed back from the second deploy on.
      const { parameters } = deployShape(preflight, existing);
      return stacks.preview({ deployment, location: preflight.location, template: preflight.template, parameters, stack: preflight.stack, validationLevel: 'ProviderNoRbac', noise: noise.active }, existing);
    });
    for (const rule of noise.expired) console.error(`warning: ${describeExpired(rule)} (no longer applied; renew or delete it)`);
    console.log(renderWhatIf(model, format, `What-if: ${deployment}`, colourOn(process.stdout), true));
    return values['detailed-exitcode'] && hasChanges(model) ? ExitCode.ChangesPending : ExitCode.Success;
  } finally {
    await services.close();
  }
}

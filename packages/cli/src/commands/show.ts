// `cf-infra show <deployment>`: the deployed stack — state, outputs, managed resources with portal links.
import { asOptionHelp } from '../arm/identities.ts';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, formatOrJson, parseCommandArgs, targetOptions } from './args.ts';
import { withDeployedStack } from './deployed-stack.ts';
import { maskDeep } from '../report/mask.ts';
import { flatten } from '../whatif/format-values.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { appendGithubOutput, githubOutputFile } from '../runner/github-output.ts';
import { envLines, outputPairs } from './stack-outputs.ts';


const help = `Usage: cf-infra show <deployment> [--emulator [--as <identity>] | --subscription <id>] [--format <f>] [--github-output]     (npm run show -- <deployment>)

Options:
  --emulator             the local ARM emulator
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --format <f>           text (default), json (machine-readable) or env: the stack's non-secret
                         outputs as KEY=value lines, the key the output's path in UPPER_SNAKE_CASE
                         (containerApps.defaultDomain → CONTAINER_APPS_DEFAULT_DOMAIN, array items
                         by index: …_0_…), values quoted as in POSIX sh where needed (eval or . them);
                         outputs under a secret-looking name are left out
  --json                 the same as --format json
  --github-output        append the env pairs to $GITHUB_OUTPUT (GitHub Actions; multi-line values
                         in its delimiter form), besides printing the chosen format
  -h, --help`;

const formats = ['text', 'json', 'env'] as const;
type ShowFormat = (typeof formats)[number];

function showFormat(values: { format?: string | undefined; json: boolean }): ShowFormat {
  const format = formatOrJson('show', values) ?? 'text';
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`show: --format "${format}" is not one of ${formats.join(', ')}`);
  return format as ShowFormat;
}

export function portalLink(resourceId: string): string {
  return `https://portal.azure.com/#@/resource${resourceId}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('show', args, {
    help,
    positionals: deploymentPositional,
    options: { ...targetOptions, json: { type: 'boolean', default: false }, format: { type: 'string' }, 'github-output': { type: 'boolean', default: false } },
  });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  const format = showFormat(values);
  const outputFile = values['github-output'] ? githubOutputFile('show') : undefined;
  return withDeployedStack(positionals[0]!, values, async ({ deployment, stackName, arm, stack }) => {
    const p: NonNullable<DeploymentStack['properties']> = stack.properties ?? ({} as NonNullable<DeploymentStack['properties']>);
    const pairs = outputPairs((p.outputs ?? {}) as Record<string, unknown>);
    if (outputFile !== undefined) appendGithubOutput(outputFile, pairs);
    if (format === 'env') {
      if (pairs.length > 0) console.log(envLines(pairs).join('\n'));
      return ExitCode.Success;
    }
    const outputs = maskDeep(Object.fromEntries(Object.entries((p.outputs ?? {}) as Record<string, { value?: unknown }>).map(([k, o]) => [k, o?.value ?? o])));
    const resources = (p.resources ?? []).map((r) => ({ id: r.id ?? '', status: r.status ?? '', denyStatus: r.denyStatus ?? '', portal: portalLink(r.id ?? '') }));
    if (format === 'json') {
      console.log(JSON.stringify({ deployment, stack: stackName, id: stack.id, provisioningState: p.provisioningState, location: stack.location, actionOnUnmanage: p.actionOnUnmanage, denySettings: p.denySettings, outputs, resources }, null, 2));
      return ExitCode.Success;
    }
    const lines = [
      `${deployment}: stack ${stackName} in ${arm.where}`,
      `  state:            ${p.provisioningState ?? 'unknown'}`,
      `  location:         ${stack.location ?? '?'}`,
      `  actionOnUnmanage: resources ${p.actionOnUnmanage?.resources}, resource groups ${p.actionOnUnmanage?.resourceGroups}`,
      `  denySettings:     ${p.denySettings?.mode}`,
      `  stack:            ${portalLink(stack.id ?? '')}`,
      '',
      'Outputs:',
      ...flatten(outputs).map(([k, v]) => `  ${k}: ${v}`),
      '',
      `Managed resources (${resources.length}):`,
      ...resources.map((r) => `  ${r.id}${r.status && r.status !== 'managed' ? ` [${r.status}]` : ''}\n    ${r.portal}`),
    ];
    console.log(lines.join('\n'));
    return ExitCode.Success;
  });
}

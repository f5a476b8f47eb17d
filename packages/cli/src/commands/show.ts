// `cf-infra show <deployment>`: the deployed stack — state, outputs, managed resources with portal links.
import { asOptionHelp } from '../arm/identities.ts';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs, targetOptions } from './args.ts';
import { withDeployedStack } from './deployed-stack.ts';
import { maskDeep } from '../report/mask.ts';
import { flatten } from '../whatif/format-values.ts';


const help = `Usage: cf-infra show <deployment> [--emulator [--as <identity>] | --subscription <id>] [--json]     (npm run show -- <deployment>)

Options:
  --emulator             the local ARM emulator
  --subscription <id>    Azure subscription (default $AZURE_SUBSCRIPTION_ID)
${asOptionHelp()}
  --json                 machine-readable
  -h, --help`;

export function portalLink(resourceId: string): string {
  return `https://portal.azure.com/#@/resource${resourceId}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('show', args, { help, positionals: deploymentPositional, options: { ...targetOptions, json: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  return withDeployedStack(positionals[0]!, values, async ({ deployment, stackName, arm, stack }) => {
    const p: NonNullable<DeploymentStack['properties']> = stack.properties ?? ({} as NonNullable<DeploymentStack['properties']>);
    const outputs = maskDeep(Object.fromEntries(Object.entries((p.outputs ?? {}) as Record<string, { value?: unknown }>).map(([k, o]) => [k, o?.value ?? o])));
    const resources = (p.resources ?? []).map((r) => ({ id: r.id ?? '', status: r.status ?? '', denyStatus: r.denyStatus ?? '', portal: portalLink(r.id ?? '') }));
    if (values.json) {
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

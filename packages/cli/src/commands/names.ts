// `cf-infra names <deployment>`: every resource name the deployment uses, with the rule each satisfies.
import { textTable } from '@complianceflow/core/tables.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentPositional, parseCommandArgs } from './args.ts';
import { listNames } from '../naming/derive.ts';
import { namingRules } from '../naming/rules.ts';


const help = `Usage: cf-infra names <deployment> [--json]     (npm run names -- <deployment> [options])

Prints every name the deployment's resources get (resource group, network, database, Key Vault, ...),
the resource type and whether the name must be unique across Azure.

Options:
  --json      print the names as JSON ({ deployment, names, otherNames, buildAgentPool }); buildAgentPool is
              the registry's ACR Tasks agent pool where the profile creates one (az acr build --agent-pool), else null
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('names', args, { help, positionals: deploymentPositional, options: { json: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const { values, positionals } = parsed;
  // The registry (YAML and its schemas) loads once the flags are read: --help loads no package.
  const { loadRegistryFor, resolveDeployment } = await import('../config/registry.ts');
  const deployment = resolveDeployment(loadRegistryFor([positionals[0]!]), positionals[0]!);
  if (values.json) {
    const buildAgentPool = deployment.settings.registry.buildAgentPool === null ? null : deployment.names.containerRegistryAgentPool;
    console.log(JSON.stringify({ deployment: deployment.name, names: deployment.names, otherNames: deployment.otherNames, buildAgentPool }, null, 2));
    return ExitCode.Success;
  }
  console.log(`Names of ${deployment.name} (${deployment.location}, ${deployment.environment}):\n`);
  console.log(
    textTable(
      ['NAME', 'VALUE', 'RESOURCE TYPE', 'UNIQUE'],
      listNames(deployment.names, deployment.otherNames).map(({ path, name, rule }) => [path, name, namingRules[rule].resourceType, namingRules[rule].globallyUnique ? 'global' : `per ${namingRules[rule].scope.split(' (')[0]}`]),
    ),
  );
  return ExitCode.Success;
}

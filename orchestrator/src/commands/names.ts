// `cf-infra names <deployment>`: every resource name the deployment uses, with the rule each satisfies.
import { parseArgs } from 'node:util';
import { loadRegistry, resolveDeployment } from '../config/registry.ts';
import { textTable } from '../docs/tables.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { listNames } from '../naming/derive.ts';
import { namingRules } from '../naming/rules.ts';

export const summary = 'Every resource name of a deployment (derived from its name, checked against Azure\'s rules)';

const help = `Usage: cf-infra names <deployment> [--json]     (npm run names -- <deployment> [options])

Prints every name the deployment's resources get (resource group, network, database, Key Vault, ...),
the resource type and whether the name must be unique across Azure.

Options:
  --json      print the names as JSON ({ deployment, names, otherNames })
  -h, --help`;

function parse(args: string[]) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    throw new UsageError((error as Error).message, 'run `cf-infra names --help` for the options');
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help) {
    console.log(help);
    return ExitCode.Success;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'names needs a deployment name, e.g. `cf-infra names westeu-test-1`' : `names takes one deployment, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const deployment = resolveDeployment(loadRegistry(), positionals[0]!);
  if (values.json) {
    console.log(JSON.stringify({ deployment: deployment.name, names: deployment.names, otherNames: deployment.otherNames }, null, 2));
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

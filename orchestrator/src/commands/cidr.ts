// `cf-infra cidr`: the address space of every deployment, its subnets, and the next free /16 per region.
import { parseArgs } from 'node:util';
import { allocationReport } from '../cidr/report.ts';
import { loadRegistry, resolveAll } from '../config/registry.ts';
import { didYouMean } from '../config/suggest.ts';
import { textTable } from '../docs/tables.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

export const summary = 'Address spaces of all deployments, their subnets, and the next free /16 per region';

const help = `Usage: cf-infra cidr [--region <code>] [--json]     (npm run cidr -- [options])

Prints the allocation table from deployments/*.yaml (deployment, region, environment, /16, subnets)
and, per region, the suggested next free /16.

Options:
  --region <code>  suggest only for this region code (from deployments/regions.yaml)
  --json           print the table and suggestions as JSON
  -h, --help`;

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { region: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message, 'run `cf-infra cidr --help` for the options');
  }
}

export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  if (options.help) {
    console.log(help);
    return ExitCode.Success;
  }
  const registry = loadRegistry();
  const codes = Object.keys(registry.regions);
  if (options.region !== undefined && !codes.includes(options.region)) {
    throw new UsageError(`unknown region code ${JSON.stringify(options.region)}${didYouMean(options.region, codes)}; known region codes: ${codes.join(', ')}`);
  }
  const regions = Object.values(registry.regions).filter((region) => options.region === undefined || region.code === options.region);
  const report = allocationReport(resolveAll(registry), regions);
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
    return ExitCode.Success;
  }
  console.log(
    textTable(
      ['DEPLOYMENT', 'REGION', 'ENVIRONMENT', 'CIDR', 'SUBNETS'],
      report.deployments.map((d) => [d.name, `${d.regionCode} (${d.location})`, d.environment, d.addressSpace, d.subnets.map((subnet) => `${subnet.tier} ${subnet.prefix}`).join(', ')]),
    ),
  );
  console.log('');
  console.log(textTable(['REGION', 'NEXT FREE /16'], report.suggestions.map((s) => [`${s.regionCode} (${s.location})`, s.nextFree ?? 'none: 10.0.0.0/8 is full'])));
  console.log('');
  console.log(report.rule);
  return ExitCode.Success;
}

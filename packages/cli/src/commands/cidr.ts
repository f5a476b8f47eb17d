// `cf-infra cidr`: the address space of every deployment, its subnets, and the next free /16 per region.
import { allocationReport } from '../cidr/report.ts';
import { didYouMean } from '../config/suggest.ts';
import { textTable } from '@complianceflow/core/tables.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { parseCommandArgs } from './args.ts';


const help = `Usage: cf-infra cidr [--region <code>] [--json]     (npm run cidr -- [options])

Prints the allocation table from deployments/*.yaml (deployment, region, environment, /16, subnets)
and, per region, the suggested next free /16.

Options:
  --region <code>  suggest only for this region code (from deployments/regions.yaml)
  --json           print the table and suggestions as JSON
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('cidr', args, { help, options: { region: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const options = parsed.values;
  // The registry (YAML and its schemas) loads once the flags are read: --help loads no package.
  const { loadRegistry, resolveAll } = await import('../config/registry.ts');
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

// `cf-infra prices [--refresh] [--json]`: show the dated price table the cost estimate uses.
// `--refresh` would rebuild it from the Azure Retail Prices API; this build has no network client
// for it, so it says so instead of pretending.
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns, type Align } from '@complianceflow/core/tables.ts';
import { parseCommandArgs } from './args.ts';
import { loadPriceTable } from '../cost/index.ts';


const help = `Usage: cf-infra prices [--json] [--refresh]

Prints the price table the cost estimate uses (pricing/prices-<date>.json): its date, source,
regions and every meter with its price per region (USD, pay-as-you-go list prices).

Options:
  --json      the table as JSON
  --refresh   rebuild the table from the Azure Retail Prices API (https://prices.azure.com);
              needs network access to it
  -h, --help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('prices', args, { help, options: { json: { type: 'boolean', default: false }, refresh: { type: 'boolean', default: false } } });
  if (parsed.help) return ExitCode.Success;
  const { values } = parsed;
  const table = loadPriceTable();
  if (values.refresh) {
    throw new CliError(`cannot refresh prices: no network access to the Azure Retail Prices API (https://prices.azure.com/api/retail/prices) from here; ${table.file} (${table.date}) was left unchanged`, {
      exitCode: ExitCode.Failed,
      hint: 'run `cf-infra prices --refresh` on a machine with internet access and commit the new pricing/prices-<date>.json',
    });
  }
  if (values.json) {
    console.log(JSON.stringify(table, null, 2));
    return ExitCode.Success;
  }
  console.log(`${table.file}: ${table.currency} pay-as-you-go list prices, dated ${table.date}`);
  console.log(`source: ${table.source}`);
  console.log('');
  const { regions } = table;
  const rows = Object.entries(table.meters).map(([id, meter]) => [id, ...regions.map((r) => String(meter.prices[r])), meter.unit]);
  // One column per region: the prices right-aligned, at least 12 wide, one space apart.
  const lines = alignColumns([['meter', ...regions, 'unit'], ...rows], {
    gap: ['  ', ...regions.slice(1).map(() => ' '), '  '],
    minWidths: [0, ...regions.map(() => 12)],
    align: ['left', ...regions.map((): Align => 'right')],
  });
  for (const line of lines) console.log(line);
  return ExitCode.Success;
}

// Start-up of the CLI as cold processes: `cf-infra --help` and each command's --help against
// `node -e 0` on the same Node, paired run by run. Only what a command imports before it parses its
// arguments counts; a command that loads the Azure SDKs up front shows here.
import { commandTable } from '@complianceflow/cli/commands/table.ts';
import { paired, printFigure, timeProcess, type Figure } from './paired.ts';
import { cliPath as cli } from '../test/support/cli.ts';

export const name = 'CLI start-up: cf-infra --help and each command --help ÷ node -e 0 (cold processes, paired)';

const node = (...args: string[]) => () => timeProcess([process.execPath, ...args]);

export async function run(): Promise<Figure[]> {
  const figures = [paired('cf-infra --help ÷ node -e 0', node(cli, '--help'), node('-e', '0'), { runs: 7, target: '≤ 8' })];
  for (const { name: command } of commandTable) figures.push(paired(`cf-infra ${command} --help ÷ node -e 0`, node(cli, command, '--help'), node('-e', '0'), { runs: 3 }));
  figures.forEach(printFigure);
  return figures;
}

// cf-infra: the ComplianceFlow infrastructure orchestrator, run by bin/cf-infra.js. Each command lives
// in commands/<name>.ts and exports `run(args: string[]): Promise<number>` (the exit code); its name
// and summary are in commands/table.ts, so --help loads no command.
import { checkEnvironment } from '@complianceflow/core/env.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { alignColumns } from '@complianceflow/core/tables.ts';
import { commandTable } from './commands/table.ts';

function usage(): string {
  const rows = commandTable.map((c) => [c.name, c.summary]);
  return [
    'Usage: cf-infra <command> [options]   (npm run <command> -- [options])',
    '',
    'Commands:',
    ...alignColumns(rows, { indent: '  ', gap: ' ', minWidths: [10] }),
    '',
    'Run `cf-infra <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? ExitCode.BadInput : ExitCode.Success;
  }
  const entry = commandTable.find((c) => c.name === name);
  if (entry === undefined) {
    console.error(`error: unknown command "${name}". Commands: ${commandTable.map((c) => c.name).join(', ')}.`);
    return ExitCode.BadInput;
  }
  try {
    // Before any command touches anything: a bad variable is refused here, naming it.
    checkEnvironment(process.env);
    const command = await entry.load();
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`error: ${error.message}`);
      if (error.hint !== undefined) console.error(`hint: ${error.hint}`);
      return error.exitCode;
    }
    throw error;
  }
}

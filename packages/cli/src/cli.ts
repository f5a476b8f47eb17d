#!/usr/bin/env node
// cf-infra: the ComplianceFlow infrastructure orchestrator. Each command lives in
// commands/<name>.ts and exports `run(args: string[]): Promise<number>` (the exit code) and `summary`.
import { checkEnvironment } from '@complianceflow/core/env.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';

interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  plan: () => import('./commands/plan.ts'),
  cidr: () => import('./commands/cidr.ts'),
  names: () => import('./commands/names.ts'),
  local: () => import('./commands/local.ts'),
  prices: () => import('./commands/prices.ts'),
  unlock: () => import('./commands/unlock.ts'),
  bootstrap: () => import('./commands/bootstrap.ts'),
  pause: () => import('./commands/pause.ts'),
  resume: () => import('./commands/resume.ts'),
  deploy: () => import('./commands/deploy.ts'),
  'what-if': () => import('./commands/what-if.ts'),
  list: () => import('./commands/list.ts'),
  show: () => import('./commands/show.ts'),
  destroy: () => import('./commands/destroy.ts'),
  validate: () => import('./commands/validate.ts'),
  secrets: () => import('./commands/secrets.ts'),
};

async function usage(): Promise<string> {
  const lines = ['Usage: cf-infra <command> [options]   (npm run <command> -- [options])', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const command = await load().catch(() => undefined);
    lines.push(`  ${name.padEnd(10)} ${command?.summary ?? ''}`);
  }
  lines.push('', 'Run `cf-infra <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? ExitCode.BadInput : ExitCode.Success;
  }
  const load = commands[name];
  if (load === undefined) {
    console.error(`error: unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}.`);
    return ExitCode.BadInput;
  }
  try {
    // Before any command touches anything: a bad variable is refused here, naming it.
    checkEnvironment(process.env);
    const command = await load();
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

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}

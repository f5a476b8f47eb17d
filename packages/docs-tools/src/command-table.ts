// The command table of README.md: every command of the CLI's command table (commands/table.ts) with
// the synopsis of its --help, its summary and the npm scripts that run it (package.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { code } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';
import { commandTable as cliCommandTable, type CommandEntry } from '@complianceflow/cli/commands/table.ts';

/** The CLI's commands, in the order of its command table. */
export function cliCommands(): readonly CommandEntry[] {
  return cliCommandTable;
}

/** npm script name → the cf-infra arguments it runs (`node packages/cli/bin/cf-infra.js <args>`). */
export function cliScripts(root = repoRoot): Map<string, string[]> {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const result = new Map<string, string[]>();
  for (const [name, command] of Object.entries(scripts)) {
    const m = /^node packages\/cli\/bin\/cf-infra\.js(?: (.*))?$/.exec(command);
    if (m !== null) result.set(name, (m[1] ?? '').split(' ').filter(Boolean));
  }
  return result;
}

export interface CommandInfo {
  summary: string;
  /** The synopsis of the command's --help ("cf-infra plan <deployment>... | --all [options]"). */
  usage: string;
}

/** What `run([...words, '--help'])` prints, captured in this process (commands print their help with console.log). */
async function helpText(run: (args: string[]) => Promise<number>, words: string[] = []): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => void lines.push(parts.map(String).join(' '));
  try {
    await run([...words, '--help']);
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

/** `cf-infra <command> [words...] --help`, run in this process through the command's module. */
export async function commandHelp(name: string, words: string[] = []): Promise<string> {
  const command = cliCommandTable.find((c) => c.name === name);
  if (command === undefined) throw new Error(`no cf-infra command ${name}`);
  return helpText((await command.load()).run, words);
}

/** Each command's summary (from the command table) and usage synopsis (from its --help). */
export async function commandInfo(): Promise<Map<string, CommandInfo>> {
  const entries: Array<[string, CommandInfo]> = [];
  for (const { name, summary, load } of cliCommandTable) {
    const help = await helpText((await load()).run);
    const usage = /^Usage: (cf-infra .*?)(?:\s{2,}\(.*)?$/m.exec(help)?.[1]?.trim() ?? `cf-infra ${name}`;
    entries.push([name, { summary, usage }]);
  }
  return new Map(entries);
}

export function commandTable(commands: ReadonlyMap<string, CommandInfo>, scripts: ReadonlyMap<string, string[]>): string {
  const rows = [...commands].map(([name, { summary, usage }]) => {
    const npm = [...scripts].filter(([, args]) => args[0] === name).map(([script]) => code(`npm run ${script}`));
    return [code(usage), npm.join(' / ') || '—', summary];
  });
  return markdownTable(['Command', 'npm script', 'What it does'], rows);
}

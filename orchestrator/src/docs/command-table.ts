// The command table of README.md: every command of cli.ts's `commands` map with its `summary` and the
// npm scripts that run it (package.json). cli.ts's map is read from its source (it is not exported, and
// importing cli.ts would run nothing more than this does); each command module is imported for its summary.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../config/paths.ts';
import { code } from './references.ts';
import { markdownTable } from './tables.ts';

export interface CliCommand {
  name: string;
  /** Repository-relative path of the command's module. */
  module: string;
}

/** The entries of the `commands` map in orchestrator/src/cli.ts, in their order. */
export function cliCommands(root = repoRoot): CliCommand[] {
  const source = readFileSync(path.join(root, 'orchestrator', 'src', 'cli.ts'), 'utf8');
  return [...source.matchAll(/^\s+'?([a-z][a-z-]*)'?: \(\) => import\('\.\/(commands\/[a-z-]+\.ts)'\),?$/gm)]
    .map((m) => ({ name: m[1]!, module: `orchestrator/src/${m[2]!}` }));
}

/** npm script name → the cf-infra arguments it runs (`node orchestrator/src/cli.ts <args>`). */
export function cliScripts(root = repoRoot): Map<string, string[]> {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const result = new Map<string, string[]>();
  for (const [name, command] of Object.entries(scripts)) {
    const m = /^node orchestrator\/src\/cli\.ts(?: (.*))?$/.exec(command);
    if (m !== null) result.set(name, (m[1] ?? '').split(' ').filter(Boolean));
  }
  return result;
}

export async function commandSummaries(root = repoRoot): Promise<Map<string, string>> {
  const entries = await Promise.all(cliCommands(root).map(async ({ name, module }) => {
    const loaded = (await import(path.join(root, module))) as { summary?: unknown };
    return [name, typeof loaded.summary === 'string' ? loaded.summary : ''] as const;
  }));
  return new Map(entries);
}

export function commandTable(summaries: ReadonlyMap<string, string>, scripts: ReadonlyMap<string, string[]>): string {
  const rows = [...summaries].map(([name, summary]) => {
    const npm = [...scripts].filter(([, args]) => args[0] === name).map(([script]) => code(`npm run ${script}`));
    return [code(`cf-infra ${name}`), npm.join(' / ') || '—', summary];
  });
  return markdownTable(['Command', 'npm script', 'What it does'], rows);
}

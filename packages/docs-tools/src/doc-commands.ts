// The `cf-infra <command> [--flags]` and `npm run <script> [-- --flags]` a document shows, in code spans
// and code blocks (pure). A test checks each against the CLI's command table, package.json and the
// command's --help.
import { fencedBlocks } from './fences.ts';

export interface DocCommand {
  /** 1-based line in the document. */
  line: number;
  kind: 'cf-infra' | 'npm';
  /** The cf-infra command or the npm script. */
  name: string;
  /** The `--flags` given to it (before a pipe, redirection, `;`, `&&` or a comment). */
  flags: string[];
  text: string;
  /** npm only: the directory whose package.json has the script (`cd <dir> && npm run x`), '' for the root. */
  packageDir: string;
  /** The prose says the command does not exist ("there is no `cf-infra rotate` command"). */
  negated: boolean;
}

/** The code of a document, line by line: inline code spans of prose lines and the lines of code blocks. */
function codeLines(text: string): Array<{ line: number; code: string; negated: boolean }> {
  const result: Array<{ line: number; code: string; negated: boolean }> = [];
  const inFence = new Set<number>();
  for (const fence of fencedBlocks(text)) {
    const lines = fence.content === '' ? [] : fence.content.split('\n');
    for (let i = 0; i <= lines.length + 1; i++) inFence.add(fence.line + i);
    if (['text', 'console', 'json', 'yaml', 'mermaid', 'markdown'].includes(fence.lang)) continue;
    lines.forEach((code, i) => result.push({ line: fence.line + 1 + i, code, negated: false }));
  }
  text.split('\n').forEach((raw, i) => {
    if (inFence.has(i + 1)) return;
    for (const m of raw.matchAll(/(`+)([^`]+?)\1/g)) result.push({ line: i + 1, code: m[2]!, negated: /\bno\s+$/i.test(raw.slice(0, m.index)) });
  });
  return result.sort((a, b) => a.line - b.line);
}

/** The words of one command up to where the shell ends it. */
function wordsUntilEnd(rest: string): string[] {
  const words: string[] = [];
  for (const word of rest.trim().split(/\s+/)) {
    if (word === '' || /^(\||\|\||&&|;|#|>|>>|2>|<|&|\)|\\)/.test(word)) break;
    words.push(word.replace(/[;)]+$/, ''));
  }
  return words;
}

export function docCommands(text: string): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const { line, code, negated } of codeLines(text)) {
    for (const m of code.matchAll(/(?:^|[\s(`$|;&])(?:npx |node_modules\/\.bin\/)?cf-infra\s+([a-z][a-z-]*)([^\n]*)/g)) {
      const flags = wordsUntilEnd(m[2]!).filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!);
      commands.push({ line, kind: 'cf-infra', name: m[1]!, flags, text: m[0].trim(), packageDir: '', negated });
    }
    for (const m of code.matchAll(/(?:^|[\s(`$|;&])npm run ([a-z][a-z0-9:-]*)([^\n]*)/g)) {
      const words = wordsUntilEnd(m[2]!);
      const afterDashes = words.indexOf('--') < 0 ? [] : words.slice(words.indexOf('--') + 1);
      const cd = /(?:^|[\s;&(])cd\s+(\S+)\s*&&\s*$/.exec(code.slice(0, m.index! + m[0].indexOf('npm run')));
      const flags = afterDashes.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]!);
      commands.push({ line, kind: 'npm', name: m[1]!, flags, text: m[0].trim(), packageDir: cd?.[1] ?? '', negated });
    }
  }
  return commands;
}

/** `--flag` words of a command's --help output. */
export function helpFlags(help: string): Set<string> {
  return new Set([...help.matchAll(/(?:^|[\s[(,|`])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

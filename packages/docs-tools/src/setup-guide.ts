// The Setup Guide's emulator path (pure): the ```bash blocks between
// `<!-- setup-guide:emulator:start -->` and `<!-- setup-guide:emulator:end -->`, in order, made into one
// bash script that says which block (and document line) it is in when a command fails.
import { fencedBlocks, type Fence } from './fences.ts';

export const setupGuideDoc = 'docs/infrastructure/Setup_Guide.md';
export const emulatorPathStart = '<!-- setup-guide:emulator:start -->';
export const emulatorPathEnd = '<!-- setup-guide:emulator:end -->';

export function emulatorPathBlocks(text: string, file = setupGuideDoc): Fence[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === emulatorPathStart);
  const end = lines.findIndex((l) => l.trim() === emulatorPathEnd);
  if (start < 0 || end < 0 || end < start) throw new Error(`${file}: the emulator path needs ${emulatorPathStart} … ${emulatorPathEnd}, in that order, each on its own line`);
  const blocks = fencedBlocks(text).filter((f) => f.lang === 'bash' && f.line > start + 1 && f.line < end + 1);
  if (blocks.length === 0) throw new Error(`${file}: no \`\`\`bash block between the emulator path markers`);
  return blocks;
}

/**
 * One script: `set -euo pipefail`, each block preceded by a marker line on stderr. The ERR trap names
 * the failing command and its block; `set -E` keeps it in functions and subshells.
 */
export function emulatorPathScript(blocks: Fence[], file = setupGuideDoc): string {
  const parts = [
    'set -Eeuo pipefail',
    `trap 'status=$?; echo "setup-guide: FAILED (exit $status) in the block of ${file}:$cf_guide_line: $BASH_COMMAND" >&2' ERR`,
  ];
  for (const block of blocks) {
    parts.push(`cf_guide_line=${block.line}`, `echo "setup-guide: ${file}:${block.line}" >&2`, block.content);
  }
  return `${parts.join('\n')}\n`;
}

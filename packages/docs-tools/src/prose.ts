// Generated Markdown obeys the same lint as hand-written docs (.markdownlint-cli2.jsonc): prose wrapped
// at the line length, table delimiter rows in the compact `| --- |` style. Tables and code are left alone.

export const proseLineLength = 120;

/** The spaces of a line at which it may break, outside inline code first. */
function breakAt(line: string, limit: number): number {
  let inCode = false;
  let outside = -1;
  let any = -1;
  for (let i = 0; i < line.length && i <= limit; i++) {
    const c = line[i];
    if (c === '`') inCode = !inCode;
    else if (c === ' ' && i > 0 && line[i - 1] !== ' ') {
      any = i;
      if (!inCode) outside = i;
    }
  }
  return outside > 0 ? outside : any;
}

function wrapLine(line: string, limit: number): string[] {
  const indent = /^(\s*)([-*+] |\d+\. )?/.exec(line)!;
  const continuation = ' '.repeat(indent[0].length);
  const lines: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const at = breakAt(rest, limit);
    if (at <= continuation.length) break;
    lines.push(rest.slice(0, at).trimEnd());
    rest = continuation + rest.slice(at + 1).trimStart();
  }
  lines.push(rest);
  return lines;
}

/**
 * `<name>.<region>.redis.azure.net` outside inline code is read as HTML tags (GitHub drops them):
 * such words go into a code span.
 */
export function codeSpanPlaceholders(line: string): string {
  return line
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/[^\s`|()]*<[a-z][a-z0-9-]*>[^\s`|()]*/gi, (word) => `\`${word}\``)))
    .join('');
}

function compactDelimiterRow(line: string): string {
  const cells = line.trim().slice(1, -1).split('|');
  return `|${cells.map((cell) => ` ${cell.trim()} `).join('|')}|`;
}

/** Wraps long prose lines and normalises table delimiter rows; code fences and table rows are kept. */
export function lintCleanMarkdown(text: string, limit = proseLineLength): string {
  let inFence = false;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      out.push(line);
    } else if (inFence || line.trimStart().startsWith('#') || line.trimStart().startsWith('<!--')) {
      out.push(line);
    } else if (/^\|(\s*:?-+:?\s*\|)+\s*$/.test(line)) {
      out.push(compactDelimiterRow(line));
    } else if (line.trimStart().startsWith('|')) {
      out.push(codeSpanPlaceholders(line));
    } else {
      out.push(...wrapLine(codeSpanPlaceholders(line), limit));
    }
  }
  return out.join('\n');
}

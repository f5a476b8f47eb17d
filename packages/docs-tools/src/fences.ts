// Fenced code blocks of a Markdown text with their info string and line numbers (pure).

export interface Fence {
  /** The first word of the info string (`mermaid`, `bash`, ...), '' when there is none. */
  lang: string;
  /** 1-based line of the opening fence; the content starts on the next line. */
  line: number;
  content: string;
}

/** Every fenced block (``` or ~~~, at most 3 spaces of indent, closed by a fence at least as long). */
export function fencedBlocks(text: string): Fence[] {
  const fences: Fence[] = [];
  const lines = text.split('\n');
  let open: { marker: string; lang: string; line: number; body: string[] } | undefined;
  lines.forEach((raw, index) => {
    if (open === undefined) {
      const start = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(raw);
      if (start !== null) open = { marker: start[1]!, lang: start[2]!.toLowerCase(), line: index + 1, body: [] };
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(raw);
    if (close !== null && close[1]![0] === open.marker[0] && close[1]!.length >= open.marker.length) {
      fences.push({ lang: open.lang, line: open.line, content: open.body.join('\n') });
      open = undefined;
    } else {
      open.body.push(raw);
    }
  });
  return fences;
}

/** The text with every fenced block's lines blanked (line numbers kept), for scanning prose only. */
export function withoutFences(text: string): string {
  const lines = text.split('\n');
  const blank = new Set<number>();
  for (const fence of fencedBlocks(text)) {
    const count = fence.content === '' ? 0 : fence.content.split('\n').length;
    for (let i = fence.line - 1; i <= fence.line + count; i++) blank.add(i);
  }
  return lines.map((line, i) => (blank.has(i) ? '' : line)).join('\n');
}

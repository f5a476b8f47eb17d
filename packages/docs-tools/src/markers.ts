// Generated blocks inside hand-written Markdown: the text between
// `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` belongs to a render function. What a
// renderer returns is made lint-clean (prose.ts) before it goes in.
import { lintCleanMarkdown } from './prose.ts';

export type Renderers = Record<string, () => string>;

export interface BlockResult {
  text: string;
  /** Blocks whose content changed. */
  changed: string[];
  /** Renderers whose markers are missing from the text. */
  missing: string[];
  /** Markers in the text with no renderer. */
  unknown: string[];
}

const blockPattern = /<!-- generated:([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/generated:\1 -->/g;

export function beginMarker(name: string): string {
  return `<!-- generated:${name} -->`;
}

export function endMarker(name: string): string {
  return `<!-- /generated:${name} -->`;
}

/** Replaces every generated block with its renderer's output; pure. */
export function renderBlocks(text: string, renderers: Renderers): BlockResult {
  const changed: string[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  const result = text.replace(blockPattern, (whole, name: string, content: string) => {
    const render = renderers[name];
    if (render === undefined) {
      unknown.push(name);
      return whole;
    }
    seen.add(name);
    const fresh = `${lintCleanMarkdown(render()).trimEnd()}\n`;
    if (fresh !== content) changed.push(name);
    return `${beginMarker(name)}\n${fresh}${endMarker(name)}`;
  });
  return { text: result, changed, missing: Object.keys(renderers).filter((name) => !seen.has(name)), unknown };
}

// Links of the docs (pure): every relative link must reach a tracked file or directory, every
// `#anchor` a heading (GitHub's slugs) or an explicit id of its target, and every external link is https.
// Nothing is fetched.
import path from 'node:path';
import { withoutFences } from './fences.ts';

export interface Link {
  /** 1-based line in its file. */
  line: number;
  target: string;
}

export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  message: string;
}

/** The text of a line with its inline code spans blanked (same length), so links inside code are skipped. */
function blankCodeSpans(line: string): string {
  return line.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => ' '.repeat(span.length));
}

/** Link destinations: `[text](dest)`, `![alt](dest)`, `[ref]: dest` and `<https://autolinks>`, outside code. */
export function extractLinks(text: string): Link[] {
  const links: Link[] = [];
  withoutFences(text).split('\n').forEach((raw, index) => {
    const line = blankCodeSpans(raw);
    const add = (target: string) => links.push({ line: index + 1, target: target.trim() });
    for (const m of line.matchAll(/!?\[[^\]]*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) add(m[1]!.replace(/^<|>$/g, ''));
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition !== null) add(definition[1]!.replace(/^<|>$/g, ''));
    for (const m of line.matchAll(/<((?:https?|ftp):\/\/[^>\s]+)>/g)) add(m[1]!);
  });
  return links;
}

/** GitHub's heading slug: lower case, punctuation removed (letters, digits, `_`, `-` kept), spaces → `-`. */
export function githubSlug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The visible text of a heading's Markdown: links to their text, code, emphasis and HTML tags stripped. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(\*|\b_)(.+?)(\*|_\b)/g, '$2')
    .trim();
}

/** Every anchor a document offers: heading slugs (duplicates get -1, -2, ...) and explicit id/name attributes. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const lines = withoutFences(text).split('\n');
  const addHeading = (markdown: string) => {
    const slug = githubSlug(headingText(markdown));
    const seen = counts.get(slug) ?? 0;
    counts.set(slug, seen + 1);
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
  };
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(line);
    if (atx !== null) addHeading(atx[1] ?? '');
    else if (/^ {0,3}(=+|-+)\s*$/.test(line) && i > 0 && lines[i - 1]!.trim() !== '' && !/^\s*[-*+|]/.test(lines[i - 1]!)) addHeading(lines[i - 1]!);
    for (const m of line.matchAll(/<[a-z]+\s[^>]*\b(?:id|name)="([^"]+)"/gi)) anchors.add(m[1]!);
  });
  return anchors;
}

export interface LinkContext {
  /** Tracked files, repository-relative with `/`. */
  files: ReadonlySet<string>;
  /** The text of a tracked Markdown file (for its anchors). */
  read(file: string): string;
}

function directoriesOf(files: ReadonlySet<string>): Set<string> {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let dir = path.posix.dirname(file); dir !== '.' && !dirs.has(dir); dir = path.posix.dirname(dir)) dirs.add(dir);
  }
  return dirs;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The problems of one document's links. */
export function checkLinks(file: string, text: string, context: LinkContext, dirs = directoriesOf(context.files)): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (target: string) => {
    if (!anchorCache.has(target)) anchorCache.set(target, anchorsOf(target === file ? text : context.read(target)));
    return anchorCache.get(target)!;
  };
  for (const { line, target } of extractLinks(text)) {
    const problem = (message: string) => problems.push({ file, line, target, message });
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
    if (scheme !== undefined) {
      if (scheme === 'http') problem('external links must be https');
      else if (scheme !== 'https' && scheme !== 'mailto') problem(`unsupported link scheme "${scheme}:" (use https, or a relative link to a file of the repository)`);
      continue;
    }
    if (target.startsWith('//')) {
      problem('protocol-relative link: write https://');
      continue;
    }
    const hash = target.indexOf('#');
    const pathPart = decode(hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
    const anchor = hash < 0 ? undefined : decode(target.slice(hash + 1));
    let resolved = file;
    if (pathPart !== '') {
      resolved = pathPart.startsWith('/') ? pathPart.slice(1) : path.posix.join(path.posix.dirname(file), pathPart);
      resolved = path.posix.normalize(resolved).replace(/\/$/, '');
      if (resolved.startsWith('..')) {
        problem('the link leaves the repository');
        continue;
      }
      if (!context.files.has(resolved) && !dirs.has(resolved) && resolved !== '.') {
        problem(`${resolved} is not a file or directory of the repository`);
        continue;
      }
    }
    if (anchor === undefined || anchor === '') continue;
    if (resolved.toLowerCase().endsWith('.md')) {
      if (!anchorsIn(resolved).has(anchor)) problem(`${resolved} has no heading or id for #${anchor}`);
    } else if (context.files.has(resolved) && !/^L\d+(-L\d+)?$/.test(anchor)) {
      problem(`#${anchor} on a non-Markdown file: only line anchors (#L10, #L10-L20) are meaningful`);
    }
  }
  return problems;
}

export function formatLinkProblem(problem: LinkProblem): string {
  return `${problem.file}:${problem.line}: link (${problem.target}): ${problem.message}`;
}

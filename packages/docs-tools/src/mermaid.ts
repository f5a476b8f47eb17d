// Every ```mermaid block of the docs goes through mermaid's own parser (mermaid.parse), so a diagram
// that GitHub would show as "Unable to render" fails the tests with its file, line and the parser's message.
import { Worker } from 'node:worker_threads';
import { fencedBlocks } from './fences.ts';
import type { ParseOutcome } from './mermaid-worker.ts';

export interface MermaidDiagram {
  file: string;
  /** 1-based line of the opening ```mermaid fence. */
  line: number;
  source: string;
}

export interface MermaidProblem {
  file: string;
  /** The file line the parser points at (the fence line when it names none). */
  line: number;
  message: string;
}

export function mermaidDiagrams(file: string, text: string): MermaidDiagram[] {
  return fencedBlocks(text).filter((fence) => fence.lang === 'mermaid').map((fence) => ({ file, line: fence.line, source: fence.content }));
}

/** Parses the diagrams in one worker (one mermaid load); one outcome per diagram, in order. */
export function parseMermaid(sources: string[]): Promise<ParseOutcome[]> {
  if (sources.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./mermaid-worker.ts', import.meta.url), { workerData: sources });
    worker.once('message', (outcomes: ParseOutcome[]) => {
      resolve(outcomes);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the mermaid parser worker exited with code ${code} before answering`)));
  });
}

/** The diagram line a parser message names ("Parse error on line 3", "at line 3"), if any. */
export function messageLine(message: string): number | undefined {
  const match = /\bline:? (\d+)/i.exec(message);
  return match === null ? undefined : Number(match[1]);
}

export async function checkMermaid(files: Array<{ file: string; text: string }>): Promise<MermaidProblem[]> {
  const diagrams = files.flatMap(({ file, text }) => mermaidDiagrams(file, text));
  const outcomes = await parseMermaid(diagrams.map((d) => d.source));
  return diagrams.flatMap((diagram, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) return [];
    const message = outcome.message ?? 'the diagram does not parse';
    const inDiagram = messageLine(message);
    // An unclosed construct is reported one line past the end of the diagram: clamp to its last line.
    const lastLine = diagram.source.split('\n').length;
    return [{ file: diagram.file, line: inDiagram === undefined ? diagram.line : diagram.line + Math.min(inDiagram, lastLine), message }];
  });
}

export function formatMermaidProblem(problem: MermaidProblem): string {
  return `${problem.file}:${problem.line}: mermaid: ${problem.message.replaceAll('\n', '\n    ')}`;
}

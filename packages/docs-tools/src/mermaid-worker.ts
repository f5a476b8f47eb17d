// Worker of mermaid.ts: mermaid's parser needs a DOM (DOMPurify, class and state diagrams), so it runs
// with jsdom's window as its globals — inside this worker, where they cannot leak into the caller.
import { parentPort, workerData } from 'node:worker_threads';
import { JSDOM } from 'jsdom';

export interface ParseOutcome {
  ok: boolean;
  diagramType?: string;
  message?: string;
}

const { window } = new JSDOM('');
Object.assign(globalThis, { window, document: window.document });
const { default: mermaid } = await import('mermaid');

const outcomes: ParseOutcome[] = [];
for (const source of workerData as string[]) {
  try {
    const result = await mermaid.parse(source);
    outcomes.push({ ok: true, diagramType: result.diagramType });
  } catch (error) {
    outcomes.push({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}
parentPort!.postMessage(outcomes);

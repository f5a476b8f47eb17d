// The `run:` blocks of a GitHub Actions workflow or composite action (pure): each with the file line
// its script starts on and the shell it runs in, and the script as shellcheck should read it — every
// ${{ }} expression replaced by underscores of the same length (as actionlint does), so the shell
// syntax around it and the columns stay as they are.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';

export interface RunBlock {
  file: string;
  /** Where the step is: "jobs.deploy.steps[2]" or "runs.steps[0]". */
  where: string;
  /** The 1-based file line of the script's first line. */
  line: number;
  /** bash or sh; blocks in other shells (pwsh, python) are left out. */
  shell: 'bash' | 'sh';
  script: string;
}

/** GitHub's default on Linux runners is bash (`bash -e {0}`); `shell: sh` is POSIX sh. */
function shellOf(name: string | undefined): RunBlock['shell'] | undefined {
  const program = (name ?? 'bash').trim().split(/\s+/)[0]!;
  return program === 'bash' ? 'bash' : program === 'sh' ? 'sh' : undefined;
}

export function withoutExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => expression.replace(/[^\n]/g, '_'));
}

function get(node: unknown, key: string): unknown {
  return isMap(node) ? (node as YAMLMap).get(key, true) : undefined;
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function defaultShell(node: unknown): string | undefined {
  return scalarValue(get(get(get(node, 'defaults'), 'run'), 'shell'));
}

function blocksOf(steps: unknown, where: string, inherited: string | undefined, file: string, lines: LineCounter): RunBlock[] {
  if (!isSeq(steps)) return [];
  return steps.items.flatMap((step, index) => {
    const run = get(step, 'run') as Node | undefined;
    const script = scalarValue(run);
    const shell = shellOf(scalarValue(get(step, 'shell')) ?? inherited);
    if (script === undefined || shell === undefined || !isScalar(run) || run.range === undefined || run.range === null) return [];
    const block = run.type === 'BLOCK_LITERAL' || run.type === 'BLOCK_FOLDED';
    const line = lines.linePos(run.range[0]).line + (block ? 1 : 0);
    return [{ file, where: `${where}.steps[${index}]`, line, shell, script: withoutExpressions(script) }];
  });
}

/** Every bash/sh `run:` block of a workflow (jobs.*.steps) or a composite action (runs.steps). */
export function runBlocks(text: string, file: string): RunBlock[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const root = doc.contents;
  const workflowShell = defaultShell(root);
  const jobs = get(root, 'jobs');
  const fromJobs = isMap(jobs)
    ? jobs.items.flatMap((pair) => {
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        return blocksOf(get(pair.value, 'steps'), `jobs.${name}`, defaultShell(pair.value) ?? workflowShell, file, lines);
      })
    : [];
  return [...fromJobs, ...blocksOf(get(get(root, 'runs'), 'steps'), 'runs', undefined, file, lines)];
}

// The Node.js requirement written in the docs is checked against its one source, `engines.node` in
// package.json (">=N"): every "Node.js ≥ N", "Node N or newer", "`vN.x` or newer" or "older than N"
// (about the machine's Node) must say that N. What the npm scripts run on (Node 24 from the `node`
// package, `.nvmrc`) is another fact, not a requirement, and is not matched.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface NodeProblem {
  file: string;
  line: number;
  text: string;
  required: number;
}

/** N of `engines.node` ">=N" in package.json. */
export function requiredNodeMajor(packageJson: string, file = 'package.json'): number {
  const engines = (JSON.parse(packageJson) as { engines?: { node?: string } }).engines?.node;
  const m = /^>=\s*(\d+)(?:\.0)*$/.exec(engines ?? '');
  if (m === null) throw new Error(`${file}: engines.node must be ">=<major>" (got ${JSON.stringify(engines)}): the docs state it as the one Node.js requirement`);
  return Number(m[1]);
}

export function requiredNodeMajorOf(root: string): number {
  return requiredNodeMajor(readFileSync(path.join(root, 'package.json'), 'utf8'));
}

const requirementPatterns = [
  /\bNode(?:\.js)?\s*(?:≥|>=)\s*(\d+)/g,
  /\bNode(?:\.js)?\s+(\d+)\s+or\s+(?:newer|later)/g,
  /`v(\d+)\.x`\s+or\s+(?:newer|later)/g,
  /\bNode(?:\.js)?\b[^.|]*?\bolder than (\d+)/g,
];

/** Node.js requirements of a document that are not engines.node's major. */
export function wrongNodeRequirements(file: string, text: string, required: number): NodeProblem[] {
  const problems: NodeProblem[] = [];
  text.split('\n').forEach((line, i) => {
    for (const pattern of requirementPatterns) {
      for (const m of line.matchAll(pattern)) if (Number(m[1]) !== required) problems.push({ file, line: i + 1, text: m[0], required });
    }
  });
  return problems;
}

export function formatNodeProblem(problem: NodeProblem): string {
  return `${problem.file}:${problem.line}: "${problem.text}" is not the Node.js requirement ≥ ${problem.required} of package.json (engines.node); state that one`;
}

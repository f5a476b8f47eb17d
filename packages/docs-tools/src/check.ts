#!/usr/bin/env node
// `npm run docs:lint` (after markdownlint): every Mermaid diagram parses, every link and anchor
// resolves, every 10.x range and resource name is one the registry and naming code give, every
// Node.js requirement is package.json's engines.node, over every tracked Markdown file.
// Exit 1 with one line per problem (file:line: ...).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { formatCidrProblem, knownCidrs, unknownCidrs } from './cidr-mentions.ts';
import { trackedFiles, trackedMarkdownFiles } from './files.ts';
import { checkLinks, formatLinkProblem, type LinkContext } from './links.ts';
import { checkMermaid, formatMermaidProblem } from './mermaid.ts';
import { formatNameProblem, knownNames, unknownNames, type KnownNames } from './name-mentions.ts';
import { formatNodeProblem, requiredNodeMajorOf, wrongNodeRequirements } from './node-mentions.ts';

export interface DocsCheckResult {
  files: string[];
  diagrams: number;
  problems: string[];
}

export interface RegistryFacts {
  cidrs: ReadonlySet<string>;
  names: KnownNames;
  /** The Node.js requirement, engines.node of package.json. */
  nodeMajor: number;
}

export function registryFacts(root = repoRoot): RegistryFacts {
  const registry = loadRegistry(root);
  return { cidrs: knownCidrs(registry), names: knownNames(registry), nodeMajor: requiredNodeMajorOf(root) };
}

/**
 * Mermaid, link, CIDR and resource-name problems of the given Markdown files (repository-relative)
 * against the tracked files and the registry (the repository's by default).
 */
export async function checkDocs(root: string, files = trackedMarkdownFiles(root), tracked = trackedFiles(root), facts = registryFacts()): Promise<DocsCheckResult> {
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
  const docs = files.map((file) => ({ file, text: read(file) }));
  const context: LinkContext = { files: tracked, read };
  const mermaid = await checkMermaid(docs);
  const links = docs.flatMap(({ file, text }) => checkLinks(file, text, context));
  const ranges = docs.flatMap(({ file, text }) => unknownCidrs(file, text, facts.cidrs));
  const names = docs.flatMap(({ file, text }) => unknownNames(file, text, facts.names));
  const nodeRequirements = docs.flatMap(({ file, text }) => wrongNodeRequirements(file, text, facts.nodeMajor));
  const diagrams = docs.reduce((n, { text }) => n + (text.match(/^ {0,3}```mermaid\s*$/gm)?.length ?? 0), 0);
  return { files, diagrams, problems: [...mermaid.map(formatMermaidProblem), ...links.map(formatLinkProblem), ...ranges.map(formatCidrProblem), ...names.map(formatNameProblem), ...nodeRequirements.map(formatNodeProblem)] };
}

if (import.meta.main) {
  const result = await checkDocs(repoRoot);
  for (const problem of result.problems) console.error(problem);
  console.log(`${result.files.length} Markdown files, ${result.diagrams} Mermaid diagrams: ${result.problems.length} problem(s)`);
  process.exitCode = result.problems.length === 0 ? ExitCode.Success : ExitCode.Failed;
}

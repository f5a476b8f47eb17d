#!/usr/bin/env node
// `npm run docs:generate`: rewrites the generated blocks of the docs from the registry.
// `--check` only reports stale blocks (exit 4) and writes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRegistry } from '../config/registry.ts';
import { repoRoot } from '../config/paths.ts';
import { CliError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { deploymentCostMarkdown } from '../cost/doc-table.ts';
import { architectureDoc, architectureRenderers } from './blocks.ts';
import { renderBlocks } from './markers.ts';

/** The documents with generated blocks and the renderers of each. */
export function generatedDocuments(root = repoRoot) {
  const registry = loadRegistry(root);
  return [
    { file: architectureDoc, renderers: architectureRenderers(registry) },
    { file: 'docs/infrastructure/Cost_Optimization.md', renderers: { 'cost-table': deploymentCostMarkdown } },
  ];
}

export function main(args: string[]): number {
  const check = args.includes('--check');
  let status: number = ExitCode.Success;
  for (const { file, renderers } of generatedDocuments()) {
    const absolute = path.join(repoRoot, file);
    const result = renderBlocks(readFileSync(absolute, 'utf8'), renderers);
    if (result.missing.length > 0 || result.unknown.length > 0) {
      console.error(`error: ${file}: ${result.missing.map((name) => `markers for ${name} are missing`).concat(result.unknown.map((name) => `block ${name} has no renderer`)).join('; ')}`);
      return ExitCode.BadInput;
    }
    if (result.changed.length === 0) {
      console.log(`${file}: up to date`);
    } else if (check) {
      console.error(`${file}: stale blocks: ${result.changed.join(', ')} (run \`npm run docs:generate\`)`);
      status = ExitCode.ChangesPending;
    } else {
      writeFileSync(absolute, result.text);
      console.log(`${file}: rewrote ${result.changed.join(', ')}`);
    }
  }
  return status;
}

if (import.meta.main) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = error.exitCode;
  }
}

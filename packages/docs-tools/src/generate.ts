#!/usr/bin/env node
// `npm run docs:generate`: rewrites the generated blocks of the docs from the registry and the code.
// `--check` only reports stale blocks (exit 4) and writes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deploymentCostMarkdown } from '@complianceflow/cli/cost/doc-table.ts';
import { architectureDoc, architectureRenderers } from './blocks.ts';
import { cliScripts, commandInfo, commandTable } from './command-table.ts';
import { codeMapTables } from './code-map.ts';
import { costByServiceTable } from './cost-by-service.ts';
import { exitCodeTable } from './exit-code-table.ts';
import { networkDiagram } from './network-diagram.ts';
import { portTable } from './port-table.ts';
import { localWorldDiagram } from './local-world.ts';
import { referenceDeployments, snapshotOf } from './references.ts';
import { renderBlocks, type Renderers } from './markers.ts';
import { conditionBlock, permissionsTable } from './permissions.ts';
import { loadDeploymentRole } from '@complianceflow/cli/bootstrap/deployment-role.ts';
import { deriveRequiredActions } from '@complianceflow/cli/bootstrap/required-actions.ts';
import { deploymentShapes } from '@complianceflow/cli/bootstrap/resource-types.ts';

/** The architecture overview (the multi-deployment reference is architectureDoc). */
export const infrastructureArchitectureDoc = 'docs/infrastructure/Architecture.md';

export const bootstrapDoc = 'docs/infrastructure/Bootstrap.md';

export interface GeneratedDocument {
  file: string;
  renderers: Renderers;
}

/** The documents with generated blocks and the renderers of each. */
export async function generatedDocuments(root = repoRoot): Promise<GeneratedDocument[]> {
  const registry = loadRegistry(root);
  const deployments = resolveAll(registry);
  const references = () => referenceDeployments(registry, deployments);
  const prod = () => {
    const reference = references().find((r) => r.environment === 'prod') ?? references()[0]!;
    return { deployment: reference.deployment, resources: snapshotOf(root, reference.deployment.name) };
  };
  const commands = await commandInfo();
  // Both deployment shapes (the follow-up one planned with the real Bicep CLI): what the role must grant.
  const required = deriveRequiredActions(await deploymentShapes(root));
  const documents: GeneratedDocument[] = [
    { file: architectureDoc, renderers: architectureRenderers(registry) },
    { file: 'docs/infrastructure/Cost_Optimization.md', renderers: { 'cost-table': deploymentCostMarkdown } },
    { file: 'README.md', renderers: { 'readme-commands': () => commandTable(commands, cliScripts(root)), 'exit-codes': exitCodeTable } },
    {
      file: infrastructureArchitectureDoc,
      renderers: {
        'network-topology': () => networkDiagram(registry, prod().deployment, prod().resources),
        'cost-by-service': () => costByServiceTable(references(), root),
        ports: () => portTable(root, { name: prod().deployment.name, resources: prod().resources }),
      },
    },
    { file: 'docs/infrastructure/Code_Map.md', renderers: { 'code-map': () => codeMapTables(root) } },
    { file: 'docs/infrastructure/Setup_Guide.md', renderers: { 'local-world': () => localWorldDiagram(root) } },
    { file: 'docs/infrastructure/Local_Development.md', renderers: { 'local-world': () => localWorldDiagram(root) } },
    {
      file: bootstrapDoc,
      renderers: {
        'deployment-role-permissions': () => permissionsTable(loadDeploymentRole(root), required, deployments.length),
        'deployment-role-condition': () => conditionBlock(required),
      },
    },
  ];
  return documents;
}

export async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  let status: number = ExitCode.Success;
  for (const { file, renderers } of await generatedDocuments()) {
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
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = error.exitCode;
  }
}

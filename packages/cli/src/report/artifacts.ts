// What a successful deploy keeps next to its run report, so that exactly that run can be deployed
// again (deploy --template-from-run, rollback): the compiled template (template.json) and the
// parameters it sent (parameters.json, an ARM deployment parameters file). Secure parameters are
// never stored: the template says which they are (type securestring/secureObject), and they are
// dropped, their names listed in the report. The report records the project and the hashes that
// tie the files to it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../config/paths.ts';
import { isJsonObject } from '@complianceflow/core/json.ts';
import { runDirectory } from './store.ts';

export const templateFile = 'template.json';
export const parametersFile = 'parameters.json';

/** ARM's deployment parameters file schema (learn.microsoft.com/azure/azure-resource-manager/templates/parameter-files). */
const parametersSchema = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

/** The project a run belongs to: the checkout's package name (package.json), the same in every clone and CI job. */
export function projectIdentity(root: string = repoRoot): string {
  const name = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : path.basename(root);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The stored text of a template (its hash is the hash of these bytes). */
export function templateText(template: Record<string, unknown>): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** The template's secure parameters: securestring and secureObject (ARM's parameter types). */
export function secureParameterNames(template: Record<string, unknown>): string[] {
  const declared = isJsonObject(template['parameters']) ? template['parameters'] : {};
  return Object.entries(declared)
    .filter(([, p]) => isJsonObject(p) && typeof p['type'] === 'string' && p['type'].toLowerCase().startsWith('secure'))
    .map(([name]) => name);
}

export interface StorableParameters {
  /** ARM parameter values ({ name: { value } }) without the secure ones. */
  parameters: Record<string, unknown>;
  /** The secure parameters left out (names only). */
  omitted: string[];
}

export function storableParameters(template: Record<string, unknown>, parameters: Record<string, unknown>): StorableParameters {
  const secure = new Set(secureParameterNames(template).map((n) => n.toLowerCase()));
  const kept = Object.entries(parameters).filter(([name]) => !secure.has(name.toLowerCase()));
  return { parameters: Object.fromEntries(kept), omitted: Object.keys(parameters).filter((name) => secure.has(name.toLowerCase())).sort() };
}

export function parametersText(parameters: Record<string, unknown>): string {
  return `${JSON.stringify({ $schema: parametersSchema, contentVersion: '1.0.0.0', parameters }, null, 2)}\n`;
}

/** The two files, as stored locally and uploaded. */
export interface RunArtifactFiles {
  [templateFile]: string;
  [parametersFile]: string;
}

/** Writes the files into the run's directory (.runs/<deployment>/<run-id>/). */
export async function writeRunArtifacts(files: RunArtifactFiles, runsDir: string, deployment: string, runId: string): Promise<void> {
  const dir = runDirectory(runsDir, deployment, runId);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

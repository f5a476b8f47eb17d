// Reads policies/: definitions/**/*.json (built-in mirrors and our own), initiatives/*.json and
// assignments/<environment>.json. Every file is parsed and every assignment resolved and checked
// up front, so a bad file fails the command before anything is evaluated or deployed.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { repoRoot } from '../repo-root.ts';
import { AssignmentError, policyKey, resolveAssignment, type PolicyLookup } from './assignments.ts';
import { PolicyFileError } from './errors.ts';
import type { EffectivePolicy, PolicyAssignment, PolicyDefinition, PolicySetDefinition } from './types.ts';

/** The repository's policies/ directory. */
export const defaultPoliciesDir = join(repoRoot, 'policies');

export interface LoadedAssignment {
  file: string;
  environment: string;
  assignment: PolicyAssignment;
  policies: EffectivePolicy[];
}

export interface PolicyLibrary {
  root: string;
  definitions: Array<{ file: string; definition: PolicyDefinition }>;
  initiatives: Array<{ file: string; initiative: PolicySetDefinition }>;
  assignments: LoadedAssignment[];
}

function jsonFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return entry.endsWith('.json') ? [path] : [];
  });
}

function readJson(file: string, display: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyFileError(display, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SyntaxError('the top level must be a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new PolicyFileError(display, '', `not valid JSON: ${(error as Error).message}`);
  }
}

function requireString(doc: Record<string, unknown>, path: string, display: string): string {
  let value: unknown = doc;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' || value === '') throw new PolicyFileError(display, path, 'missing (a non-empty string is required)');
  return value;
}

function checkDefinitionShape(doc: Record<string, unknown>, display: string): PolicyDefinition {
  requireString(doc, 'name', display);
  requireString(doc, 'id', display);
  requireString(doc, 'properties.displayName', display);
  const mode = requireString(doc, 'properties.mode', display);
  if (!['all', 'indexed'].includes(mode.toLowerCase())) {
    throw new PolicyFileError(display, 'properties.mode', `mode "${mode}" is not supported by the offline evaluator`, 'modes: All, Indexed');
  }
  const properties = doc['properties'] as Record<string, unknown>;
  if (properties['policyRule'] === null || typeof properties['policyRule'] !== 'object') {
    throw new PolicyFileError(display, 'properties.policyRule', 'missing (an object with "if" and "then" is required)');
  }
  return doc as unknown as PolicyDefinition;
}

function checkInitiativeShape(doc: Record<string, unknown>, display: string): PolicySetDefinition {
  requireString(doc, 'name', display);
  requireString(doc, 'id', display);
  requireString(doc, 'properties.displayName', display);
  const references = (doc['properties'] as Record<string, unknown>)['policyDefinitions'];
  if (!Array.isArray(references) || references.length === 0) {
    throw new PolicyFileError(display, 'properties.policyDefinitions', 'missing (a non-empty array of definition references is required)');
  }
  references.forEach((_, i) => {
    requireString(doc, `properties.policyDefinitions.${i}.policyDefinitionId`, display);
    requireString(doc, `properties.policyDefinitions.${i}.policyDefinitionReferenceId`, display);
  });
  return doc as unknown as PolicySetDefinition;
}

function checkAssignmentShape(doc: Record<string, unknown>, display: string): PolicyAssignment {
  requireString(doc, 'name', display);
  requireString(doc, 'properties.displayName', display);
  requireString(doc, 'properties.policyDefinitionId', display);
  requireString(doc, 'properties.scope', display);
  const mode = (doc['properties'] as Record<string, unknown>)['enforcementMode'];
  if (mode !== undefined && mode !== 'Default' && mode !== 'DoNotEnforce') {
    throw new PolicyFileError(display, 'properties.enforcementMode', `"${String(mode)}" is not an enforcement mode`, 'enforcement modes: Default, DoNotEnforce');
  }
  return doc as unknown as PolicyAssignment;
}

/** Loads and checks every policy file under `root` (default: the repository's policies/). */
export function loadPolicyLibrary(root: string = defaultPoliciesDir): PolicyLibrary {
  const display = (file: string): string => join('policies', relative(root, file));
  const definitions = jsonFiles(join(root, 'definitions')).map((file) => ({ file: display(file), definition: checkDefinitionShape(readJson(file, display(file)), display(file)) }));
  const initiatives = jsonFiles(join(root, 'initiatives')).map((file) => ({ file: display(file), initiative: checkInitiativeShape(readJson(file, display(file)), display(file)) }));

  const byKey = new Map<string, { file: string; entry: ReturnType<PolicyLookup> }>();
  for (const { file, definition } of definitions) {
    const key = policyKey(definition.id);
    if (byKey.has(key)) throw new PolicyFileError(file, 'id', `duplicate policy definition id (also in ${byKey.get(key)!.file})`);
    byKey.set(key, { file, entry: { kind: 'definition', value: definition } });
  }
  for (const { file, initiative } of initiatives) {
    const key = policyKey(initiative.id);
    if (byKey.has(key)) throw new PolicyFileError(file, 'id', `duplicate initiative id (also in ${byKey.get(key)!.file})`);
    byKey.set(key, { file, entry: { kind: 'initiative', value: initiative } });
  }
  const lookup: PolicyLookup = (id) => byKey.get(policyKey(id))?.entry;
  const documentOf = (id: string): string => byKey.get(policyKey(id))?.file ?? id;

  const assignments = jsonFiles(join(root, 'assignments')).map((path) => {
    const file = display(path);
    const assignment = checkAssignmentShape(readJson(path, file), file);
    const metadata = (assignment.properties as { metadata?: { environment?: unknown } }).metadata;
    const environment = typeof metadata?.environment === 'string' ? metadata.environment : basename(path, '.json');
    // The environment parameter scopes the environment-specific rules to resources tagged env=<environment>.
    const scoped = assignment.properties.parameters?.['environment']?.value;
    if (scoped !== undefined && String(scoped).toLowerCase() !== environment.toLowerCase()) {
      throw new PolicyFileError(file, 'properties.parameters.environment', `is "${String(scoped)}" but the assignment is for environment "${environment}"`, 'set it to the environment of metadata.environment (or of the file name)');
    }
    try {
      return { file, environment, assignment, policies: resolveAssignment(assignment, lookup, documentOf, file) };
    } catch (error) {
      if (error instanceof AssignmentError) throw new PolicyFileError(error.document, error.path, error.message, error.hint);
      throw error;
    }
  });
  return { root, definitions, initiatives, assignments };
}

/** The assignments that apply to an environment's deployments. */
export function assignmentsFor(library: PolicyLibrary, environment: string): LoadedAssignment[] {
  return library.assignments.filter((a) => a.environment.toLowerCase() === environment.toLowerCase());
}

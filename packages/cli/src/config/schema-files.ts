// The JSON Schemas of the registry's files (deployments/schemas/*.schema.json): read and compiled
// with ajv once, on first use. Each YAML file names its schema on its first line
// (`# yaml-language-server: $schema=…`) so editors complete and check it against the same rules.
import path from 'node:path';
import { Ajv } from 'ajv';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { parseCidr } from '../cidr/ipv4.ts';
import { registryPaths, repoRoot } from './paths.ts';
import type { Problem } from './problems.ts';
import { schemaProblems, type SchemaNode, type SchemaSet } from './schema-messages.ts';
import { readData } from './yaml-file.ts';

export const schemasDir = registryPaths.schemasDir;

/** The schema of each kind of file, by file name in schemasDir (the names $refs use). */
export const registrySchemas = {
  deployment: 'deployment.schema.json',
  profile: 'profile.schema.json',
  regions: 'regions.schema.json',
  catalog: 'catalog.schema.json',
  bootstrap: 'bootstrap.schema.json',
  subnetPlan: 'subnet-plan.schema.json',
  whatIfRules: 'what-if-rules.schema.json',
} as const;
export type SchemaFile = (typeof registrySchemas)[keyof typeof registrySchemas];

/** The first line of a YAML file under deployments/: its schema, relative to the file, for editors. */
export function schemaLine(yamlFile: string, schema: SchemaFile): string {
  return `# yaml-language-server: $schema=${path.posix.relative(path.posix.dirname(yamlFile), `${schemasDir}/${schema}`)}`;
}

/** The first line of every deployment file (deployments/<name>.yaml). */
export const deploymentSchemaLine = schemaLine('deployments/<name>.yaml', registrySchemas.deployment);

interface Compiled extends SchemaSet {
  ajv: Ajv;
}

let compiled: Compiled | undefined;

/** Every node of a schema document, mapped to its file (for the `$ref`s messages follow). */
function indexNodes(node: unknown, file: string, owners: WeakMap<object, string>): void {
  if (typeof node !== 'object' || node === null) return;
  owners.set(node, file);
  for (const child of Object.values(node)) indexNodes(child, file, owners);
}

function compileAll(): Compiled {
  // strictTypes off: the profile's required-field tree (definitions/required) has `required` without `type`.
  // Compiling is on every command's path, so the schemas are not checked against the draft-07
  // meta-schema here (test/unit/config/config-schemas.test.ts does), refs are not inlined and the generated code
  // is not optimized: about four times faster to compile, and these documents are small.
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strictSchema: true,
    strictTypes: false,
    strictTuples: true,
    strictRequired: false,
    validateSchema: false,
    inlineRefs: false,
    code: { optimize: false },
  });
  // A network address (no host bits set): more than a pattern can say; editors check the pattern only.
  ajv.addFormat('ipv4-cidr-network', (value: string) => parseCidr(value).ok);
  const documents = new Map<string, SchemaNode>();
  const owners = new WeakMap<object, string>();
  for (const file of Object.values(registrySchemas)) {
    const parsed = readData(repoRoot, `${schemasDir}/${file}`);
    if (!parsed.ok) throw new ConfigError([parsed.problem]);
    const document = parsed.data as SchemaNode;
    documents.set(file, document);
    indexNodes(document, file, owners);
    ajv.addSchema(document, file);
  }
  for (const file of documents.keys()) ajv.getSchema(file);
  return { ajv, documents, owners };
}

function schemas(): Compiled {
  compiled ??= compileAll();
  return compiled;
}

/** The parsed schema document (plain JSON). */
export function schemaDocument(file: SchemaFile): SchemaNode {
  return schemas().documents.get(file)!;
}

/** Checks `data` against a schema: every problem with its field path, value and what is allowed. */
export function checkSchema(file: SchemaFile, data: unknown): Problem[] {
  const set = schemas();
  const validate = set.ajv.getSchema(file)!;
  return validate(data) ? [] : schemaProblems(set, file, validate.errors ?? [], data);
}

/** Whether `value` matches one definition, e.g. `profile.schema.json#/definitions/email`. */
export function matchesDefinition(ref: `${SchemaFile}#/definitions/${string}`, value: unknown): boolean {
  const validate = schemas().ajv.getSchema(ref);
  if (validate === undefined) throw new Error(`no schema ${ref}`);
  return validate(value) === true;
}

/** `{regionCode}-{environment}-{instance}`: deployment.schema.json's name pattern (file names and command-line names too). */
export function deploymentNamePattern(): RegExp {
  const name = (schemaDocument(registrySchemas.deployment).properties as Record<string, { pattern: string }>)['name']!;
  return new RegExp(name.pattern, 'u');
}

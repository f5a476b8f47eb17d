// The JSON Schemas of the registry's files (deployments/schemas/*.schema.json): read on first use,
// compiled with ajv only when a check is not already known clean (config-cache.ts). Each YAML file
// names its schema on its first line (`# yaml-language-server: $schema=…`) so editors complete and
// check it against the same rules.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv, Options } from 'ajv';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { parseCidr } from '../cidr/ipv4.ts';
import { configCacheEntry, holdsInJson, keepInConfigCache, readConfigCache } from './config-cache.ts';
import { configCacheDir, registryPaths, repoRoot } from './paths.ts';
import type { Problem } from './problems.ts';
import { schemaProblems, type SchemaNode, type SchemaSet } from './schema-messages.ts';
import { readData } from './yaml-file.ts';

const require = createRequire(import.meta.url);

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

/**
 * strictTypes off: the profile's required-field tree (definitions/required) has `required` without
 * `type`. Compiling is on the path of every command that meets a new file, so the schemas are not
 * checked against the draft-07 meta-schema here (test/unit/config/config-schemas.test.ts does),
 * refs are not inlined and the generated code is not optimized: about four times faster to compile,
 * and these documents are small. No option changes the data (no defaults, coercion or removal),
 * so a check is a pure function of the schemas and the data, and a clean one can be kept.
 */
const ajvOptions = {
  allErrors: true,
  verbose: true,
  strictSchema: true,
  strictTypes: false,
  strictTuples: true,
  strictRequired: false,
  validateSchema: false,
  inlineRefs: false,
  code: { optimize: false },
} as const satisfies Options;

/** The custom format's code (ipv4.ts imports nothing): part of what a kept check depends on. */
const cidrFormatSource = new URL('../cidr/ipv4.ts', import.meta.url);

let loaded: SchemaSet | undefined;
let compiled: Ajv | undefined;
let setKey: string | undefined;

/** Every node of a schema document, mapped to its file (for the `$ref`s messages follow). */
function indexNodes(node: unknown, file: string, owners: WeakMap<object, string>): void {
  if (typeof node !== 'object' || node === null) return;
  owners.set(node, file);
  for (const child of Object.values(node)) indexNodes(child, file, owners);
}

function schemaSet(): SchemaSet {
  if (loaded !== undefined) return loaded;
  const documents = new Map<string, SchemaNode>();
  const owners = new WeakMap<object, string>();
  for (const file of Object.values(registrySchemas)) {
    const parsed = readData(repoRoot, `${schemasDir}/${file}`);
    if (!parsed.ok) throw new ConfigError([parsed.problem]);
    const document = parsed.data as SchemaNode;
    documents.set(file, document);
    indexNodes(document, file, owners);
  }
  loaded = { documents, owners };
  return loaded;
}

function validators(): Ajv {
  if (compiled !== undefined) return compiled;
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv(ajvOptions);
  // A network address (no host bits set): more than a pattern can say; editors check the pattern only.
  ajv.addFormat('ipv4-cidr-network', (value: string) => parseCidr(value).ok);
  const { documents } = schemaSet();
  for (const [file, document] of documents) ajv.addSchema(document, file);
  for (const file of documents.keys()) ajv.getSchema(file);
  compiled = ajv;
  return compiled;
}

/** Everything a check depends on besides its data: ajv's version and options, the schemas, the format's code. */
function schemaSetKey(): string {
  if (setKey !== undefined) return setKey;
  const hash = createHash('sha256');
  hash.update((require('ajv/package.json') as { version: string }).version);
  hash.update(JSON.stringify(ajvOptions));
  for (const [file, document] of schemaSet().documents) hash.update(`${file}\0${JSON.stringify(document)}\0`);
  hash.update(readFileSync(cidrFormatSource));
  setKey = hash.digest('hex');
  return setKey;
}

/** The parsed schema document (plain JSON). */
export function schemaDocument(file: SchemaFile): SchemaNode {
  return schemaSet().documents.get(file)!;
}

/**
 * Checks `data` against a schema: every problem with its field path, value and what is allowed. A
 * check that found nothing is kept (config-cache.ts), so the same data against the same schemas
 * is not checked again and ajv does not load.
 */
export function checkSchema(file: SchemaFile, data: unknown, cacheDir = configCacheDir): Problem[] {
  const entry = holdsInJson(data) ? configCacheEntry(cacheDir, ['schema check', schemaSetKey(), file, JSON.stringify(data)]) : undefined;
  if (entry !== undefined && readConfigCache(entry)?.value === true) return [];
  const validate = validators().getSchema(file)!;
  if (validate(data)) {
    if (entry !== undefined) keepInConfigCache(entry, true);
    return [];
  }
  return schemaProblems(schemaSet(), file, validate.errors ?? [], data);
}

/** Whether `value` matches one definition, e.g. `profile.schema.json#/definitions/email`. */
export function matchesDefinition(ref: `${SchemaFile}#/definitions/${string}`, value: unknown): boolean {
  const validate = validators().getSchema(ref);
  if (validate === undefined) throw new Error(`no schema ${ref}`);
  return validate(value) === true;
}

/** `{regionCode}-{environment}-{instance}`: deployment.schema.json's name pattern (file names and command-line names too). */
export function deploymentNamePattern(): RegExp {
  const name = (schemaDocument(registrySchemas.deployment).properties as Record<string, { pattern: string }>)['name']!;
  return new RegExp(name.pattern, 'u');
}

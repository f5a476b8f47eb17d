// The deployment registry: read deployments/, profiles, regions, catalogue and the subnet plan,
// then validate the plain data and collect every problem before failing: each file against its JSON
// Schema (deployments/schemas/, schema-files.ts), and here the rules across fields and files (names
// match the files, references exist, address spaces do not overlap, derived names fit Azure).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { checkAddressSpace, findOverlaps } from '../cidr/allocation.ts';
import { pinpointCharacter } from '../naming/characters.ts';
import { nameProblems } from '../naming/derive.ts';
import { hasPath } from './merge.ts';
import { repoRoot, registryPaths, sharedRegistryFiles } from './paths.ts';
import { crossFieldProblems } from './cross-field.ts';
import { inFile, show, type Problem } from './problems.ts';
import { checkSchema, deploymentNamePattern, registrySchemas, type SchemaFile } from './schema-files.ts';
import { mergedSettings, namesOf } from './resolve.ts';
import { didYouMean } from './suggest.ts';
import { subnetPlanProblems } from './subnets.ts';
import type { Catalog, DeploymentFile, Profile, Region, Registry, SubnetPlan } from './types.ts';
import { readData, type Parsed } from './yaml-file.ts';

/** The raw content of every registry file, as read from disk. */
export interface RegistrySources {
  root: string;
  regions: Parsed;
  catalog: Parsed;
  subnetPlan: Parsed;
  profiles: Parsed[];
  deployments: Parsed[];
}

function listYaml(root: string, relativeDir: string): string[] {
  try {
    return readdirSync(path.join(root, relativeDir), { withFileTypes: true })
      .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && !sharedRegistryFiles.has(entry.name))
      .map((entry) => `${relativeDir}/${entry.name}`)
      .sort();
  } catch {
    return [];
  }
}

/** Reads every registry file under `root` (nothing is validated yet). */
export function readRegistrySources(root: string): RegistrySources {
  return {
    root,
    regions: readData(root, registryPaths.regions),
    catalog: readData(root, registryPaths.catalog),
    subnetPlan: readData(root, registryPaths.subnetPlan),
    profiles: listYaml(root, registryPaths.profilesDir).map((file) => readData(root, file)),
    deployments: listYaml(root, registryPaths.deploymentsDir).map((file) => readData(root, file)),
  };
}

/** Loads and validates the registry; throws ConfigError listing every problem found. */
export function loadRegistry(root: string = repoRoot): Registry {
  return validateRegistry(readRegistrySources(root));
}

/**
 * The registry for a command about some deployments. A deployment file that is broken on its own
 * (unreadable or invalid YAML, schema problems) does not stop commands about the others: it is left
 * out, and `warn` names it with its first problem — its address space is then not checked against
 * theirs, which is safe: it cannot be planned or deployed until it is fixed, and its own plan checks
 * it. Any other problem (a shared file, the named deployments themselves) refuses as loadRegistry does.
 */
export function loadRegistryFor(wanted: readonly string[], root: string = repoRoot, warn: (line: string) => void = (line) => console.error(line)): Registry {
  const sources = readRegistrySources(root);
  try {
    return validateRegistry(sources);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const fileOf = (problem: string): string => /^([^:\s]+\.(?:ya?ml|json))[:\s]/.exec(problem)?.[1] ?? '';
    const broken = new Set(error.problems.map(fileOf));
    const deploymentFiles = new Set(sources.deployments.map((d) => d.file));
    const wantedFiles = new Set(sources.deployments.filter((d) => wanted.includes(baseName(d.file))).map((d) => d.file));
    if ([...broken].some((file) => !deploymentFiles.has(file) || wantedFiles.has(file))) throw error;
    let registry: Registry;
    try {
      registry = validateRegistry({ ...sources, deployments: sources.deployments.filter((d) => !broken.has(d.file)) });
    } catch {
      throw error;
    }
    for (const file of [...broken].sort()) {
      const first = error.problems.find((problem) => fileOf(problem) === file)!;
      warn(`warning: ${file} is broken and left out (its address space is not checked against this command's deployments): ${first}`);
    }
    return registry;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function baseName(file: string): string {
  return path.posix.basename(file).replace(/\.ya?ml$/, '');
}

/** Validates one parsed file against its schema; returns its data when it is valid. */
function checked<T>(parsed: Parsed, schema: SchemaFile, problems: string[]): T | undefined {
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  const found = checkSchema(schema, parsed.data);
  problems.push(...inFile(parsed.file, found));
  return found.length === 0 ? (parsed.data as T) : undefined;
}

type CheckedProfiles = Record<string, Profile & { file: string }>;

/**
 * Each profile against its schema, its file name and the rules across its fields. An environment
 * exists when its profile file does, even if the file has problems of its own (those are reported
 * once, on the profile, not again on every deployment that uses it).
 */
function checkProfiles(sources: readonly Parsed[], catalog: Catalog | undefined, problems: string[]): { profiles: CheckedProfiles; profileProblemKeys: Map<string, Set<string>>; environments: string[] } {
  const profiles: CheckedProfiles = {};
  const profileProblemKeys = new Map<string, Set<string>>();
  const environments = sources.map((parsed) => baseName(parsed.file)).sort();
  for (const parsed of sources) {
    const profile = checked<Profile>(parsed, registrySchemas.profile, problems);
    if (profile === undefined) continue;
    const expected = baseName(parsed.file);
    if (profile.environment !== expected) {
      problems.push(`${parsed.file}: environment: ${show(profile.environment)} does not match the file name; allowed: ${JSON.stringify(expected)} (a profile is deployments/profiles/<environment>.yaml)`);
      continue;
    }
    const { environment: _, ...settings } = profile;
    const cross = crossFieldProblems(settings, catalog?.eventHubs ?? []);
    problems.push(...inFile(parsed.file, cross));
    profileProblemKeys.set(profile.environment, new Set(cross.map((problem) => `${problem.path}|${problem.message}`)));
    profiles[profile.environment] = { ...profile, file: parsed.file };
  }
  return { profiles, profileProblemKeys, environments };
}

/**
 * A valid deployment's settings after its overrides (the rules across fields again, reported on the
 * override, or on the profile field when only the combination breaks it) and every derived name.
 */
function settingsAndNameProblems(
  deployment: DeploymentFile,
  registry: { regions: Record<string, Region>; profiles: CheckedProfiles; catalog: Catalog; subnetPlan: SubnetPlan },
  profileProblemKeys: ReadonlyMap<string, Set<string>>,
): string[] {
  const profile = registry.profiles[deployment.environment];
  const region = registry.regions[deployment.regionCode];
  if (profile === undefined || region === undefined) return [];
  const problems: string[] = [];
  if (deployment.overrides !== undefined) {
    const known = profileProblemKeys.get(deployment.environment) ?? new Set();
    for (const problem of crossFieldProblems(mergedSettings(profile, deployment), registry.catalog.eventHubs)) {
      if (known.has(`${problem.path}|${problem.message}`) && !hasPath(deployment.overrides, problem.path)) continue;
      const where = hasPath(deployment.overrides, problem.path) ? `overrides.${problem.path}` : `${problem.path} (from ${profile.file}, with this file's overrides)`;
      problems.push(`${deployment.file}: ${where}: ${problem.message}`);
    }
  }
  const { names, other } = namesOf(deployment, region, registry.catalog, registry.subnetPlan);
  for (const problem of nameProblems(names, other)) problems.push(`${deployment.file}: name: the derived name ${problem.path} is refused: ${problem.message}`);
  return problems;
}

/** Pure validation of the registry's data. Throws ConfigError with every problem. */
export function validateRegistry(sources: RegistrySources): Registry {
  const problems: string[] = [];

  const regionsData = checked<Record<string, Omit<Region, 'code'>>>(sources.regions, registrySchemas.regions, problems);
  const regions: Record<string, Region> = Object.fromEntries(Object.entries(regionsData ?? {}).map(([code, region]) => [code, { code, ...region }]));
  // Region codes exist when they are keys of regions.yaml, even if an entry has problems (reported once, there).
  const regionCodes = sources.regions.ok && isMapping(sources.regions.data) ? Object.keys(sources.regions.data) : [];

  const catalog = checked<Catalog>(sources.catalog, registrySchemas.catalog, problems);
  if (catalog !== undefined) problems.push(...inFile(registryPaths.catalog, catalogProblems(catalog)));

  const { profiles, profileProblemKeys, environments } = checkProfiles(sources.profiles, catalog, problems);
  if (sources.profiles.length === 0) problems.push(`${registryPaths.profilesDir}: no profiles found; add one <environment>.yaml per environment`);

  const subnetPlan = checked<SubnetPlan>(sources.subnetPlan, registrySchemas.subnetPlan, problems);
  if (subnetPlan !== undefined) problems.push(...inFile(registryPaths.subnetPlan, subnetPlanProblems(subnetPlan, environments)));

  const deployments: DeploymentFile[] = [];
  // Every deployment whose fields have the right types takes part in the overlap check, even when
  // its address space is not a /16: a /12 written by mistake must still be shown to cover others.
  const candidates: DeploymentFile[] = [];
  for (const parsed of sources.deployments) {
    const checkedDeployment = checkDeployment(parsed, { regionCodes, locations: Object.fromEntries(Object.values(regions).map((region) => [region.code, region.location])), environments, problems });
    if (checkedDeployment === undefined) continue;
    candidates.push(checkedDeployment.deployment);
    if (checkedDeployment.valid) deployments.push(checkedDeployment.deployment);
  }
  if (sources.deployments.length === 0) problems.push(`${registryPaths.deploymentsDir}: no deployment files found; add deployments/<name>.yaml`);
  deployments.sort((a, b) => a.name.localeCompare(b.name));
  candidates.sort((a, b) => a.name.localeCompare(b.name));

  const fileOf = new Map(candidates.map((deployment) => [deployment.name, deployment.file]));
  for (const overlap of findOverlaps(candidates.map((deployment) => ({ deployment: deployment.name, regionCode: deployment.regionCode, addressSpace: deployment.addressSpace })))) {
    problems.push(`${fileOf.get(overlap.deployment)}: addressSpace: ${overlap.message}`);
  }

  if (catalog !== undefined && subnetPlan !== undefined) {
    for (const deployment of deployments) problems.push(...settingsAndNameProblems(deployment, { regions, profiles, catalog, subnetPlan }, profileProblemKeys));
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return { root: sources.root, regions, profiles, catalog: catalog!, subnetPlan: subnetPlan!, deployments };
}

function catalogProblems(catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  for (const service of catalog.services) {
    if (catalog.protocols[service] === undefined) problems.push({ path: 'protocols', message: `service ${show(service)} has no protocol: add "${service}: kafka" or "${service}: amqp" (how it talks to Event Hubs)` });
  }
  for (const key of Object.keys(catalog.protocols)) {
    if (!catalog.services.includes(key)) problems.push({ path: `protocols.${key}`, message: `${show(key)} is not a known service${didYouMean(key, catalog.services)}; allowed: ${catalog.services.join(', ')}` });
  }
  const hubNames = new Set<string>();
  catalog.eventHubs.forEach((hub, index) => {
    if (hubNames.has(hub.name.toLowerCase())) problems.push({ path: `eventHubs[${index}].name`, message: `${show(hub.name)} is listed twice; event hub names are unique per namespace (case-insensitive)` });
    hubNames.add(hub.name.toLowerCase());
    hub.consumers.forEach((consumer, position) => {
      if (!catalog.services.includes(consumer)) {
        problems.push({ path: `eventHubs[${index}].consumers[${position}]`, message: `${show(consumer)} is not a known service${didYouMean(consumer, catalog.services)}; allowed: ${catalog.services.join(', ')}` });
      }
    });
  });
  return problems;
}

function checkDeployment(parsed: Parsed, context: { regionCodes: readonly string[]; locations: Record<string, string>; environments: readonly string[]; problems: string[] }): { deployment: DeploymentFile; valid: boolean } | undefined {
  const { problems } = context;
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  const file = parsed.file;
  if (file.endsWith('.yml')) {
    problems.push(`${file}: the file extension must be .yaml (rename it to ${file.replace(/\.yml$/, '.yaml')})`);
    return undefined;
  }
  if (!deploymentNamePattern().test(baseName(file))) {
    const odd = pinpointCharacter(baseName(file), (character) => /^[a-z0-9-]$/.test(character));
    problems.push(
      `${file}: the file name is not a deployment name${odd === undefined ? '' : ` (it contains ${odd}, which is not a lower-case ASCII letter, digit or hyphen)`}; allowed: deployments/{regionCode}-{environment}-{instance}.yaml (e.g. westeu-test-1.yaml), ` +
        `or one of the shared files ${[...sharedRegistryFiles].join(', ')}`,
    );
    return undefined;
  }
  const found = checkSchema(registrySchemas.deployment, parsed.data);
  problems.push(...inFile(file, found));
  if (found.length > 0) return undefined;
  const data = parsed.data as Omit<DeploymentFile, 'file'>;
  const before = problems.length;
  const here = (field: string, message: string) => problems.push(`${file}: ${field}: ${message}`);

  const expectedName = `${data.regionCode}-${data.environment}-${data.instance}`;
  if (data.name !== expectedName) here('name', `${show(data.name)} does not match its fields; allowed: ${JSON.stringify(expectedName)} ({regionCode}-{environment}-{instance})`);
  if (data.name !== baseName(file)) here('name', `${show(data.name)} does not match the file name ${path.posix.basename(file)}; allowed: ${JSON.stringify(baseName(file))} (or rename the file to deployments/${data.name}.yaml)`);
  if (!context.regionCodes.includes(data.regionCode)) {
    const known = context.regionCodes;
    const byLocation = Object.entries(context.locations).find(([, location]) => location === data.regionCode)?.[0];
    const hint = byLocation === undefined ? didYouMean(data.regionCode, known) : ` (${data.regionCode} is the Azure location of region code "${byLocation}")`;
    here('regionCode', `${show(data.regionCode)} is not a region in deployments/regions.yaml${hint}; allowed: ${known.join(', ')}`);
  }
  if (!context.environments.includes(data.environment)) {
    const known = context.environments;
    here('environment', `${show(data.environment)} has no profile in deployments/profiles/${didYouMean(data.environment, known)}; allowed: ${known.join(', ')}`);
  }
  const cidrProblem = checkAddressSpace(data.addressSpace);
  if (cidrProblem !== undefined) here('addressSpace', cidrProblem);
  return { deployment: { ...data, file }, valid: problems.length === before };
}

export { resolveAll, resolveDeployment, type ResolvedDeployment } from './resolve.ts';

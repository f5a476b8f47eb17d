// deployments/bootstrap.yaml: what bootstrap creates once per subscription, validated before
// anything is read from or written to Azure: its fields by deployments/schemas/bootstrap.schema.json,
// the references to the registry here. Budgets and contacts come from the registry (whose own
// validation refuses a budget that is not a positive number or a contact that is not an email).
import { ConfigError, UsageError } from '@complianceflow/core/errors.ts';
import { guidPattern } from '@complianceflow/core/guid.ts';
import type { Registry } from '../config/types.ts';
import { readData } from '../config/yaml-file.ts';
import { inFile } from '../config/problems.ts';
import { checkSchema, matchesDefinition, registrySchemas } from '../config/schema-files.ts';

export const bootstrapConfigFile = 'deployments/bootstrap.yaml';

export interface BootstrapConfig {
  github: { owner: string; repo: string };
  location: string;
  ciIdentity: { displayName: string };
  /** The pull-request identity (read + what-if only): its own app registration. */
  prIdentity: { displayName: string };
  artifacts: { environment: string; sku: string; softDeleteDays: number; deleteOldVersionsAfterDays: number; allowedSourceRanges: string[] };
}

/** A subscription id must be a GUID; anything else is refused before any request. */
export function checkSubscriptionId(value: string): string {
  if (!guidPattern.test(value)) {
    throw new UsageError(`--subscription "${value}" is not a subscription id: expected a GUID like 9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63.`, 'az account show --query id -o tsv prints the current one');
  }
  return value.toLowerCase();
}

/** Reads and validates deployments/bootstrap.yaml against the registry (known environment and region). */
export function loadBootstrapConfig(registry: Registry): BootstrapConfig {
  const parsed = readData(registry.root, bootstrapConfigFile);
  if (!parsed.ok) throw new ConfigError([parsed.problem]);
  const problems = inFile(bootstrapConfigFile, checkSchema(registrySchemas.bootstrap, parsed.data));
  if (problems.length > 0) throw new ConfigError(problems);
  const config = parsed.data as BootstrapConfig;
  const more: string[] = [];
  if (registry.profiles[config.artifacts.environment] === undefined) {
    more.push(`${bootstrapConfigFile}: artifacts.environment: "${config.artifacts.environment}" has no profile; known: ${Object.keys(registry.profiles).join(', ')}`);
  }
  if (config.prIdentity.displayName.toLowerCase() === config.ciIdentity.displayName.toLowerCase()) {
    more.push(`${bootstrapConfigFile}: prIdentity.displayName: "${config.prIdentity.displayName}" is the CI identity's name: pull requests need an app registration of their own (read and what-if only)`);
  }
  const locations = Object.values(registry.regions).map((r) => r.location);
  if (!locations.includes(config.location)) more.push(`${bootstrapConfigFile}: location: "${config.location}" is not a location of deployments/regions.yaml (${locations.join(', ')})`);
  // Contacts are validated by the registry already; checked again here because budgets send to them.
  for (const [env, profile] of Object.entries(registry.profiles)) {
    profile.budget.contacts.forEach((contact, i) => {
      if (!matchesDefinition('profile.schema.json#/definitions/email', contact)) more.push(`${profile.file}: budget.contacts[${i}]: "${contact}" is not an email address`);
    });
    if (!(profile.budget.monthlyUsd > 0)) more.push(`${profile.file}: budget.monthlyUsd: ${String(profile.budget.monthlyUsd)} is not a positive amount (environment ${env})`);
  }
  if (more.length > 0) throw new ConfigError(more);
  return config;
}

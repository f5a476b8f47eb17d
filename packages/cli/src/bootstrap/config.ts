// deployments/bootstrap.yaml: what bootstrap creates once per subscription, validated before
// anything is read from or written to Azure. Budgets and contacts come from the registry (whose
// own validation refuses a budget that is not a positive number or a contact that is not an email).
import { ConfigError, UsageError } from '@complianceflow/core/errors.ts';
import type { Registry } from '../config/types.ts';
import { readData } from '../config/yaml-file.ts';
import { validate, inFile, type Spec } from '../config/schema.ts';
import { emailSpec } from '../config/profile-schema.ts';

export const bootstrapConfigFile = 'deployments/bootstrap.yaml';

export interface BootstrapConfig {
  github: { owner: string; repo: string };
  location: string;
  ciIdentity: { displayName: string };
  /** The pull-request identity (read + what-if only): its own app registration. */
  prIdentity: { displayName: string };
  artifacts: { environment: string; sku: string; softDeleteDays: number; deleteOldVersionsAfterDays: number; allowedSourceRanges: string[] };
}

const githubName: Spec = { kind: 'string', rule: 'a GitHub owner or repository name (letters, digits, ".", "-", "_")', test: (v) => /^[A-Za-z0-9._-]{1,100}$/.test(v) };
const days = (min: number, max: number): Spec => ({ kind: 'number', rule: `a whole number of days, ${min}-${max}`, test: (v) => Number.isInteger(v) && v >= min && v <= max });

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const ipv4 = new RegExp(`^${octet}(\\.${octet}){3}(/([0-9]|[12][0-9]|30))?$`);
const storageIpRule: Spec = { kind: 'string', rule: 'an IPv4 address or CIDR range up to /30, e.g. 203.0.113.0/24', test: (v) => ipv4.test(v) };

const identitySpec: Spec = { kind: 'object', fields: { displayName: { spec: { kind: 'string', rule: 'a display name of 1-120 characters', test: (v) => v.length > 0 && v.length <= 120 } } } };

const bootstrapSpec: Spec = {
  kind: 'object',
  fields: {
    github: { spec: { kind: 'object', fields: { owner: { spec: githubName }, repo: { spec: githubName } } } },
    location: { spec: { kind: 'string', rule: 'an Azure location name, e.g. westeurope', test: (v) => /^[a-z0-9]+$/.test(v) } },
    ciIdentity: { spec: identitySpec },
    prIdentity: { spec: identitySpec },
    artifacts: {
      spec: {
        kind: 'object',
        fields: {
          environment: { spec: { kind: 'string', rule: 'an environment with a profile', test: (v) => v.length > 0 } },
          sku: { spec: { kind: 'enum', values: ['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS', 'Standard_RAGRS', 'Standard_RAGZRS'] } },
          softDeleteDays: { spec: days(1, 365) },
          deleteOldVersionsAfterDays: { spec: days(1, 36500) },
          allowedSourceRanges: { spec: { kind: 'array', unique: true, items: storageIpRule } },
        },
      },
    },
  },
};

export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  const problems = inFile(bootstrapConfigFile, validate(bootstrapSpec, parsed.data));
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
      if (validate(emailSpec, contact).length > 0) more.push(`${profile.file}: budget.contacts[${i}]: "${contact}" is not an email address`);
    });
    if (!(profile.budget.monthlyUsd > 0)) more.push(`${profile.file}: budget.monthlyUsd: ${String(profile.budget.monthlyUsd)} is not a positive amount (environment ${env})`);
  }
  if (more.length > 0) throw new ConfigError(more);
  return config;
}

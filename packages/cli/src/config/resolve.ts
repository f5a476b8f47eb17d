// A deployment resolved from a validated registry: its region, merged settings, tags, names and
// subnets. Pure functions of the registry's data.
import { pinpointCharacter } from '../naming/characters.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { deriveNames, deriveOtherNames, type DeploymentNames, type OtherNames } from '../naming/derive.ts';
import { deploymentNamePattern } from './schema-files.ts';
import { deepMerge } from './merge.ts';
import { closest } from './suggest.ts';
import { deriveSubnets } from './subnets.ts';
import type { Catalog, DeploymentFile, DeploymentSettings, Profile, Region, Registry, Subnet, SubnetPlan } from './types.ts';

export function mergedSettings(profile: Profile, deployment: DeploymentFile): DeploymentSettings {
  const { environment: _, ...settings } = profile;
  const merged = deepMerge(settings, deployment.overrides);
  return { ...merged, network: { ...merged.network, managementSourceRanges: [...deployment.managementSourceRanges] } };
}

export function namesOf(deployment: DeploymentFile, region: Region, catalog: Catalog, plan: SubnetPlan): { names: DeploymentNames; other: OtherNames } {
  const subnetTiers = plan.subnets.filter((subnet) => subnet.environments.includes(deployment.environment)).map((subnet) => subnet.tier);
  const input = { name: deployment.name, environment: deployment.environment, instance: deployment.instance, location: region.location, services: catalog.services, subnetTiers };
  return { names: deriveNames(input), other: deriveOtherNames(input) };
}

/** Everything about one deployment that the templates and commands need. */
export interface ResolvedDeployment {
  name: string;
  regionCode: string;
  /** Azure location, e.g. westeurope. */
  location: string;
  regionDisplayName: string;
  environment: string;
  instance: number;
  addressSpace: string;
  description: string | undefined;
  /** Repository-relative path of the deployment file. */
  file: string;
  /** The profile with the deployment's overrides merged in. */
  settings: DeploymentSettings;
  tags: { app: 'complianceflow'; env: string; owner: string; costCenter: string; deployment: string; region: string };
  names: DeploymentNames;
  /** Stack name and action group short name (not resources of main.bicep). */
  otherNames: OtherNames;
  subnets: Subnet[];
  catalog: Catalog;
}

/** Looks a deployment up by name; an unknown name is a UsageError naming the known ones. */
export function resolveDeployment(registry: Registry, name: string): ResolvedDeployment {
  const deployment = registry.deployments.find((candidate) => candidate.name === name);
  const known = registry.deployments.map((candidate) => candidate.name);
  if (deployment === undefined) {
    const nearest = closest(name, known);
    const odd = pinpointCharacter(name, (character) => /^[a-z0-9-]$/.test(character));
    const shape = deploymentNamePattern().test(name) ? '' : ` (${odd === undefined ? '' : `it contains ${odd}, which is not a lower-case ASCII letter, digit or hyphen; `}deployment names are {regionCode}-{environment}-{instance}, e.g. westeu-test-1)`;
    throw new UsageError(
      `unknown deployment ${JSON.stringify(name)}${shape}${nearest === undefined ? '' : `; did you mean ${JSON.stringify(nearest)}?`} Known deployments: ${known.join(', ')}.`,
      'each deployment is a file deployments/<name>.yaml; `cf-infra cidr` lists them',
    );
  }
  const region = registry.regions[deployment.regionCode]!;
  const profile = registry.profiles[deployment.environment]!;
  const settings = mergedSettings(profile, deployment);
  const { names, other } = namesOf(deployment, region, registry.catalog, registry.subnetPlan);
  const subnets = deriveSubnets(registry.subnetPlan, deployment.addressSpace, deployment.environment).map((subnet) => ({
    tier: subnet.tier,
    name: names.subnets[subnet.tier]!,
    nsgName: names.networkSecurityGroups[subnet.tier]!,
    prefix: subnet.prefix,
    purpose: subnet.purpose,
  }));
  return {
    name: deployment.name,
    regionCode: deployment.regionCode,
    location: region.location,
    regionDisplayName: region.displayName,
    environment: deployment.environment,
    instance: deployment.instance,
    addressSpace: deployment.addressSpace,
    description: deployment.description,
    file: deployment.file,
    settings,
    tags: {
      app: 'complianceflow',
      env: deployment.environment,
      owner: settings.tags.owner,
      costCenter: settings.tags.costCenter,
      deployment: deployment.name,
      region: region.location,
    },
    names,
    otherNames: other,
    subnets,
    catalog: registry.catalog,
  };
}

/** Every deployment, resolved, in name order. */
export function resolveAll(registry: Registry): ResolvedDeployment[] {
  return registry.deployments.map((deployment) => resolveDeployment(registry, deployment.name));
}


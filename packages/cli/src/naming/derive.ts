// Every resource name of a deployment, derived in this one place (Bicep never builds a name).
import { describeViolation, namingRules, namingViolation, type NamingRuleId } from './rules.ts';
import { databaseName } from './database-names.ts';
import { uniqueSuffix } from './suffix.ts';

export interface NamingInput {
  /** The deployment name, e.g. westeu-test-1. */
  name: string;
  environment: string;
  instance: number;
  /** Azure location, e.g. westeurope. */
  location: string;
  /** The catalogue's services (one database each). */
  services: readonly string[];
  /** The subnet tiers of this deployment (from the subnet plan). */
  subnetTiers: readonly string[];
}

/** Private endpoints and the service each one connects. */
export const privateEndpointTargets = {
  postgres: 'postgres',
  redis: 'redis',
  keyVault: 'keyvault',
  eventHubs: 'eventhubs',
  containerRegistry: 'registry',
} as const;

/** The `names` parameter of bicep/main.bicep. */
export interface DeploymentNames {
  resourceGroup: string;
  virtualNetwork: string;
  subnets: Record<string, string>;
  networkSecurityGroups: Record<string, string>;
  networkWatcher: string;
  networkWatcherResourceGroup: string;
  flowLogsStorageAccount: string;
  vnetFlowLog: string;
  logAnalyticsWorkspace: string;
  applicationInsights: string;
  actionGroup: string;
  /** The action group's groupShortName (at most 12 characters, shown in SMS and email). */
  actionGroupShortName: string;
  keyVault: string;
  postgresServer: string;
  databases: Record<string, string>;
  redisCache: string;
  eventHubsNamespace: string;
  containerRegistry: string;
  /** The registry's ACR Tasks agent pool in the VNet (only where the profile asks for one: registry.buildAgentPool). */
  containerRegistryAgentPool: string;
  containerAppsEnvironment: string;
  /**
   * The resource group Azure creates for the environment's infrastructure (workload profiles):
   * untagged and managed by the environment, so the tag rules exclude exactly this name
   * (policy notScopes, packages/core/src/policy/exclusions.ts).
   */
  containerAppsInfrastructureResourceGroup: string;
  /** The Container Apps job that runs the data checks inside the VNet (cf-infra validate). */
  validationJob: string;
  workloadIdentity: string;
  privateEndpoints: Record<keyof typeof privateEndpointTargets, string>;
}

/** Names that are not resources of the template but belong to the deployment. */
export interface OtherNames {
  /** The subscription-scoped deployment stack, one per deployment. */
  deploymentStack: string;
}

/** The deployment name without hyphens, for names that allow only letters and digits. */
export function compactName(deploymentName: string): string {
  return deploymentName.replaceAll('-', '');
}

function mapValues<T extends string>(keys: readonly T[], name: (key: T) => string): Record<T, string> {
  return Object.fromEntries(keys.map((key) => [key, name(key)])) as Record<T, string>;
}

export function deriveNames(input: NamingInput): DeploymentNames {
  const d = input.name;
  const compact = compactName(d);
  const suffix = uniqueSuffix(d);
  return {
    resourceGroup: `rg-cf-${d}`,
    virtualNetwork: `vnet-cf-${d}`,
    subnets: mapValues(input.subnetTiers, (tier) => `snet-cf-${d}-${tier}`),
    networkSecurityGroups: mapValues(input.subnetTiers, (tier) => `nsg-cf-${d}-${tier}`),
    // Azure's own watcher: one per subscription and region, created by bootstrap, referenced as existing.
    networkWatcher: `NetworkWatcher_${input.location}`,
    networkWatcherResourceGroup: 'NetworkWatcherRG',
    flowLogsStorageAccount: `stcf${compact}${suffix}`,
    vnetFlowLog: `fl-cf-${d}-vnet`,
    logAnalyticsWorkspace: `log-cf-${d}`,
    applicationInsights: `appi-cf-${d}`,
    actionGroup: `ag-cf-${d}`,
    // 12 characters at most: cf + environment + instance, e.g. cf-prod-1 (the alert text names the deployment).
    actionGroupShortName: `cf-${input.environment}-${input.instance}`,
    keyVault: `kv-cf-${compact}-${suffix}`,
    postgresServer: `psql-cf-${d}`,
    databases: mapValues(input.services, (service) => databaseName(service, d.replaceAll('-', '_'))),
    redisCache: `redis-cf-${d}`,
    eventHubsNamespace: `evhns-cf-${d}`,
    containerRegistry: `crcf${compact}${suffix}`,
    containerRegistryAgentPool: 'cf-build',
    containerAppsEnvironment: `cae-cf-${d}`,
    containerAppsInfrastructureResourceGroup: `rg-cf-${d}-cae-infra`,
    validationJob: `caj-cf-${d}-val`,
    workloadIdentity: `id-cf-${d}-workload`,
    privateEndpoints: mapValues(Object.keys(privateEndpointTargets) as (keyof typeof privateEndpointTargets)[], (key) => `pe-cf-${d}-${privateEndpointTargets[key]}`),
  };
}

/** The subscription-scoped deployment stack of a deployment (and the ARM deployment it runs): the one place this name is made. */
export function stackName(deployment: string): string {
  return `cf-${deployment}`;
}

export function deriveOtherNames(input: Pick<NamingInput, 'name'>): OtherNames {
  return { deploymentStack: stackName(input.name) };
}

/** Which naming rule governs each entry of DeploymentNames and OtherNames. */
const ruleOf: Record<string, NamingRuleId> = {
  resourceGroup: 'resourceGroup',
  virtualNetwork: 'virtualNetwork',
  subnets: 'subnet',
  networkSecurityGroups: 'networkSecurityGroup',
  networkWatcher: 'networkWatcher',
  networkWatcherResourceGroup: 'resourceGroup',
  flowLogsStorageAccount: 'storageAccount',
  vnetFlowLog: 'flowLog',
  logAnalyticsWorkspace: 'logAnalyticsWorkspace',
  applicationInsights: 'applicationInsights',
  actionGroup: 'actionGroup',
  keyVault: 'keyVault',
  postgresServer: 'postgresServer',
  databases: 'postgresDatabase',
  redisCache: 'redisCache',
  eventHubsNamespace: 'eventHubsNamespace',
  containerRegistry: 'containerRegistry',
  containerRegistryAgentPool: 'containerRegistryAgentPool',
  containerAppsEnvironment: 'containerAppsEnvironment',
  containerAppsInfrastructureResourceGroup: 'resourceGroup',
  validationJob: 'containerAppsJob',
  workloadIdentity: 'userAssignedIdentity',
  privateEndpoints: 'privateEndpoint',
  deploymentStack: 'deploymentStack',
  actionGroupShortName: 'actionGroupShortName',
};

export interface NamedResource {
  /** Path in the names object, e.g. `keyVault` or `subnets.db`. */
  path: string;
  name: string;
  rule: NamingRuleId;
}

/** Every name with the rule it must satisfy, in a stable order. */
export function listNames(names: DeploymentNames, other?: OtherNames): NamedResource[] {
  const entries: NamedResource[] = [];
  for (const [key, value] of Object.entries({ ...names, ...other })) {
    const rule = ruleOf[key];
    if (rule === undefined) throw new Error(`naming: no rule for ${key}`);
    if (typeof value === 'string') entries.push({ path: key, name: value, rule });
    else for (const [child, name] of Object.entries(value as Record<string, string>)) entries.push({ path: `${key}.${child}`, name, rule });
  }
  return entries;
}

/** The problems with a deployment's names: one message per name ARM would refuse, quoting the rule. */
export function nameProblems(names: DeploymentNames, other?: OtherNames): { path: string; message: string }[] {
  return listNames(names, other).flatMap(({ path, name, rule }) => {
    const violation = namingViolation(namingRules[rule], name);
    return violation === undefined ? [] : [{ path, message: describeViolation(namingRules[rule], name, violation) }];
  });
}

// The resource providers the emulator knows, their types and accepted api-versions.
// Versions are those published in Azure/azure-rest-api-specs (specification/<service>/resource-manager/...)
// that the SDKs in package.json or our templates use; `any` accepts every well-formed version
// (types only created through templates, where ARM knows far more versions than we list).

export type Versions = readonly string[] | 'any';

export interface ProviderInfo {
  namespace: string;
  types: Record<string, Versions>;
}

const resourcesVersions = ['2019-10-01', '2020-06-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01', '2026-06-01'];
const policyVersions = ['2020-09-01', '2021-06-01', '2022-06-01', '2023-04-01', '2024-04-01', '2024-05-01', '2025-01-01', '2025-03-01'];
const storageVersions = ['2021-09-01', '2022-09-01', '2023-01-01', '2023-04-01', '2023-05-01', '2024-01-01', '2025-01-01', '2025-06-01', '2026-06-01'];

export const providers: readonly ProviderInfo[] = [
  {
    namespace: 'Microsoft.Resources',
    types: {
      subscriptions: ['2016-06-01', '2020-01-01', '2021-01-01', '2022-12-01'],
      resourceGroups: resourcesVersions,
      providers: resourcesVersions,
      resources: resourcesVersions,
      deployments: resourcesVersions,
      'deployments/operations': resourcesVersions,
      // deploymentStacks.json 2022-08-01-preview, 2024-03-01 and 2025-07-01
      deploymentStacks: ['2022-08-01-preview', '2024-03-01', '2025-07-01'],
      deploymentStacksWhatIfResults: ['2025-07-01'],
      operationResults: 'any',
    },
  },
  {
    namespace: 'Microsoft.Authorization',
    types: {
      policyDefinitions: policyVersions,
      policySetDefinitions: policyVersions,
      policyAssignments: policyVersions,
      policyExemptions: ['2022-07-01-preview', '2024-12-01-preview'],
      roleDefinitions: ['2018-01-01-preview', '2022-04-01', '2022-05-01-preview'],
      roleAssignments: ['2020-04-01-preview', '2020-10-01-preview', '2022-04-01'],
      locks: ['2016-09-01', '2020-05-01'],
    },
  },
  { namespace: 'Microsoft.Consumption', types: { budgets: ['2019-10-01', '2021-10-01', '2023-03-01', '2023-05-01', '2023-11-01', '2024-08-01'] } },
  { namespace: 'Microsoft.CostManagement', types: { scheduledActions: ['2022-10-01', '2023-03-01', '2023-08-01', '2023-11-01', '2024-08-01', '2025-03-01'] } },
  {
    namespace: 'Microsoft.Storage',
    types: {
      storageAccounts: storageVersions,
      'storageAccounts/blobServices': storageVersions,
      'storageAccounts/blobServices/containers': storageVersions,
      // storage.json #/definitions/ManagementPolicy: the one lifecycle policy of an account, named default
      'storageAccounts/managementPolicies': storageVersions,
    },
  },
  // specification/policyinsights/resource-manager/Microsoft.PolicyInsights/stable/.../{policyStates,policyEvents,remediations,attestations}.json:
  // only registered by bootstrap (compliance results in the portal); nothing creates these types here.
  { namespace: 'Microsoft.PolicyInsights', types: { policyStates: 'any', policyEvents: 'any', remediations: 'any', attestations: 'any' } },
  {
    namespace: 'Microsoft.Network',
    types: {
      networkWatchers: 'any', 'networkWatchers/flowLogs': 'any', virtualNetworks: 'any', 'virtualNetworks/subnets': 'any',
      networkSecurityGroups: 'any', privateEndpoints: 'any', 'privateEndpoints/privateDnsZoneGroups': 'any', privateDnsZones: 'any',
      'privateDnsZones/virtualNetworkLinks': 'any', publicIPAddresses: 'any',
      // Record sets: the recordType enum of privatedns.json (specification/privatedns/resource-manager/Microsoft.Network).
      'privateDnsZones/A': 'any', 'privateDnsZones/AAAA': 'any', 'privateDnsZones/CNAME': 'any', 'privateDnsZones/MX': 'any',
      'privateDnsZones/PTR': 'any', 'privateDnsZones/SOA': 'any', 'privateDnsZones/SRV': 'any', 'privateDnsZones/TXT': 'any',
    },
  },
  { namespace: 'Microsoft.DBforPostgreSQL', types: { flexibleServers: 'any', 'flexibleServers/databases': 'any', 'flexibleServers/configurations': 'any', 'flexibleServers/administrators': 'any', 'flexibleServers/firewallRules': 'any' } },
  { namespace: 'Microsoft.Cache', types: { redisEnterprise: 'any', 'redisEnterprise/databases': 'any', 'redisEnterprise/databases/accessPolicyAssignments': 'any', redis: 'any' } },
  { namespace: 'Microsoft.EventHub', types: { namespaces: 'any', 'namespaces/eventhubs': 'any', 'namespaces/eventhubs/consumergroups': 'any', 'namespaces/eventhubs/authorizationRules': 'any', 'namespaces/authorizationRules': 'any', 'namespaces/networkRuleSets': 'any' } },
  { namespace: 'Microsoft.KeyVault', types: { vaults: 'any', 'vaults/secrets': 'any', 'vaults/accessPolicies': 'any' } },
  { namespace: 'Microsoft.ContainerRegistry', types: { registries: 'any', 'registries/agentPools': 'any' } },
  { namespace: 'Microsoft.App', types: { managedEnvironments: 'any', containerApps: 'any', jobs: 'any' } },
  { namespace: 'Microsoft.ManagedIdentity', types: { userAssignedIdentities: 'any', 'userAssignedIdentities/federatedIdentityCredentials': 'any' } },
  { namespace: 'Microsoft.OperationalInsights', types: { workspaces: 'any' } },
  { namespace: 'Microsoft.Insights', types: { components: 'any', actionGroups: 'any', diagnosticSettings: 'any', metricAlerts: 'any', scheduledQueryRules: 'any', activityLogAlerts: 'any', workbooks: 'any' } },
  { namespace: 'Microsoft.ApiManagement', types: { service: 'any' } },
];

const byNamespace = new Map(providers.map((p) => [p.namespace.toLowerCase(), p]));

export const findProvider = (namespace: string): ProviderInfo | undefined => byNamespace.get(namespace.toLowerCase());

/** The catalogue's spelling of a full type (Ns/type[/child]) and its versions, or undefined. */
export function findType(fullType: string): { type: string; versions: Versions } | undefined {
  const [ns, ...rest] = fullType.split('/');
  const provider = findProvider(ns ?? '');
  if (provider === undefined) return undefined;
  const wanted = rest.join('/').toLowerCase();
  for (const [type, versions] of Object.entries(provider.types)) {
    if (type.toLowerCase() === wanted) return { type: `${provider.namespace}/${type}`, versions };
  }
  return undefined;
}

export const wellFormedApiVersion = (v: string): boolean => /^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|privatepreview))?$/i.test(v);

export const locations = ['westeurope', 'northeurope', 'swedencentral', 'germanywestcentral', 'francecentral', 'uksouth', 'eastus', 'eastus2', 'westus2', 'centralus'];

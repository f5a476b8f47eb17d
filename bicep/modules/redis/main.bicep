metadata name = 'ComplianceFlow redis tier'
metadata description = 'Azure Managed Redis: redisEnterprise cluster + its single database, TLS only, private endpoint, Entra ID access, diagnostics and alerts.'

import { defaultDiagnosticSettingName, diagnosticSettingProperties, redisSettingsType, tagsType } from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Required. Name of the Azure Managed Redis cluster (names.redisCache).')
param name string

@description('Optional. Azure region of the cache and its private endpoint.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. The redis profile section of the environment (deployments/profiles/<env>.yaml: redis).')
param profile redisSettingsType

@description('Required. Name of the cache\'s private endpoint (names.privateEndpoints.redis).')
param privateEndpointName string

@description('Required. Resource id of the redis subnet that holds the private endpoint.')
param subnetResourceId string

@description('Required. Resource id of the private DNS zone privatelink.redis.azure.net.')
param privateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace that receives all logs and metrics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the action group the metric alerts notify.')
param actionGroupResourceId string

@description('Required. Resource id of the workload identity (names.workloadIdentity), known before deployment: seeds the names of its role assignments.')
param workloadIdentityResourceId string

@description('Required. Principal (object) id of the workload identity the services use: gets the data access policy "default" (Entra ID authentication).')
param workloadIdentityPrincipalId string

@description('Optional. Allow access-key authentication besides Entra ID. Off by default: services authenticate with the workload identity and no key exists anywhere.')
param accessKeysAuthenticationEnabled bool = false

@description('Conditional. Name of the Key Vault that receives the secret redis-primary-key. Required when accessKeysAuthenticationEnabled is true.')
param keyVaultName string = ''

// ---------------------------------------------------------------------------------------------
// Rules Azure would otherwise enforce late
// ---------------------------------------------------------------------------------------------

var validatedKeyVaultName = accessKeysAuthenticationEnabled && empty(keyVaultName)
  ? fail('redis: keyVaultName is required when accessKeysAuthenticationEnabled is true (the primary key is stored there as redis-primary-key)')
  : keyVaultName

// The SKUs this tier accepts: Azure Managed Redis Balanced, Memory Optimized and Compute Optimized.
var validatedSku = contains(['Balanced', 'MemoryOptimized', 'ComputeOptimized'], split(profile.sku, '_')[0])
  ? profile.sku
  : fail('redis.sku: \'${profile.sku}\' is not an Azure Managed Redis SKU; use Balanced_B<n>, MemoryOptimized_M<n> or ComputeOptimized_X<n> (e.g. Balanced_B1, Balanced_B5)')

var persistenceSettings = {
  none: {
    aofEnabled: false
    rdbEnabled: false
  }
  rdb: {
    rdbEnabled: true
    rdbFrequency: '1h'
    aofEnabled: false
  }
  aof: {
    aofEnabled: true
    aofFrequency: '1s'
    rdbEnabled: false
  }
}

// Azure Managed Redis speaks TLS on this port (Azure Cache for Redis used 6380).
var port = 10000

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource cluster 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: validatedSku
  }
  // No `zones`: Azure Managed Redis makes a highly available cache zone redundant by itself in
  // regions with availability zones (properties.redundancyMode reports ZR).
  properties: {
    highAvailability: profile.highAvailability ? 'Enabled' : 'Disabled'
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: cluster
  // Azure Managed Redis has exactly one database, named "default".
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: port
    // One endpoint behind which Redis Enterprise routes keys: plain (non-cluster-aware) clients
    // work unchanged, as with Azure Cache for Redis Basic/Standard.
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: profile.evictionPolicy
    persistence: persistenceSettings[profile.persistence]
    accessKeysAuthentication: accessKeysAuthenticationEnabled ? 'Enabled' : 'Disabled'
    deferUpgrade: 'NotDeferred'
  }
}

// Entra ID data access for the services' workload identity (the built-in "default" policy).
resource workloadAccess 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01' = {
  parent: database
  // Names allow letters and digits only.
  name: 'workload${uniqueString(workloadIdentityResourceId)}'
  properties: {
    accessPolicyName: 'default'
    user: {
      objectId: workloadIdentityPrincipalId
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = if (accessKeysAuthenticationEnabled) {
  name: validatedKeyVaultName
}

// Only when key authentication is on; the key goes from ARM to Key Vault, never to an output.
resource primaryKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (accessKeysAuthenticationEnabled) {
  parent: keyVault
  name: 'redis-primary-key'
  tags: tags
  properties: {
    value: database.listKeys().primaryKey
    contentType: 'text/plain'
  }
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: privateEndpointName
        properties: {
          privateLinkServiceId: cluster.id
          groupIds: [
            'redisEnterprise'
          ]
        }
      }
    ]
  }

  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-redis-azure-net'
          properties: {
            privateDnsZoneId: privateDnsZoneResourceId
          }
        }
      ]
    }
  }
}

// The cluster has metrics only; the logs (ConnectionEvents) belong to the database.
#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource clusterDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: cluster
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {
    logCategoriesAndGroups: []
  })
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource databaseDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: database
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {
    metricCategories: []
  })
}

var alerts = [
  {
    suffix: 'server-load-high'
    description: 'Redis: server load above 80 % for 10 minutes.'
    metricName: 'serverLoad'
  }
  {
    suffix: 'memory-high'
    description: 'Redis: used memory above 80 % for 10 minutes.'
    metricName: 'usedmemorypercentage'
  }
  {
    suffix: 'cpu-high'
    description: 'Redis: CPU above 80 % for 10 minutes.'
    metricName: 'percentProcessorTime'
  }
]

resource metricAlerts 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for alert in alerts: {
    // Alert rules have no name in the naming contract: alert-<cache name>-<what is watched>, as in the other tiers.
    name: 'alert-${name}-${alert.suffix}'
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: 2
      enabled: true
      scopes: [
        cluster.id
      ]
      // The cache's metrics have a 5-minute grain.
      evaluationFrequency: 'PT5M'
      windowSize: 'PT10M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: alert.metricName
            metricName: alert.metricName
            operator: 'GreaterThan'
            threshold: 80
            timeAggregation: 'Average'
          }
        ]
      }
      autoMitigate: true
      actions: [
        {
          actionGroupId: actionGroupResourceId
        }
      ]
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Outputs (nothing secret)
// ---------------------------------------------------------------------------------------------

@description('Resource id of the Azure Managed Redis cluster.')
output resourceId string = cluster.id

@description('Name of the Azure Managed Redis cluster.')
output name string = cluster.name

@description('Resource group of the cache.')
output resourceGroupName string = resourceGroup().name

@description('Azure region of the cache.')
output location string = cluster.location

@description('Resource id of the cache\'s database (the access policy assignments and connection logs live there).')
output databaseResourceId string = database.id

@description('Host name of the cache (resolves to the private endpoint inside the virtual network).')
output hostName string = cluster.properties.hostName

@description('TLS port of the cache.')
output port int = port

@description('Connection string template for clients (TLS; user = the workload identity\'s object id, password = an Entra ID access token; with access keys, the key from Key Vault).')
output connectionStringTemplate string = 'rediss://{user}:{password}@${cluster.properties.hostName}:${port}'

@description('Whether access-key authentication is enabled (then Key Vault holds redis-primary-key).')
output accessKeysAuthenticationEnabled bool = accessKeysAuthenticationEnabled

@description('Resource id of the cache\'s private endpoint.')
output privateEndpointResourceId string = privateEndpoint.id

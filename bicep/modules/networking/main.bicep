metadata name = 'ComplianceFlow networking tier'
metadata description = 'The deployment\'s VNet with its subnets (from bicep/shared/subnet-plan.json), one NSG per subnet, service endpoints, private DNS zones linked to the VNet, VNet flow logs with traffic analytics, diagnostics and the unusual-traffic alert.'

import {
  diagnosticSettingProperties
  diagnosticSettingType
  defaultDiagnosticSettingName
  environmentType
  networkSettingsType
  subnetNamesType
  tagsType
} from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Optional. Azure region of the VNet, NSGs and flow-log storage account.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. Environment of the deployment; selects the subnets of the subnet plan (apim only in prod).')
param environment environmentType

@description('Required. Address space of the deployment, a /16 from the CIDR allocation table (e.g. 10.10.0.0/16).')
param addressSpace string

@description('Required. Name of the virtual network (names.virtualNetwork).')
param virtualNetworkName string

@description('Required. Subnet names by tier (names.subnets).')
param subnetNames subnetNamesType

@description('Required. NSG names by tier (names.networkSecurityGroups).')
param networkSecurityGroupNames subnetNamesType

@description('Required. Name of Azure\'s per-region Network Watcher (names.networkWatcher). It must exist: bootstrap creates it.')
param networkWatcherName string

@description('Required. Resource group of the Network Watcher (names.networkWatcherResourceGroup).')
param networkWatcherResourceGroupName string

@description('Required. Name of the storage account that receives the VNet flow logs (names.flowLogsStorageAccount).')
param flowLogsStorageAccountName string

@description('Required. Name of the VNet flow log (names.vnetFlowLog).')
param vnetFlowLogName string

@description('Required. The network section of the environment profile.')
param network networkSettingsType

@description('Required. Resource id of the Log Analytics workspace (diagnostics and traffic analytics).')
param logAnalyticsWorkspaceResourceId string

@description('Required. Workspace (customer) id of the Log Analytics workspace, a GUID; traffic analytics needs it.')
param logAnalyticsWorkspaceCustomerId string

@description('Optional. Azure region of the Log Analytics workspace. Default: the tier\'s location.')
param logAnalyticsWorkspaceLocation string = location

@description('Required. Resource id of the action group the unusual-traffic alert notifies.')
param actionGroupResourceId string

@description('Optional. Whether the PostgreSQL server runs the built-in PgBouncer (database.pgbouncer): the db NSG then admits its port 6432 as well as 5432.')
param postgresPgbouncerEnabled bool = false

@description('Optional. Denied inbound flows per hour (traffic analytics) above which the unusual-traffic alert fires.')
@minValue(1)
param deniedInboundFlowsThreshold int = 100

@description('Optional. Overrides of the diagnostic setting of the VNet. Default: VMProtectionAlerts and AllMetrics to the workspace.')
param virtualNetworkDiagnosticSettings diagnosticSettingType = {
  logCategoriesAndGroups: [{ category: 'VMProtectionAlerts' }]
}

// ---------------------------------------------------------------------------------------------
// Subnet plan (one source of truth with the orchestrator) and its validation
// ---------------------------------------------------------------------------------------------

var subnetPlan = loadJsonContent('../../shared/subnet-plan.json')

var prefixLength = int(split(addressSpace, '/')[1])

var validatedAddressSpace = prefixLength == 16
  ? addressSpace
  : fail('addressSpace: ${addressSpace} is not a /16; every deployment gets one /16 from the CIDR allocation table.')

@description('The subnets of this environment with their address prefixes, in plan order.')
var plannedSubnets = map(filter(subnetPlan.subnets, s => contains(s.environments, environment)), s => {
  tier: s.tier
  addressPrefix: cidrSubnet(validatedAddressSpace, subnetPlan.prefixLength, s.thirdOctet)
})

var plannedTiers = map(plannedSubnets, s => s.tier)

var validatedApimName = contains(plannedTiers, 'apim') && empty(subnetNames.?apim ?? '')
  ? fail('names.subnets.apim and names.networkSecurityGroups.apim: required in ${environment} (the subnet plan has an apim subnet there).')
  : true

var prefixOf = toObject(plannedSubnets, s => s.tier, s => s.addressPrefix)

// ---------------------------------------------------------------------------------------------
// NSG rules: allows at 100-199 (inbound), explicit denies at 1000+ (DenyAllInbound at 4096)
// ---------------------------------------------------------------------------------------------

func allowInbound(name string, priority int, protocol string, sources string[], destination string, ports string[]) object => {
  name: name
  properties: {
    priority: priority
    direction: 'Inbound'
    access: 'Allow'
    protocol: protocol
    sourcePortRange: '*'
    sourceAddressPrefixes: length(sources) > 1 ? sources : []
    sourceAddressPrefix: length(sources) == 1 ? sources[0] : null
    destinationAddressPrefix: destination
    destinationPortRanges: length(ports) > 1 ? ports : []
    destinationPortRange: length(ports) == 1 ? ports[0] : null
  }
}

var denyAllInbound = {
  name: 'DenyAllInbound'
  properties: {
    priority: 4096
    direction: 'Inbound'
    access: 'Deny'
    protocol: '*'
    sourcePortRange: '*'
    sourceAddressPrefix: '*'
    destinationAddressPrefix: '*'
    destinationPortRange: '*'
  }
}

var containerAppsPrefix = prefixOf.containerapps

// Port 10000: Azure Managed Redis (TLS); 6379 was Azure Cache for Redis' non-TLS port.
var redisTlsPort = '10000'

var managementRules = empty(network.managementSourceRanges)
  ? []
  : [
      allowInbound('AllowSshFromManagementRanges', 100, 'Tcp', network.managementSourceRanges, prefixOf.mgmt, ['22'])
      allowInbound('AllowRdpFromManagementRanges', 110, 'Tcp', network.managementSourceRanges, prefixOf.mgmt, ['3389'])
    ]

// The environment is internal: its ingress is a private IP of the container-apps subnet behind an
// internal load balancer, with no public endpoint ("Networking in Azure Container Apps environment",
// accessibility level Internal: https://learn.microsoft.com/azure/container-apps/networking). The
// Internet service tag never matches that traffic, so a "443 from internet" rule has nothing to
// allow; what must reach the apps over HTTPS are the VNet's own callers: API Management (prod, its
// subnet) and the management hosts. Their prefixes come from the subnet plan, and the explicit allows
// sit before DenyAllInbound, which would otherwise stop them before Azure's AllowVnetInBound (65000).
var containerAppsHttpsSources = concat(contains(plannedTiers, 'apim') ? [prefixOf.apim] : [], [prefixOf.mgmt])

var securityRulesByTier = {
  containerapps: [
    allowInbound('AllowHttpsFromApimAndManagement', 100, 'Tcp', containerAppsHttpsSources, containerAppsPrefix, ['443'])
    allowInbound('AllowAzureLoadBalancer', 110, '*', ['AzureLoadBalancer'], containerAppsPrefix, ['*'])
    allowInbound('AllowWithinContainerAppsSubnet', 120, '*', [containerAppsPrefix], containerAppsPrefix, ['*'])
    denyAllInbound
  ]
  db: [
    allowInbound('AllowPostgresFromContainerApps', 100, 'Tcp', [containerAppsPrefix], prefixOf.db, postgresPgbouncerEnabled ? ['5432', '6432'] : ['5432'])
    denyAllInbound
  ]
  redis: [
    allowInbound('AllowRedisTlsFromContainerApps', 100, 'Tcp', [containerAppsPrefix], prefixOf.redis, [redisTlsPort])
    denyAllInbound
  ]
  storage: [
    // Key Vault, registry and Event Hubs (HTTPS, AMQP, Kafka) private endpoints, reachable from inside the VNet only.
    allowInbound('AllowPrivateEndpointsFromVirtualNetwork', 100, 'Tcp', ['VirtualNetwork'], prefixOf.storage, ['443', '5671-5672', '9093'])
    denyAllInbound
  ]
  apim: contains(plannedTiers, 'apim')
    ? [
        allowInbound('AllowHttpsFromInternet', 100, 'Tcp', ['Internet'], prefixOf.apim, ['443'])
        allowInbound('AllowApiManagementControlPlane', 110, 'Tcp', ['ApiManagement'], 'VirtualNetwork', ['3443'])
        allowInbound('AllowAzureLoadBalancer', 120, 'Tcp', ['AzureLoadBalancer'], 'VirtualNetwork', ['6390'])
        denyAllInbound
      ]
    : []
  mgmt: concat(managementRules, [denyAllInbound])
}

// Per tier: delegation and service endpoints. Microsoft.Sql on db is kept as the requirements ask but has
// no effect on PostgreSQL (private endpoint model).
var subnetSettingsByTier = {
  containerapps: { delegation: 'Microsoft.App/environments', serviceEndpoints: ['Microsoft.Storage', 'Microsoft.KeyVault'] }
  db: { delegation: '', serviceEndpoints: ['Microsoft.Sql'] }
  redis: { delegation: '', serviceEndpoints: [] }
  storage: { delegation: '', serviceEndpoints: ['Microsoft.Storage'] }
  apim: { delegation: '', serviceEndpoints: [] }
  mgmt: { delegation: '', serviceEndpoints: [] }
}

// ---------------------------------------------------------------------------------------------
// NSGs and the VNet (subnets declared inside the VNet so a redeploy never drops them)
// ---------------------------------------------------------------------------------------------

resource networkSecurityGroups 'Microsoft.Network/networkSecurityGroups@2025-05-01' = [
  for subnet in plannedSubnets: {
    name: networkSecurityGroupNames[subnet.tier]
    location: location
    tags: tags
    properties: {
      securityRules: securityRulesByTier[subnet.tier]
    }
  }
]

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [validatedAddressSpace]
    }
    subnets: [
      for (subnet, i) in plannedSubnets: {
        name: validatedApimName ? subnetNames[subnet.tier] : ''
        properties: {
          addressPrefix: subnet.addressPrefix
          networkSecurityGroup: {
            id: networkSecurityGroups[i].id
          }
          // Private endpoints in this subnet obey its NSG (and route tables).
          privateEndpointNetworkPolicies: 'Enabled'
          delegations: empty(subnetSettingsByTier[subnet.tier].delegation)
            ? []
            : [
                {
                  name: subnetSettingsByTier[subnet.tier].delegation
                  properties: {
                    serviceName: subnetSettingsByTier[subnet.tier].delegation
                  }
                }
              ]
          serviceEndpoints: map(subnetSettingsByTier[subnet.tier].serviceEndpoints, service => { service: service })
        }
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Private DNS zones (global), each linked to the VNet without auto-registration
// ---------------------------------------------------------------------------------------------

var privateDnsZoneNames = {
  postgres: 'privatelink.postgres.database.azure.com'
  // Azure public cloud zone names, literal so plans and snapshots show them (the snapshot engine cannot evaluate
  // environment()); sovereign clouds have other privatelink zones altogether.
  #disable-next-line no-hardcoded-env-urls
  blob: 'privatelink.blob.core.windows.net'
  keyVault: 'privatelink.vaultcore.azure.net'
  redis: 'privatelink.redis.azure.net'
  eventHubs: 'privatelink.servicebus.windows.net'
  containerRegistry: 'privatelink.azurecr.io'
}

var privateDnsZoneKeys = objectKeys(privateDnsZoneNames)

resource privateDnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for key in privateDnsZoneKeys: {
    name: privateDnsZoneNames[key]
    location: 'global'
    tags: tags
  }
]

resource privateDnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (key, i) in privateDnsZoneKeys: {
    parent: privateDnsZones[i]
    name: virtualNetwork.name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetwork.id
      }
    }
  }
]

// ---------------------------------------------------------------------------------------------
// VNet flow logs (the replacement of the retired NSG flow logs) with traffic analytics
// ---------------------------------------------------------------------------------------------

resource flowLogsStorageAccount 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: flowLogsStorageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Network Watcher writes flow logs with the account's keys through the trusted-services bypass.
    allowSharedKeyAccess: true
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'AzureServices'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource flowLogsBlobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: flowLogsStorageAccount
  name: 'default'
}

module vnetFlowLog 'vnet-flow-log.bicep' = {
  name: '${deployment().name}-flowlog'
  scope: resourceGroup(networkWatcherResourceGroupName)
  params: {
    location: location
    tags: tags
    networkWatcherName: networkWatcherName
    flowLogName: vnetFlowLogName
    targetResourceId: virtualNetwork.id
    storageAccountResourceId: flowLogsStorageAccount.id
    retentionDays: network.flowLogRetentionDays
    logAnalyticsWorkspaceResourceId: logAnalyticsWorkspaceResourceId
    logAnalyticsWorkspaceCustomerId: logAnalyticsWorkspaceCustomerId
    logAnalyticsWorkspaceLocation: logAnalyticsWorkspaceLocation
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics (the shared pattern of bicep/shared/types.bicep)
// ---------------------------------------------------------------------------------------------

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource virtualNetworkDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: virtualNetworkDiagnosticSettings.?name ?? defaultDiagnosticSettingName
  scope: virtualNetwork
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, virtualNetworkDiagnosticSettings)
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource networkSecurityGroupDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (subnet, i) in plannedSubnets: {
    name: defaultDiagnosticSettingName
    scope: networkSecurityGroups[i]
    // NSGs have logs (events, rule counters) but no metrics.
    properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, { metricCategories: [] })
  }
]

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource flowLogsStorageAccountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: flowLogsStorageAccount
  // The account level has metrics only; its logs are per service (below).
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, { logCategoriesAndGroups: [] })
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource flowLogsBlobServiceDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: flowLogsBlobService
  // audit, not allLogs: every flow-log write would otherwise be logged again.
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, { logCategoriesAndGroups: [{ categoryGroup: 'audit' }] })
}

// ---------------------------------------------------------------------------------------------
// Alert: unusual traffic (denied inbound flows, from traffic analytics)
// ---------------------------------------------------------------------------------------------

resource unusualTrafficAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: 'alert-${virtualNetworkName}-denied-inbound-flows'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: '${virtualNetworkName}: unusual denied inbound traffic'
    description: 'More than ${deniedInboundFlowsThreshold} denied inbound flows in one hour (NSG rule hits, from VNet flow logs via traffic analytics).'
    severity: 2
    enabled: true
    scopes: [logAnalyticsWorkspaceResourceId]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    // The table may hold no data yet on the first deploy (it fills once logs flow).
    skipQueryValidation: true
    criteria: {
      allOf: [
        {
          query: 'NTANetAnalytics | where SubType == "FlowLog" and FlowDirection == "Inbound" and FlowStatus == "Denied" | summarize DeniedFlows = count()'
          timeAggregation: 'Total'
          metricMeasureColumn: 'DeniedFlows'
          operator: 'GreaterThan'
          threshold: deniedInboundFlowsThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: [actionGroupResourceId]
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

@description('The resource group of the tier.')
output resourceGroupName string = resourceGroup().name

@description('The location of the tier.')
output location string = location

@description('Resource id of the virtual network.')
output virtualNetworkResourceId string = virtualNetwork.id

@description('Name of the virtual network.')
output virtualNetworkName string = virtualNetwork.name

@description('Address space (CIDR) of the virtual network.')
output virtualNetworkAddressSpace string = validatedAddressSpace

@description('Subnet resource ids by tier (containerapps, db, redis, storage, apim in prod, mgmt).')
output subnetResourceIds object = toObject(plannedSubnets, s => s.tier, s => resourceId('Microsoft.Network/virtualNetworks/subnets', virtualNetwork.name, subnetNames[s.tier]))

@description('Subnet address prefixes by tier.')
output subnetAddressPrefixes object = prefixOf

@description('NSG resource ids by tier.')
output networkSecurityGroupResourceIds object = toObject(plannedSubnets, s => s.tier, s => resourceId('Microsoft.Network/networkSecurityGroups', networkSecurityGroupNames[s.tier]))

@description('Private DNS zone resource ids (postgres, blob, keyVault, redis, eventHubs, containerRegistry).')
output privateDnsZoneResourceIds object = toObject(privateDnsZoneKeys, key => key, key => resourceId('Microsoft.Network/privateDnsZones', privateDnsZoneNames[key]))

@description('Resource id of the flow-log storage account.')
output flowLogsStorageAccountResourceId string = flowLogsStorageAccount.id

@description('Resource id of the VNet flow log.')
output vnetFlowLogResourceId string = vnetFlowLog.outputs.resourceId

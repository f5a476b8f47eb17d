metadata name = 'ComplianceFlow container apps tier'
metadata description = 'What Story 9 deploys to: a container registry (private where the SKU allows) and an internal Container Apps environment (workload profiles) in the container-apps subnet, with AcrPull for the workload identity.'

import { defaultDiagnosticSettingName, diagnosticSettingProperties, registrySettingsType, tagsType } from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Required. Name of the container registry (names.containerRegistry).')
param registryName string

@description('Required. Name of the Container Apps environment (names.containerAppsEnvironment).')
param environmentName string

@description('Optional. Azure region of the registry, the environment and the private endpoint.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. The registry profile section of the environment (deployments/profiles/<env>.yaml: registry).')
param registryProfile registrySettingsType

@description('Required. Whether the environment (and a Premium registry) is zone redundant. Fixed at creation.')
param zoneRedundant bool

@description('Required. Resource id of the container-apps subnet (delegated to Microsoft.App/environments by the networking tier).')
param infrastructureSubnetResourceId string

@description('Required. Resource id of the virtual network the environment\'s private DNS zone is linked to.')
param virtualNetworkResourceId string

@description('Required. Name of the registry\'s private endpoint (names.privateEndpoints.containerRegistry). Used only with the Premium SKU.')
param registryPrivateEndpointName string

@description('Conditional. Resource id of the storage subnet that holds the registry\'s private endpoint. Required for the Premium SKU.')
param privateEndpointSubnetResourceId string

@description('Conditional. Resource id of the private DNS zone privatelink.azurecr.io. Required for the Premium SKU.')
param registryPrivateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace that receives all logs and metrics (app console and system logs included).')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the workload identity (names.workloadIdentity), known before deployment: seeds the names of its role assignments.')
param workloadIdentityResourceId string

@description('Required. Principal (object) id of the workload identity the container apps run as: gets AcrPull on the registry.')
param workloadIdentityPrincipalId string

@description('Optional. The environment\'s default domain as a previous deploy reported it (output defaultDomain). When given, the private DNS zone of that domain (* and @ on the static IP) is created and linked to the VNet; empty on the first deploy.')
param environmentDefaultDomain string = ''

// ---------------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------------

// Private endpoints, disabling public access and zone redundancy settings are Premium features.
var isPremium = registryProfile.sku == 'Premium'

var acrPullRoleDefinitionId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

// ---------------------------------------------------------------------------------------------
// Container registry
// ---------------------------------------------------------------------------------------------

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: registryProfile.sku
  }
  properties: {
    // Pulls and pushes authenticate with Entra ID identities only.
    adminUserEnabled: false
    anonymousPullEnabled: false
    // Basic and Standard cannot disable the public endpoint: they have no network restrictions.
    publicNetworkAccess: isPremium ? 'Disabled' : 'Enabled'
    networkRuleBypassOptions: isPremium ? 'None' : 'AzureServices'
    zoneRedundancy: isPremium && zoneRedundant ? 'Enabled' : 'Disabled'
    policies: isPremium
      ? {
          // No image export out of a private registry (exfiltration).
          exportPolicy: {
            status: 'disabled'
          }
        }
      : null
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, workloadIdentityResourceId, acrPullRoleDefinitionId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleDefinitionId)
    principalId: workloadIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource registryPrivateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = if (isPremium) {
  name: registryPrivateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: registryPrivateEndpointName
        properties: {
          privateLinkServiceId: registry.id
          groupIds: [
            'registry'
          ]
        }
      }
    ]
  }

  // Holds both records: <registry>.azurecr.io and the data endpoint <registry>.<region>.data.azurecr.io.
  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-azurecr-io'
          properties: {
            privateDnsZoneId: registryPrivateDnsZoneResourceId
          }
        }
      ]
    }
  }
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource registryDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: registry
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

// ---------------------------------------------------------------------------------------------
// Container Apps environment
// ---------------------------------------------------------------------------------------------

resource managedEnvironment 'Microsoft.App/managedEnvironments@2026-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Workload profiles (Consumption): fits the plan's /24 subnet (the legacy Consumption-only
    // environment needs a /23).
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    vnetConfiguration: {
      infrastructureSubnetId: infrastructureSubnetResourceId
      // Internal: the ingress is a private IP in the subnet, no public endpoint.
      internal: true
    }
    zoneRedundant: zoneRedundant
    // Console and system logs through Azure Monitor diagnostic settings: no workspace key needed.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    peerTrafficConfiguration: {
      encryption: {
        enabled: true
      }
    }
  }
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: managedEnvironment
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

// Apps of an internal environment are <app>.<defaultDomain> on its static IP; the VNet resolves
// them through a private zone named after the domain. Azure assigns that domain at creation, and
// a resource name cannot wait for it, so the zone is created once the orchestrator passes the
// domain back in (the previous deploy's defaultDomain output).
resource environmentZone 'Microsoft.Network/privateDnsZones@2024-06-01' = if (!empty(environmentDefaultDomain)) {
  name: environmentDefaultDomain
  location: 'global'
  tags: tags

  resource wildcard 'A' = {
    name: '*'
    properties: {
      ttl: 300
      aRecords: [
        {
          ipv4Address: managedEnvironment.properties.staticIp
        }
      ]
    }
  }

  resource apex 'A' = {
    name: '@'
    properties: {
      ttl: 300
      aRecords: [
        {
          ipv4Address: managedEnvironment.properties.staticIp
        }
      ]
    }
  }

  resource link 'virtualNetworkLinks' = {
    name: 'vnet'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetworkResourceId
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs (nothing secret)
// ---------------------------------------------------------------------------------------------

@description('Resource id of the Container Apps environment.')
output resourceId string = managedEnvironment.id

@description('Name of the Container Apps environment.')
output name string = managedEnvironment.name

@description('Resource group of the tier.')
output resourceGroupName string = resourceGroup().name

@description('Azure region of the tier.')
output location string = managedEnvironment.location

@description('Default domain of the environment (apps are <app>.<defaultDomain>).')
output defaultDomain string = managedEnvironment.properties.defaultDomain

@description('Resource id of the environment\'s private DNS zone (empty until environmentDefaultDomain is passed).')
output privateDnsZoneResourceId string = empty(environmentDefaultDomain) ? '' : environmentZone.id

@description('Private IP of the environment\'s internal ingress.')
output staticIp string = managedEnvironment.properties.staticIp

@description('Resource id of the container registry.')
output registryResourceId string = registry.id

@description('Name of the container registry.')
output registryName string = registry.name

@description('Login server of the container registry (<name>.azurecr.io).')
output registryLoginServer string = registry.properties.loginServer

@description('Whether the registry is reachable only through its private endpoint (Premium).')
output registryPrivate bool = isPremium

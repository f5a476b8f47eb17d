metadata name = 'ComplianceFlow messaging tier'
metadata description = 'Event Hubs namespace (Kafka endpoint), the catalogue\'s event hubs and consumer groups, least-privilege SAS rules with connection strings in Key Vault, RBAC for the workload identity, private endpoint, diagnostics and alerts.'

import { catalogType, defaultDiagnosticSettingName, diagnosticSettingProperties, messagingSettingsType, tagsType } from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Required. Name of the Event Hubs namespace (names.eventHubsNamespace).')
param name string

@description('Optional. Azure region of the namespace and its private endpoint.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. The messaging profile section of the environment (deployments/profiles/<env>.yaml: messaging).')
param profile messagingSettingsType

@description('Required. The platform catalogue (deployments/catalog.yaml): its eventHubs become the event hubs and consumer groups.')
param catalog catalogType

@description('Required. Name of the namespace\'s private endpoint (names.privateEndpoints.eventHubs).')
param privateEndpointName string

@description('Required. Resource id of the storage subnet that holds the private endpoint.')
param subnetResourceId string

@description('Required. Resource id of the private DNS zone privatelink.servicebus.windows.net.')
param privateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace that receives all logs and metrics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the action group the metric alerts notify.')
param actionGroupResourceId string

@description('Required. Name of the Key Vault (names.keyVault) that receives the per-hub connection strings.')
param keyVaultName string

@description('Required. Resource id of the workload identity (names.workloadIdentity), known before deployment: seeds the names of its role assignments.')
param workloadIdentityResourceId string

@description('Required. Principal (object) id of the workload identity: gets Azure Event Hubs Data Sender and Data Receiver on the namespace.')
param workloadIdentityPrincipalId string

// ---------------------------------------------------------------------------------------------
// Rules Azure would otherwise enforce late (refused before anything is created)
// ---------------------------------------------------------------------------------------------

// Standard: consumer groups beyond $Default and the Kafka endpoint (Basic has neither), billed in
// throughput units; Premium is sized in processing units and has no auto-inflate.
var validatedSku = profile.sku == 'Standard'
  ? profile.sku
  : fail('messaging.sku: \'${profile.sku}\' is not supported; this tier needs Standard (consumer groups and the Kafka endpoint; throughput units 1-40)')

var validatedMaximumThroughputUnits = profile.autoInflate
  ? (profile.maxThroughputUnits >= profile.throughputUnits
      ? profile.maxThroughputUnits
      : fail('messaging.maxThroughputUnits: must be between throughputUnits (${profile.throughputUnits}) and 40 when autoInflate is true, got ${profile.maxThroughputUnits}'))
  : (profile.maxThroughputUnits == 0
      ? 0
      : fail('messaging.maxThroughputUnits: must be 0 when autoInflate is false, got ${profile.maxThroughputUnits}'))

var validatedRetentionHours = profile.messageRetentionHours <= 168
  ? profile.messageRetentionHours
  : fail('messaging.messageRetentionHours: the Standard tier keeps events at most 168 hours (7 days), got ${profile.messageRetentionHours}')

var hubs = catalog.eventHubs

// One entry per (hub, AMQP consumer): the Event Hubs consumer group <service>-consumer of that hub.
// Kafka consumers get none: Event Hubs keeps Kafka consumer groups apart from these and creates them
// on first use ("Kafka consumer groups on Event Hubs are fully distinct from standard Event Hubs
// consumer groups ... They are autocreated":
// https://learn.microsoft.com/azure/event-hubs/apache-kafka-frequently-asked-questions).
var consumerGroups = flatten(map(
  range(0, length(hubs)),
  hubIndex =>
    map(filter(hubs[hubIndex].consumers, consumer => catalog.protocols[consumer] == 'amqp'), consumer => {
      hubIndex: hubIndex
      name: '${consumer}-consumer'
      service: consumer
    })
))

var roleDefinitionIds = {
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: validatedSku
    tier: validatedSku
    capacity: profile.throughputUnits
  }
  properties: {
    isAutoInflateEnabled: profile.autoInflate
    maximumThroughputUnits: validatedMaximumThroughputUnits
    zoneRedundant: profile.zoneRedundant
    minimumTlsVersion: '1.2'
    kafkaEnabled: true
    publicNetworkAccess: 'Disabled'
    // SAS stays on: the services' connection strings (Kafka clients' $ConnectionString login) are SAS.
    // Only the per-hub send-only/listen-only rules below are handed out; the namespace-wide
    // RootManageSharedAccessKey is never read by this template or stored anywhere.
    disableLocalAuth: false
  }
}

resource eventHubs 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = [
  for hub in hubs: {
    parent: namespace
    name: hub.name
    properties: {
      partitionCount: hub.partitions
      retentionDescription: {
        cleanupPolicy: 'Delete'
        retentionTimeInHours: validatedRetentionHours
      }
    }
  }
]

resource consumerGroupResources 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = [
  for group in consumerGroups: {
    parent: eventHubs[group.hubIndex]
    name: group.name
    properties: {
      userMetadata: 'Consumer group of the ${group.service} service.'
    }
  }
]

// Least privilege: a producer gets Send on one hub, a consumer Listen on one hub.
resource sendRules 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2026-01-01' = [
  for (hub, index) in hubs: {
    parent: eventHubs[index]
    name: 'send'
    properties: {
      rights: [
        'Send'
      ]
    }
  }
]

resource listenRules 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules@2026-01-01' = [
  for (hub, index) in hubs: {
    parent: eventHubs[index]
    name: 'listen'
    properties: {
      rights: [
        'Listen'
      ]
    }
  }
]

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

// The connection strings go from ARM straight into Key Vault: never into an output or a snapshot.
resource sendConnectionStrings 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for (hub, index) in hubs: {
    parent: keyVault
    name: 'eventhub-${hub.name}-send-connection-string'
    tags: tags
    properties: {
      value: sendRules[index].listKeys().primaryConnectionString
      contentType: 'text/plain'
    }
  }
]

resource listenConnectionStrings 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for (hub, index) in hubs: {
    parent: keyVault
    name: 'eventhub-${hub.name}-listen-connection-string'
    tags: tags
    properties: {
      value: listenRules[index].listKeys().primaryConnectionString
      contentType: 'text/plain'
    }
  }
]

// Managed identity access (preferred over SAS): send and receive on every hub of the namespace.
resource dataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, workloadIdentityResourceId, roleDefinitionIds.eventHubsDataSender)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.eventHubsDataSender)
    principalId: workloadIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource dataReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, workloadIdentityResourceId, roleDefinitionIds.eventHubsDataReceiver)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.eventHubsDataReceiver)
    principalId: workloadIdentityPrincipalId
    principalType: 'ServicePrincipal'
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
          privateLinkServiceId: namespace.id
          groupIds: [
            'namespace'
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
          name: 'privatelink-servicebus-windows-net'
          properties: {
            privateDnsZoneId: privateDnsZoneResourceId
          }
        }
      ]
    }
  }
}

// Logs: OperationalLogs, RuntimeAuditLogs, KafkaCoordinatorLogs, ApplicationMetricsLogs, ...
#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: namespace
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

var alerts = [
  {
    suffix: 'throttled'
    description: 'Event Hubs: requests throttled (throughput units exhausted).'
    severity: 2
    metricName: 'ThrottledRequests'
  }
  {
    suffix: 'server-errors'
    description: 'Event Hubs: server errors.'
    severity: 1
    metricName: 'ServerErrors'
  }
]

resource metricAlerts 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for alert in alerts: {
    // Alert rules have no name in the naming contract: alert-<namespace name>-<what is watched>, as in the other tiers.
    name: 'alert-${name}-${alert.suffix}'
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        namespace.id
      ]
      evaluationFrequency: 'PT1M'
      windowSize: 'PT5M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: alert.metricName
            metricName: alert.metricName
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Total'
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

@description('Resource id of the Event Hubs namespace.')
output resourceId string = namespace.id

@description('Name of the Event Hubs namespace.')
output name string = namespace.name

@description('Resource group of the namespace.')
output resourceGroupName string = resourceGroup().name

@description('Azure region of the namespace.')
output location string = namespace.location

@description('Kafka bootstrap server (<namespace>.servicebus.windows.net:9093; resolves to the private endpoint inside the virtual network).')
output kafkaBootstrapServer string = '${split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]}:9093'

@description('Event hub name to the names of its Event Hubs (ARM) consumer groups: those of its amqp consumers (Kafka consumers\' groups are created by Event Hubs on first use).')
output consumerGroups object = toObject(
  hubs,
  hub => hub.name,
  hub => map(filter(hub.consumers, consumer => catalog.protocols[consumer] == 'amqp'), consumer => '${consumer}-consumer')
)

@description('Event hub name to the Key Vault secret names of its send-only and listen-only connection strings.')
output connectionStringSecretNames object = toObject(
  hubs,
  hub => hub.name,
  hub => {
    send: 'eventhub-${hub.name}-send-connection-string'
    listen: 'eventhub-${hub.name}-listen-connection-string'
  }
)

@description('Resource id of the namespace\'s private endpoint.')
output privateEndpointResourceId string = privateEndpoint.id

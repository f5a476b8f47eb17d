// Module-level snapshot input: the prod profile of westeu-prod-1 (bicep snapshot bicep/modules/messaging/tests/prod.bicepparam).
using '../main.bicep'

param name = 'evhns-cf-westeu-prod-1'
param location = 'westeurope'
param tags = {
  app: 'complianceflow'
  env: 'prod'
  owner: 'platform-team'
  costCenter: 'CC-1000-PROD'
  deployment: 'westeu-prod-1'
  region: 'westeurope'
}
param profile = {
  sku: 'Standard'
  throughputUnits: 2
  autoInflate: true
  maxThroughputUnits: 10
  zoneRedundant: true
  messageRetentionHours: 168
}
param catalog = {
  services: ['user', 'declaration', 'form', 'ruleengine', 'review', 'case', 'notification', 'analytics']
  // analytics reads over AMQP here: the case where the tier creates ARM consumer groups
  protocols: { user: 'kafka', declaration: 'kafka', form: 'kafka', ruleengine: 'kafka', review: 'kafka', case: 'kafka', notification: 'kafka', analytics: 'amqp' }
  eventHubs: [
    { name: 'user-events', partitions: 2, consumers: ['notification', 'analytics'] }
    { name: 'declaration-events', partitions: 4, consumers: ['ruleengine', 'review', 'analytics'] }
    { name: 'review-events', partitions: 2, consumers: ['case', 'notification', 'analytics'] }
    { name: 'case-events', partitions: 2, consumers: ['notification', 'analytics'] }
    { name: 'notification-events', partitions: 4, consumers: ['notification', 'analytics'] }
    { name: 'analytics-events', partitions: 2, consumers: ['analytics'] }
  ]
}
param privateEndpointName = 'pe-evhns-cf-westeu-prod-1'
param subnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1/subnets/snet-storage'
param privateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/privateDnsZones/privatelink.servicebus.windows.net'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-prod-1'
param actionGroupResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Insights/actionGroups/ag-cf-westeu-prod-1'
param keyVaultName = 'kv-cf-westeu-prod-1'
param workloadIdentityPrincipalId = '33333333-3333-3333-3333-333333333333'
param workloadIdentityResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-westeu-prod-1-workload'

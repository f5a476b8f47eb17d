// Module-level snapshot input: the test profile of westeu-test-1 (bicep snapshot bicep/modules/messaging/tests/test.bicepparam).
using '../main.bicep'

param name = 'evhns-cf-westeu-test-1'
param location = 'westeurope'
param tags = {
  app: 'complianceflow'
  env: 'test'
  owner: 'platform-team'
  costCenter: 'CC-1001-ENG'
  deployment: 'westeu-test-1'
  region: 'westeurope'
}
param profile = {
  sku: 'Standard'
  throughputUnits: 1
  autoInflate: false
  maxThroughputUnits: 0
  zoneRedundant: false
  messageRetentionHours: 24
}
param catalog = {
  services: ['user', 'declaration', 'form', 'ruleengine', 'review', 'case', 'notification', 'analytics']
  protocols: { user: 'kafka', declaration: 'kafka', form: 'kafka', ruleengine: 'kafka', review: 'kafka', case: 'kafka', notification: 'kafka', analytics: 'kafka' }
  eventHubs: [
    { name: 'user-events', partitions: 2, consumers: ['notification', 'analytics'] }
    { name: 'declaration-events', partitions: 4, consumers: ['ruleengine', 'review', 'analytics'] }
    { name: 'review-events', partitions: 2, consumers: ['case', 'notification', 'analytics'] }
    { name: 'case-events', partitions: 2, consumers: ['notification', 'analytics'] }
    { name: 'notification-events', partitions: 4, consumers: ['notification', 'analytics'] }
    { name: 'analytics-events', partitions: 2, consumers: ['analytics'] }
  ]
}
param privateEndpointName = 'pe-evhns-cf-westeu-test-1'
param subnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-storage'
param privateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/privateDnsZones/privatelink.servicebus.windows.net'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1'
param actionGroupResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Insights/actionGroups/ag-cf-westeu-test-1'
param keyVaultName = 'kv-cf-westeu-test-1'
param workloadIdentityPrincipalId = '33333333-3333-3333-3333-333333333333'
param workloadIdentityResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-westeu-test-1-workload'

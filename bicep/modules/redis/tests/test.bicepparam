// Module-level snapshot input: the test profile of westeu-test-1 (bicep snapshot bicep/modules/redis/tests/test.bicepparam).
using '../main.bicep'

param name = 'redis-cf-westeu-test-1'
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
  sku: 'Balanced_B1'
  highAvailability: false
  persistence: 'rdb'
  evictionPolicy: 'AllKeysLRU'
}
param privateEndpointName = 'pe-redis-cf-westeu-test-1'
param subnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-redis'
param privateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/privateDnsZones/privatelink.redis.azure.net'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1'
param actionGroupResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Insights/actionGroups/ag-cf-westeu-test-1'
param workloadIdentityPrincipalId = '33333333-3333-3333-3333-333333333333'
param workloadIdentityResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-westeu-test-1-workload'

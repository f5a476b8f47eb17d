// Module-level snapshot input: westeu-test-1, Basic registry, first deploy (bicep snapshot bicep/modules/containerapps/tests/test.bicepparam).
using '../main.bicep'

param registryName = 'crcfwesteutest1'
param buildAgentPoolName = 'cf-build'
param buildAgentPoolSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-mgmt'
param environmentName = 'cae-cf-westeu-test-1'
param infrastructureResourceGroupName = 'rg-cf-westeu-test-1-cae-infra'
param location = 'westeurope'
param tags = {
  app: 'complianceflow'
  env: 'test'
  owner: 'platform-team'
  costCenter: 'CC-1001-ENG'
  deployment: 'westeu-test-1'
  region: 'westeurope'
}
param registryProfile = {
  sku: 'Basic'
  buildAgentPool: null
}
param zoneRedundant = false
param infrastructureSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-containerapps'
param virtualNetworkResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1'
param registryPrivateEndpointName = 'pe-cr-cf-westeu-test-1'
param privateEndpointSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-storage'
param registryPrivateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1'
param workloadIdentityPrincipalId = '33333333-3333-3333-3333-333333333333'
param workloadIdentityResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-westeu-test-1-workload'
param validationJobName = 'caj-cf-westeu-test-1-val'
param validationTarget = {
  deploymentName: 'westeu-test-1'
  keyVaultUri: 'https://kv-cf-westeutest1-1v2yo.vault.azure.net/'
  postgresHost: 'psql-cf-westeu-test-1.postgres.database.azure.com'
  redisHost: 'redis-cf-westeu-test-1.westeurope.redis.azure.net'
  redisPort: 10000
  eventHubsBootstrapServer: 'evhns-cf-westeu-test-1.servicebus.windows.net:9093'
  logAnalyticsWorkspaceId: '44444444-4444-4444-4444-444444444444'
  applicationInsightsName: 'appi-cf-westeu-test-1'
  workloadIdentityClientId: '55555555-5555-5555-5555-555555555555'
}

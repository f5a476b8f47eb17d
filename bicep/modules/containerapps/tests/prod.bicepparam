// Module-level snapshot input: westeu-prod-1, Premium registry, zone redundant, later deploy (bicep snapshot bicep/modules/containerapps/tests/prod.bicepparam).
using '../main.bicep'

param registryName = 'crcfwesteuprod1'
param buildAgentPoolName = 'cf-build'
param buildAgentPoolSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1/subnets/snet-mgmt'
param environmentName = 'cae-cf-westeu-prod-1'
param infrastructureResourceGroupName = 'rg-cf-westeu-prod-1-cae-infra'
param location = 'westeurope'
param tags = {
  app: 'complianceflow'
  env: 'prod'
  owner: 'platform-team'
  costCenter: 'CC-1000-PROD'
  deployment: 'westeu-prod-1'
  region: 'westeurope'
}
param registryProfile = {
  sku: 'Premium'
  buildAgentPool: {
    tier: 'S1'
    count: 1
  }
}
param zoneRedundant = true
param infrastructureSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1/subnets/snet-containerapps'
param virtualNetworkResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1'
param registryPrivateEndpointName = 'pe-cr-cf-westeu-prod-1'
param privateEndpointSubnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1/subnets/snet-storage'
param registryPrivateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-prod-1'
param workloadIdentityPrincipalId = '33333333-3333-3333-3333-333333333333'
param environmentDefaultDomain = 'happy-river-0a1b2c3d.westeurope.azurecontainerapps.io'
param workloadIdentityResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-westeu-prod-1-workload'
param validationJobName = 'caj-cf-westeu-prod-1-val'
param validationTarget = {
  deploymentName: 'westeu-prod-1'
  keyVaultUri: 'https://kv-cf-westeuprod1-xxxxx.vault.azure.net/'
  postgresHost: 'psql-cf-westeu-prod-1.postgres.database.azure.com'
  redisHost: 'redis-cf-westeu-prod-1.westeurope.redis.azure.net'
  redisPort: 10000
  eventHubsBootstrapServer: 'evhns-cf-westeu-prod-1.servicebus.windows.net:9093'
  logAnalyticsWorkspaceId: '44444444-4444-4444-4444-444444444444'
  applicationInsightsName: 'appi-cf-westeu-prod-1'
  workloadIdentityClientId: '55555555-5555-5555-5555-555555555555'
}

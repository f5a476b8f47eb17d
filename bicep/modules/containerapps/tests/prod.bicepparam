// Module-level snapshot input: westeu-prod-1, Premium registry, zone redundant, later deploy (bicep snapshot bicep/modules/containerapps/tests/prod.bicepparam).
using '../main.bicep'

param registryName = 'crcfwesteuprod1'
param environmentName = 'cae-cf-westeu-prod-1'
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

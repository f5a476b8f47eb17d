// Module-level snapshot input: the prod profile of westeu-prod-1 (bicep snapshot bicep/modules/database/tests/prod.bicepparam).
using '../main.bicep'

param name = 'psql-cf-westeu-prod-1'
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
  version: '16'
  sku: { name: 'Standard_D4s_v3', tier: 'GeneralPurpose' }
  storageSizeGb: 128
  storageAutoGrow: true
  backupRetentionDays: 30
  geoRedundantBackup: true
  highAvailability: true
  pgbouncer: true
  maxConnections: 200
}
param databaseNames = {
  user: 'complianceflow_user_westeu_prod_1'
  analytics: 'complianceflow_analytics_westeu_prod_1'
}
param privateEndpointName = 'pe-psql-cf-westeu-prod-1'
param subnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-prod-1/subnets/snet-db'
param privateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-prod-1'
param actionGroupResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-prod-1/providers/Microsoft.Insights/actionGroups/ag-cf-westeu-prod-1'
param entraAdministrator = {
  objectId: '22222222-2222-2222-2222-222222222222'
  principalName: 'cf-postgres-admins'
  principalType: 'Group'
}

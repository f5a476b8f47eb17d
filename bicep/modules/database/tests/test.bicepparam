// Module-level snapshot input: the test profile of westeu-test-1 (bicep snapshot bicep/modules/database/tests/test.bicepparam).
using '../main.bicep'

param name = 'psql-cf-westeu-test-1'
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
  version: '16'
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  storageSizeGb: 32
  storageAutoGrow: false
  backupRetentionDays: 7
  geoRedundantBackup: false
  highAvailability: false
  pgbouncer: false
  maxConnections: 50
}
param databaseNames = {
  user: 'complianceflow_user_westeu_test_1'
  analytics: 'complianceflow_analytics_westeu_test_1'
}
param privateEndpointName = 'pe-psql-cf-westeu-test-1'
param subnetResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/virtualNetworks/vnet-cf-westeu-test-1/subnets/snet-db'
param privateDnsZoneResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com'
param logAnalyticsWorkspaceResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1'
param actionGroupResourceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.Insights/actionGroups/ag-cf-westeu-test-1'

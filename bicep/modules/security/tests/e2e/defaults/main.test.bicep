// AVM-style end-to-end test (defaults): the security tier (Key Vault, its private endpoint, the
// workload identity) with the test profile of westeu-test-1, its dependencies (the monitoring and
// networking tiers) deployed first as bicep/main.bicep does. Compiled with the real Bicep CLI and the
// project's linter by test/integration/bicep/bicep-module-tests.test.ts; deployable as it stands.
metadata name = 'Security tier: defaults'
metadata description = 'Key Vault (standard, 90-day soft delete, no purge protection) behind a private endpoint, and the workload identity.'

targetScope = 'subscription'

@description('Optional. Where the test resources go.')
param resourceLocation string = deployment().location

@description('Optional. The resource group the test creates.')
param resourceGroupName string = 'rg-cf-test-security-defaults'

@description('Optional. A short string that keeps the names of parallel test runs apart.')
param namePrefix string = 'cft'

var tags = {
  app: 'complianceflow'
  env: 'test'
  owner: 'platform-team'
  costCenter: 'CC-1001-ENG'
  deployment: 'westeu-test-1'
  region: resourceLocation
}
var tiers = ['containerapps', 'db', 'redis', 'storage', 'mgmt']
var suffix = uniqueString(subscription().id, resourceGroupName)

resource testResourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: resourceLocation
  tags: tags
}

module monitoring '../../../../monitoring/main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-security-monitoring'
  params: {
    location: resourceLocation
    tags: tags
    logAnalyticsWorkspaceName: 'log-${namePrefix}-security'
    applicationInsightsName: 'appi-${namePrefix}-security'
    actionGroupName: 'ag-${namePrefix}-security'
    actionGroupShortName: '${namePrefix}-sec'
    monitoring: {
      logAnalytics: {
        retentionDays: 90
        dailyCapGb: 1
      }
      appInsightsSamplingPercentage: 100
      alertEmails: []
    }
  }
}

module networking '../../../../networking/main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-security-networking'
  params: {
    location: resourceLocation
    tags: tags
    environment: 'test'
    addressSpace: '10.10.0.0/16'
    virtualNetworkName: 'vnet-${namePrefix}-security'
    subnetNames: toObject(tiers, tier => tier, tier => 'snet-${namePrefix}-${tier}')
    networkSecurityGroupNames: toObject(tiers, tier => tier, tier => 'nsg-${namePrefix}-${tier}')
    networkWatcherName: 'NetworkWatcher_${resourceLocation}'
    networkWatcherResourceGroupName: 'NetworkWatcherRG'
    flowLogsStorageAccountName: take('st${namePrefix}sec${suffix}', 24)
    vnetFlowLogName: 'fl-${namePrefix}-security-vnet'
    network: {
      flowLogRetentionDays: 7
      managementSourceRanges: []
    }
    logAnalyticsWorkspaceResourceId: monitoring.outputs.logAnalyticsWorkspaceResourceId
    logAnalyticsWorkspaceCustomerId: monitoring.outputs.logAnalyticsWorkspaceCustomerId
    logAnalyticsWorkspaceLocation: monitoring.outputs.location
    actionGroupResourceId: monitoring.outputs.actionGroupResourceId
  }
}

module testDeployment '../../../main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-security'
  params: {
    location: resourceLocation
    tags: tags
    keyVaultName: take('kv-${namePrefix}-${suffix}', 24)
    keyVault: {
      sku: 'standard'
      softDeleteRetentionDays: 90
      purgeProtection: false
    }
    workloadIdentityName: 'id-${namePrefix}-security-workload'
    privateEndpointName: 'pe-${namePrefix}-security-keyvault'
    privateEndpointSubnetResourceId: networking.outputs.subnetResourceIds.storage
    privateDnsZoneResourceId: networking.outputs.privateDnsZoneResourceIds.keyVault
    logAnalyticsWorkspaceResourceId: monitoring.outputs.logAnalyticsWorkspaceResourceId
    actionGroupResourceId: monitoring.outputs.actionGroupResourceId
    applicationInsightsName: 'appi-${namePrefix}-security'
  }
}

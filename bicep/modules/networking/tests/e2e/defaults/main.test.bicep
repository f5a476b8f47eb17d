// AVM-style end-to-end test (defaults): the networking tier with the test profile of westeu-test-1
// (a /16, 7-day flow logs, SSH/RDP closed), its dependency (the monitoring tier) deployed first as
// bicep/main.bicep does. Compiled with the real Bicep CLI and the project's linter by
// test/integration/bicep/bicep-module-tests.test.ts; deployable as it stands.
metadata name = 'Networking tier: defaults'
metadata description = 'The VNet, its five subnets and NSGs, the private DNS zones and the VNet flow log with the test profile.'

targetScope = 'subscription'

@description('Optional. Where the test resources go.')
param resourceLocation string = deployment().location

@description('Optional. The resource group the test creates.')
param resourceGroupName string = 'rg-cf-test-networking-defaults'

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

resource testResourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: resourceLocation
  tags: tags
}

module monitoring '../../../../monitoring/main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-networking-monitoring'
  params: {
    location: resourceLocation
    tags: tags
    logAnalyticsWorkspaceName: 'log-${namePrefix}-networking'
    applicationInsightsName: 'appi-${namePrefix}-networking'
    actionGroupName: 'ag-${namePrefix}-networking'
    actionGroupShortName: '${namePrefix}-net'
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

module testDeployment '../../../main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-networking'
  params: {
    location: resourceLocation
    tags: tags
    environment: 'test'
    addressSpace: '10.10.0.0/16'
    virtualNetworkName: 'vnet-${namePrefix}-networking'
    subnetNames: toObject(tiers, tier => tier, tier => 'snet-${namePrefix}-${tier}')
    networkSecurityGroupNames: toObject(tiers, tier => tier, tier => 'nsg-${namePrefix}-${tier}')
    networkWatcherName: 'NetworkWatcher_${resourceLocation}'
    networkWatcherResourceGroupName: 'NetworkWatcherRG'
    flowLogsStorageAccountName: take('st${namePrefix}net${uniqueString(subscription().id, resourceGroupName)}', 24)
    vnetFlowLogName: 'fl-${namePrefix}-networking-vnet'
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

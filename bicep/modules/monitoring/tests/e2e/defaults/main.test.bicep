// AVM-style end-to-end test (defaults): the monitoring tier alone, with the test profile of
// westeu-test-1, in a resource group of its own. Compiled with the real Bicep CLI and the project's
// linter by test/integration/bicep/bicep-module-tests.test.ts; deployable as it stands.
metadata name = 'Monitoring tier: defaults'
metadata description = 'Log Analytics, Application Insights and the action group with the test profile (90 days, 1 GB/day cap, full sampling).'

targetScope = 'subscription'

@description('Optional. Where the test resources go.')
param resourceLocation string = deployment().location

@description('Optional. The resource group the test creates.')
param resourceGroupName string = 'rg-cf-test-monitoring-defaults'

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

resource testResourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: resourceLocation
  tags: tags
}

module testDeployment '../../../main.bicep' = {
  scope: testResourceGroup
  name: '${uniqueString(deployment().name, resourceLocation)}-test-monitoring'
  params: {
    location: resourceLocation
    tags: tags
    logAnalyticsWorkspaceName: 'log-${namePrefix}-monitoring'
    applicationInsightsName: 'appi-${namePrefix}-monitoring'
    actionGroupName: 'ag-${namePrefix}-monitoring'
    actionGroupShortName: '${namePrefix}-mon'
    monitoring: {
      logAnalytics: {
        retentionDays: 90
        dailyCapGb: 1
      }
      appInsightsSamplingPercentage: 100
      alertEmails: [
        'platform-alerts@complianceflow.example'
      ]
    }
  }
}

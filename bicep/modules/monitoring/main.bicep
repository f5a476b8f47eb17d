metadata name = 'ComplianceFlow monitoring tier'
metadata description = 'Log Analytics workspace, workspace-based Application Insights, the action group, the application-level alert rules and the overview workbook. Resource-specific metric alerts live in the tier that owns the resource.'

import {
  defaultDiagnosticSettingName
  diagnosticSettingProperties
  monitoringSettingsType
  tagsType
} from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Optional. Azure region of the workspace, Application Insights and the log alerts.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. Name of the Log Analytics workspace (names.logAnalyticsWorkspace).')
param logAnalyticsWorkspaceName string

@description('Required. Name of the Application Insights component (names.applicationInsights).')
param applicationInsightsName string

@description('Required. Name of the action group (names.actionGroup).')
param actionGroupName string

@description('Required. Short name of the action group, at most 12 characters, shown in notifications.')
@maxLength(12)
param actionGroupShortName string

@description('Required. The monitoring section of the environment profile.')
param monitoring monitoringSettingsType

@description('Optional. Disable shared-key (local) authentication on the workspace. Consumers then send data with Microsoft Entra ID (diagnostic settings, Azure Monitor Agent, Container Apps with the azure-monitor log destination).')
param disableWorkspaceLocalAuth bool = true

@description('Optional. Thresholds of the application-level alerts.')
param alertThresholds alertThresholdsType = {}

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

@export()
@description('Thresholds of the application-level alerts. Every field is optional.')
type alertThresholdsType = {
  @description('Optional. Failed requests in percent over 5 minutes. Default: 5.')
  errorRatePercent: int?

  @description('Optional. p95 request duration in milliseconds over 5 minutes. Default: 2000.')
  p95LatencyMs: int?

  @description('Optional. 5xx gateway responses or failed availability tests per 5 minutes. Default: 5.')
  unavailableCount: int?

  @description('Optional. Failed PostgreSQL dependency calls per 5 minutes. Default: 5.')
  databaseConnectionFailures: int?

  @description('Optional. Average processor time in percent over 10 minutes. Default: 80.')
  cpuPercent: int?
}

// ---------------------------------------------------------------------------------------------
// Log Analytics and Application Insights
// ---------------------------------------------------------------------------------------------

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: logAnalyticsWorkspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: monitoring.logAnalytics.retentionDays
    workspaceCapping: {
      dailyQuotaGb: monitoring.logAnalytics.dailyCapGb
    }
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
      disableLocalAuth: disableWorkspaceLocalAuth
    }
    // Public ingestion and query stay on: without an Azure Monitor Private Link Scope (AMPLS, not part of
    // this design) turning them off cuts off the SDKs in Container Apps, the portal and the pipeline.
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: union(
    {
      Application_Type: 'web'
      WorkspaceResourceId: workspace.id
      IngestionMode: 'LogAnalytics'
      DisableIpMasking: false
      // Telemetry is accepted only with a Microsoft Entra token (workload identity: Monitoring Metrics Publisher).
      DisableLocalAuth: true
      publicNetworkAccessForIngestion: 'Enabled'
      publicNetworkAccessForQuery: 'Enabled'
    },
    // null: no ingestion sampling, the SDKs sample adaptively (prod); a number: fixed-rate sampling (100 in test).
    monitoring.?appInsightsSamplingPercentage == null ? {} : { SamplingPercentage: monitoring.?appInsightsSamplingPercentage }
  )
}

// ---------------------------------------------------------------------------------------------
// Action group
// ---------------------------------------------------------------------------------------------

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: actionGroupShortName
    enabled: true
    emailReceivers: [
      for (email, i) in monitoring.alertEmails: {
        name: 'email-${i + 1}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Application-level alert rules (log alerts on Application Insights, one series per service)
// ---------------------------------------------------------------------------------------------

var thresholds = {
  errorRatePercent: alertThresholds.?errorRatePercent ?? 5
  p95LatencyMs: alertThresholds.?p95LatencyMs ?? 2000
  unavailableCount: alertThresholds.?unavailableCount ?? 5
  databaseConnectionFailures: alertThresholds.?databaseConnectionFailures ?? 5
  cpuPercent: alertThresholds.?cpuPercent ?? 80
}

var logAlerts = [
  {
    key: 'error-rate'
    displayName: 'High error rate'
    description: 'More than ${thresholds.errorRatePercent}% of requests failed in 5 minutes.'
    severity: 1
    window: 'PT5M'
    query: 'requests | summarize Total = count(), Failed = countif(success == false) by cloud_RoleName | where Total > 0 | extend ErrorRatePercent = 100.0 * Failed / Total'
    measure: 'ErrorRatePercent'
    aggregation: 'Maximum'
    threshold: thresholds.errorRatePercent
  }
  {
    key: 'service-unavailable'
    displayName: 'Service unavailable'
    description: 'More than ${thresholds.unavailableCount} gateway errors (502/503/504) or failed availability tests in 5 minutes.'
    severity: 0
    window: 'PT5M'
    query: 'union (requests | where resultCode in ("502", "503", "504")), (availabilityResults | where success == false) | summarize Unavailable = count() by cloud_RoleName'
    measure: 'Unavailable'
    aggregation: 'Total'
    threshold: thresholds.unavailableCount
  }
  {
    key: 'p95-latency'
    displayName: 'High latency (p95)'
    description: 'The 95th percentile of request duration is above ${thresholds.p95LatencyMs} ms over 5 minutes.'
    severity: 2
    window: 'PT5M'
    query: 'requests | summarize P95DurationMs = percentile(duration, 95) by cloud_RoleName'
    measure: 'P95DurationMs'
    aggregation: 'Maximum'
    threshold: thresholds.p95LatencyMs
  }
  {
    key: 'database-connection-failures'
    displayName: 'Database connection failures'
    description: 'More than ${thresholds.databaseConnectionFailures} failed PostgreSQL calls in 5 minutes, seen from the services (the database tier alerts on the server\'s connections_failed metric).'
    severity: 1
    window: 'PT5M'
    query: 'dependencies | where type in~ ("postgresql", "postgres", "SQL") and success == false | summarize Failures = count() by cloud_RoleName'
    measure: 'Failures'
    aggregation: 'Total'
    threshold: thresholds.databaseConnectionFailures
  }
  {
    key: 'cpu'
    displayName: 'High CPU usage'
    description: 'Average processor time of a service above ${thresholds.cpuPercent}% for 10 minutes (resource-level CPU/memory alerts are in the tier of each resource).'
    severity: 2
    window: 'PT10M'
    query: 'performanceCounters | where name in ("% Processor Time Normalized", "% Processor Time") | summarize CpuPercent = avg(value) by cloud_RoleName'
    measure: 'CpuPercent'
    aggregation: 'Average'
    threshold: thresholds.cpuPercent
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in logAlerts: {
    name: 'alert-${applicationInsightsName}-${alert.key}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${applicationInsightsName}: ${alert.displayName}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [applicationInsights.id]
      evaluationFrequency: 'PT5M'
      windowSize: alert.window
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: alert.aggregation
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            dimensions: [
              {
                name: 'cloud_RoleName'
                operator: 'Include'
                values: ['*']
              }
            ]
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Overview workbook (the dashboard template)
// ---------------------------------------------------------------------------------------------

var workbookContent = loadJsonContent('workbook.json')

resource overviewWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // Workbook names must be GUIDs: deterministic per component, so a redeploy updates the same workbook.
  name: guid(applicationInsights.id, 'complianceflow-overview-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'ComplianceFlow overview (${tags.deployment})'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbookContent)
    version: '1.0'
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------------------------

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource workspaceDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: workspace
  properties: diagnosticSettingProperties(workspace.id, {})
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource applicationInsightsDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: applicationInsights
  // Metrics only: the component's logs already land in the same workspace (workspace-based), sending them
  // again would double the ingestion.
  properties: diagnosticSettingProperties(workspace.id, { logCategoriesAndGroups: [] })
}

// ---------------------------------------------------------------------------------------------
// Outputs (never the connection string or instrumentation key)
// ---------------------------------------------------------------------------------------------

@description('The resource group of the tier.')
output resourceGroupName string = resourceGroup().name

@description('The location of the tier.')
output location string = location

@description('Resource id of the Log Analytics workspace.')
output logAnalyticsWorkspaceResourceId string = workspace.id

@description('Name of the Log Analytics workspace.')
output logAnalyticsWorkspaceName string = workspace.name

@description('Workspace (customer) id of the Log Analytics workspace, a GUID (not a secret).')
output logAnalyticsWorkspaceCustomerId string = workspace.properties.customerId

@description('Resource id of the Application Insights component.')
output applicationInsightsResourceId string = applicationInsights.id

@description('Name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name

@description('Resource id of the action group.')
output actionGroupResourceId string = actionGroup.id

@description('Resource id of the overview workbook.')
output workbookResourceId string = overviewWorkbook.id

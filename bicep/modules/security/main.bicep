metadata name = 'ComplianceFlow security tier'
metadata description = 'Key Vault (RBAC, soft delete, purge protection in prod, private endpoint only), audit logs, unauthorized-access and secret-expiry alerts, the workload identity with least-privilege roles, and the secrets ARM already knows (Application Insights connection string). Generated passwords and keys are not created here (see README).'

import {
  defaultDiagnosticSettingName
  diagnosticSettingProperties
  keyVaultSettingsType
  tagsType
} from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Optional. Azure region of the vault, its private endpoint, the identity and the alerts.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. Name of the Key Vault (names.keyVault, 3-24 characters, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Required. The keyVault section of the environment profile.')
param keyVault keyVaultSettingsType

@description('Required. Name of the user-assigned managed identity of the workloads (names.workloadIdentity).')
param workloadIdentityName string

@description('Required. Name of the vault\'s private endpoint (names.privateEndpoints.keyVault).')
param privateEndpointName string

@description('Required. Resource id of the subnet that holds the private endpoint (the storage subnet).')
param privateEndpointSubnetResourceId string

@description('Required. Resource id of the private DNS zone privatelink.vaultcore.azure.net.')
param privateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace (audit logs, alert queries).')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the action group the alerts notify.')
param actionGroupResourceId string

@description('Required. Name of the Application Insights component in this resource group; its connection string is stored as a secret and the workload identity may publish telemetry to it.')
param applicationInsightsName string

@description('Optional. Principals that manage secrets (Key Vault Secrets Officer), e.g. the pipeline identity that runs the post-deploy secret generation, or an admin group.')
param secretsOfficers principalType[] = []

@description('Optional. Forbidden (403) requests in 15 minutes above which the unauthorized-access alert fires.')
@minValue(0)
param forbiddenRequestsThreshold int = 0

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

@export()
@description('A Microsoft Entra ID principal granted a role.')
type principalType = {
  @description('Required. Object id of the principal.')
  principalId: string

  @description('Required. Kind of principal.')
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

// Built-in role definition ids (stable across tenants).
var roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---------------------------------------------------------------------------------------------
// Key Vault
// ---------------------------------------------------------------------------------------------

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: union(
    {
      tenantId: subscription().tenantId
      sku: {
        family: 'A'
        name: keyVault.sku
      }
      enableRbacAuthorization: true
      enableSoftDelete: true
      softDeleteRetentionInDays: keyVault.softDeleteRetentionDays
      enabledForDeployment: false
      enabledForDiskEncryption: false
      enabledForTemplateDeployment: false
      publicNetworkAccess: 'Disabled'
      networkAcls: {
        defaultAction: 'Deny'
        bypass: 'AzureServices'
        ipRules: []
        virtualNetworkRules: []
      }
    },
    // Purge protection cannot be turned off once on, and ARM refuses an explicit false: omit it when off.
    keyVault.purgeProtection ? { enablePurgeProtection: true } : {}
  )
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: privateEndpointName
        properties: {
          privateLinkServiceId: vault.id
          groupIds: ['vault']
        }
      }
    ]
  }
}

resource privateDnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2025-05-01' = {
  parent: privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'privatelink-vaultcore-azure-net'
        properties: {
          privateDnsZoneId: privateDnsZoneResourceId
        }
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Identity and roles (least privilege: the workloads read secrets, never list keys or manage them)
// ---------------------------------------------------------------------------------------------

resource workloadIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: workloadIdentityName
  location: location
  tags: tags
}

resource workloadSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, workloadIdentity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: workloadIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'Workloads read their secrets.'
  }
}

resource secretsOfficerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for officer in secretsOfficers: {
    name: guid(vault.id, officer.principalId, roles.keyVaultSecretsOfficer)
    scope: vault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
      principalId: officer.principalId
      principalType: officer.principalType
      description: 'Manages secrets (post-deploy generation, explicit rotation).'
    }
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workloadTelemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, workloadIdentity.id, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: workloadIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'Workloads send telemetry with Entra ID (local auth is off on Application Insights).'
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets ARM knows (never generated here, never output)
// ---------------------------------------------------------------------------------------------

resource applicationInsightsConnectionString 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'applicationinsights-connection-string'
  tags: union(tags, { source: 'arm', rotation: 'follows-source' })
  properties: {
    contentType: 'text/plain; Application Insights connection string'
    value: applicationInsights.properties.ConnectionString
  }
}

// ---------------------------------------------------------------------------------------------
// Audit logs and alerts
// ---------------------------------------------------------------------------------------------

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the linter's GA pick 2016-09-01 has none.
resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: vault
  // allLogs includes AuditEvent; Dedicated writes it to AZKVAuditLogs, the table the alerts query.
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, { logAnalyticsDestinationType: 'Dedicated' })
}

var logAlerts = [
  {
    key: 'unauthorized-access'
    displayName: 'Unauthorized access'
    description: 'More than ${forbiddenRequestsThreshold} requests to the vault were refused (403) in 15 minutes.'
    severity: 1
    query: 'AZKVAuditLogs | where HttpStatusCode == 403 | summarize Forbidden = count() by CallerIpAddress, OperationName'
    measure: 'Forbidden'
    threshold: forbiddenRequestsThreshold
  }
  {
    key: 'secret-near-expiry'
    displayName: 'Secret near expiry or expired'
    description: 'A secret expires within 30 days or has expired (Key Vault near-expiry/expired notifications in the audit log). Rotate it explicitly (README).'
    severity: 2
    query: 'AZKVAuditLogs | where OperationName in ("SecretNearExpiryEventGridNotification", "SecretExpiredEventGridNotification") | summarize Notifications = count() by OperationName, Id'
    measure: 'Notifications'
    threshold: 0
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in logAlerts: {
    name: 'alert-${keyVaultName}-${alert.key}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${keyVaultName}: ${alert.displayName}'
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [logAnalyticsWorkspaceResourceId]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      // The table may hold no data yet on the first deploy (it fills once logs flow).
      skipQueryValidation: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Total'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [actionGroupResourceId]
      }
    }
    dependsOn: [vaultDiagnostics]
  }
]

// ---------------------------------------------------------------------------------------------
// Outputs (no secret values)
// ---------------------------------------------------------------------------------------------

@description('The resource group of the tier.')
output resourceGroupName string = resourceGroup().name

@description('The location of the tier.')
output location string = location

@description('Resource id of the Key Vault.')
output keyVaultResourceId string = vault.id

@description('Name of the Key Vault.')
output keyVaultName string = vault.name

@description('URI of the Key Vault (reachable through the private endpoint only).')
output keyVaultUri string = vault.properties.vaultUri

@description('Resource id of the vault\'s private endpoint.')
output privateEndpointResourceId string = privateEndpoint.id

@description('Resource id of the workload identity.')
output workloadIdentityResourceId string = workloadIdentity.id

@description('Client id of the workload identity (AZURE_CLIENT_ID of the services).')
output workloadIdentityClientId string = workloadIdentity.properties.clientId

@description('Principal (object) id of the workload identity.')
output workloadIdentityPrincipalId string = workloadIdentity.properties.principalId

@description('Names of the secrets this template writes (values live in the vault only).')
output managedSecretNames string[] = [applicationInsightsConnectionString.name]

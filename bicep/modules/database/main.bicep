metadata name = 'ComplianceFlow database tier'
metadata description = 'PostgreSQL Flexible Server (private endpoint model), the service databases, server parameters, diagnostics and alerts.'

import { databaseSettingsType, defaultDiagnosticSettingName, diagnosticSettingProperties, namesType, tagsType } from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Required. Name of the PostgreSQL Flexible Server (names.postgresServer).')
param name string

@description('Optional. Azure region of the server and its private endpoint.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. The database profile section of the environment (deployments/profiles/<env>.yaml: database).')
param profile databaseSettingsType

@description('Required. Service name to database name (names.databases), one empty database each.')
param databaseNames namesType.databases

@description('Required. Name of the server\'s private endpoint (names.privateEndpoints.postgres).')
param privateEndpointName string

@description('Required. Resource id of the database subnet that holds the private endpoint (not delegated).')
param subnetResourceId string

@description('Required. Resource id of the private DNS zone privatelink.postgres.database.azure.com.')
param privateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace that receives all logs and metrics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the action group the metric alerts notify.')
param actionGroupResourceId string

@description('Optional. Login name of the server administrator (password authentication). Fixed at creation.')
param administratorLogin string = 'cfadmin'

@description('Conditional. Password of the server administrator. Required when the server is created; leave empty on every later deploy so the password in place is kept (the template never generates or rotates it).')
@secure()
param administratorLoginPassword string = ''

@description('Optional. Microsoft Entra ID administrator of the server (emergency/admin access). None when omitted.')
param entraAdministrator entraAdministratorType?

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

@export()
@description('A Microsoft Entra ID principal made administrator of the server.')
type entraAdministratorType = {
  @description('Required. Object id of the user, group or service principal.')
  objectId: string

  @description('Required. Display name (user principal name, group or application name) of the principal.')
  principalName: string

  @description('Required. Kind of principal.')
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

// ---------------------------------------------------------------------------------------------
// Rules Azure would otherwise enforce late (refused before anything is created)
// ---------------------------------------------------------------------------------------------

var isBurstable = profile.sku.tier == 'Burstable'

var validatedHighAvailability = isBurstable && profile.highAvailability
  ? fail('database.highAvailability: zone-redundant HA is not available on the Burstable tier (database.sku.tier); use GeneralPurpose or MemoryOptimized, or set highAvailability to false')
  : profile.highAvailability

var validatedPgbouncer = isBurstable && profile.pgbouncer
  ? fail('database.pgbouncer: the built-in PgBouncer is not available on the Burstable tier (database.sku.tier); set pgbouncer to false or use GeneralPurpose or MemoryOptimized')
  : profile.pgbouncer

// ---------------------------------------------------------------------------------------------
// Server parameters
// ---------------------------------------------------------------------------------------------

// Connections the pool may open per database: max_connections minus a reserve for the admin,
// replication and Azure's own monitoring connections, split evenly across the service databases.
var reservedConnections = 25
var pgbouncerPoolSizePerDatabase = max(5, (profile.maxConnections - reservedConnections) / max(1, length(databaseNames)))

var serverParameters = concat(
  [
    { name: 'require_secure_transport', value: 'ON' }
    { name: 'ssl_min_protocol_version', value: 'TLSv1.2' }
    { name: 'azure.extensions', value: 'PG_STAT_STATEMENTS,PG_TRGM,UUID-OSSP' }
    // Static: takes effect after a restart (post-deploy step, see README).
    { name: 'shared_preload_libraries', value: 'pg_stat_statements' }
    { name: 'log_min_duration_statement', value: '1000' }
    { name: 'pg_qs.query_capture_mode', value: 'top' }
    { name: 'pgms_wait_sampling.query_capture_mode', value: 'all' }
    { name: 'track_io_timing', value: 'on' }
    // Static: takes effect after a restart (post-deploy step, see README).
    { name: 'max_connections', value: string(profile.maxConnections) }
  ],
  // PgBouncer's parameters do not exist on Burstable servers.
  isBurstable
    ? []
    : [
        { name: 'pgbouncer.enabled', value: validatedPgbouncer ? 'true' : 'false' }
      ],
  validatedPgbouncer
    ? [
        { name: 'pgbouncer.pool_mode', value: 'transaction' }
        { name: 'pgbouncer.default_pool_size', value: string(pgbouncerPoolSizePerDatabase) }
      ]
    : []
)

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: profile.sku.name
    tier: profile.sku.tier
  }
  properties: {
    version: profile.version
    administratorLogin: administratorLogin
    // Only sent when given (at creation): a later deploy without it keeps the password in place.
    administratorLoginPassword: empty(administratorLoginPassword) ? null : administratorLoginPassword
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      // Service logins (one role per service, sql/) authenticate with passwords from Key Vault.
      passwordAuth: 'Enabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: profile.storageSizeGb
      autoGrow: profile.storageAutoGrow ? 'Enabled' : 'Disabled'
    }
    backup: {
      backupRetentionDays: profile.backupRetentionDays
      geoRedundantBackup: profile.geoRedundantBackup ? 'Enabled' : 'Disabled'
    }
    highAvailability: {
      mode: validatedHighAvailability ? 'ZoneRedundant' : 'Disabled'
    }
    // Private endpoint model: no delegated subnet, no public endpoint.
    network: {
      publicNetworkAccess: 'Disabled'
    }
  }
}

// One at a time: parallel configuration updates fail with ServerBusy.
@batchSize(1)
resource configurations 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = [
  for parameter in serverParameters: {
    parent: server
    name: parameter.name
    properties: {
      value: parameter.value
      source: 'user-override'
    }
  }
]

// After the configurations and one at a time, for the same reason.
@batchSize(1)
resource databases 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = [
  for database in items(databaseNames): {
    parent: server
    name: database.value
    properties: {
      charset: 'UTF8'
      collation: 'en_US.utf8'
    }
    dependsOn: [
      configurations
    ]
  }
]

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = if (entraAdministrator != null) {
  parent: server
  name: entraAdministrator.?objectId ?? 'none'
  properties: {
    principalName: entraAdministrator.?principalName
    principalType: entraAdministrator.?principalType
    tenantId: tenant().tenantId
  }
  dependsOn: [
    databases
  ]
}

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: privateEndpointName
        properties: {
          privateLinkServiceId: server.id
          groupIds: [
            'postgresqlServer'
          ]
        }
      }
    ]
  }

  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-postgres-database-azure-com'
          properties: {
            privateDnsZoneId: privateDnsZoneResourceId
          }
        }
      ]
    }
  }
}

// Logs: PostgreSQLLogs (incl. the slow-query log), sessions, query store runtime/wait stats, ...
#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: server
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

var alerts = [
  {
    suffix: 'connections-failed'
    description: 'PostgreSQL: failed connections (more than 5 in 5 minutes).'
    severity: 1
    metricName: 'connections_failed'
    timeAggregation: 'Total'
    threshold: 5
    windowSize: 'PT5M'
  }
  {
    suffix: 'cpu-high'
    description: 'PostgreSQL: CPU above 80 % for 10 minutes.'
    severity: 2
    metricName: 'cpu_percent'
    timeAggregation: 'Average'
    threshold: 80
    windowSize: 'PT10M'
  }
  {
    suffix: 'memory-high'
    description: 'PostgreSQL: memory above 80 % for 10 minutes.'
    severity: 2
    metricName: 'memory_percent'
    timeAggregation: 'Average'
    threshold: 80
    windowSize: 'PT10M'
  }
  {
    suffix: 'storage-high'
    description: 'PostgreSQL: storage above 85 %.'
    severity: 1
    metricName: 'storage_percent'
    timeAggregation: 'Average'
    threshold: 85
    windowSize: 'PT15M'
  }
]

resource metricAlerts 'Microsoft.Insights/metricAlerts@2026-01-01' = [
  for alert in alerts: {
    // Alert rules have no name in the naming contract: alert-<server name>-<what is watched>, as in the other tiers.
    name: 'alert-${name}-${alert.suffix}'
    location: 'global'
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        server.id
      ]
      evaluationFrequency: 'PT1M'
      windowSize: alert.windowSize
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: alert.metricName
            metricName: alert.metricName
            operator: 'GreaterThan'
            threshold: alert.threshold
            timeAggregation: alert.timeAggregation
          }
        ]
      }
      autoMitigate: true
      actions: [
        {
          actionGroupId: actionGroupResourceId
        }
      ]
    }
  }
]

// ---------------------------------------------------------------------------------------------
// Outputs (nothing secret)
// ---------------------------------------------------------------------------------------------

@description('Resource id of the PostgreSQL Flexible Server.')
output resourceId string = server.id

@description('Resource id of the PostgreSQL Flexible Server (the same as resourceId, under the name its consumers use).')
output serverId string = server.id

@description('Name of the PostgreSQL Flexible Server.')
output name string = server.name

@description('Resource group of the server.')
output resourceGroupName string = resourceGroup().name

@description('Azure region of the server.')
output location string = server.location

@description('FQDN of the server (resolves to the private endpoint inside the virtual network).')
output fqdn string = server.properties.fullyQualifiedDomainName

@description('Login name of the server administrator (password authentication).')
output administratorLogin string = administratorLogin

@description('Service name to database name.')
output databaseNames namesType.databases = databaseNames

@description('Connection string template of a service: {user}, {password} and {database} are placeholders filled from Key Vault and databaseNames. TLS with full certificate verification against the system CA store (libpq 16+).')
output connectionStringTemplate string = 'postgresql://{user}:{password}@${server.properties.fullyQualifiedDomainName}:5432/{database}?sslmode=verify-full&sslrootcert=system&connect_timeout=10'

@description('Whether the built-in PgBouncer (port 6432) is enabled.')
output pgbouncerEnabled bool = validatedPgbouncer

@description('Resource id of the server\'s private endpoint.')
output privateEndpointResourceId string = privateEndpoint.id

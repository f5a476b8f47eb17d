metadata name = 'ComplianceFlow shared types'
metadata description = 'User-defined types shared by bicep/main.bicep and the tier modules, and the one shared way to declare diagnostic settings. Import with: import { tagsType, ... } from \'../shared/types.bicep\''

// ---------------------------------------------------------------------------------------------
// Deployment identity
// ---------------------------------------------------------------------------------------------

@export()
@description('An environment of the platform; selects the profile deployments/profiles/<environment>.yaml.')
type environmentType = 'test' | 'stg' | 'prod'

@export()
@description('The tags every resource and resource group of a deployment carries.')
type tagsType = {
  @description('Required. Application tag, always complianceflow.')
  app: 'complianceflow'

  @description('Required. Environment of the deployment.')
  env: environmentType

  @description('Required. Owning team.')
  owner: string

  @description('Required. Cost center the resources are charged to.')
  costCenter: string

  @description('Required. Deployment name, {regionCode}-{environment}-{instance}, e.g. westeu-test-1.')
  deployment: string

  @description('Required. Azure location of the deployment, e.g. westeurope.')
  region: string
}

// ---------------------------------------------------------------------------------------------
// Names (derived only by packages/cli/src/naming; Bicep never builds a resource name)
// ---------------------------------------------------------------------------------------------

@export()
@description('One name per subnet tier of the subnet plan (bicep/shared/subnet-plan.json); apim only where the plan has it.')
type subnetNamesType = {
  @description('Required. Container Apps environment subnet.')
  containerapps: string

  @description('Required. Database (PostgreSQL private endpoint) subnet.')
  db: string

  @description('Required. Redis (Azure Managed Redis private endpoint) subnet.')
  redis: string

  @description('Required. Storage/Key Vault/Event Hubs/registry private endpoint subnet.')
  storage: string

  @description('Conditional. API Management subnet. Required in prod (the subnet plan has apim only there).')
  apim: string?

  @description('Required. Management subnet.')
  mgmt: string
}

@export()
@description('Names of the private endpoints, one per private service.')
type privateEndpointNamesType = {
  @description('Required. PostgreSQL Flexible Server private endpoint.')
  postgres: string

  @description('Required. Azure Managed Redis private endpoint.')
  redis: string

  @description('Required. Key Vault private endpoint.')
  keyVault: string

  @description('Required. Event Hubs namespace private endpoint.')
  eventHubs: string

  @description('Required. Container registry private endpoint.')
  containerRegistry: string
}

@export()
@description('Every resource name of a deployment, as packages/cli/src/naming derives them.')
type namesType = {
  @description('Required. The deployment\'s resource group.')
  resourceGroup: string

  @description('Required. Virtual network, vnet-cf-{deployment}.')
  virtualNetwork: string

  @description('Required. Subnets, snet-cf-{deployment}-{tier}.')
  subnets: subnetNamesType

  @description('Required. Network security groups, nsg-cf-{deployment}-{tier}, one per subnet (same keys).')
  networkSecurityGroups: subnetNamesType

  @description('Required. Azure\'s per-region Network Watcher (NetworkWatcher_<location>), created by bootstrap, referenced as existing.')
  networkWatcher: string

  @description('Required. Resource group of the Network Watcher (NetworkWatcherRG).')
  networkWatcherResourceGroup: string

  @description('Required. Storage account that holds the VNet flow logs (3-24 lowercase letters and digits, globally unique).')
  flowLogsStorageAccount: string

  @description('Required. VNet flow log (child of the Network Watcher).')
  vnetFlowLog: string

  @description('Required. Log Analytics workspace.')
  logAnalyticsWorkspace: string

  @description('Required. Workspace-based Application Insights component.')
  applicationInsights: string

  @description('Required. Action group that the alerts notify.')
  actionGroup: string

  @description('Required. Short name of the action group (at most 12 characters, shown in notifications), e.g. cf-test-1.')
  @maxLength(12)
  actionGroupShortName: string

  @description('Required. Key Vault (3-24 characters, globally unique).')
  keyVault: string

  @description('Required. PostgreSQL Flexible Server.')
  postgresServer: string

  @description('Required. Service name to database name, complianceflow_{service}_{deployment with underscores}.')
  databases: {
    @description('Required. Database name of the service.')
    *: string
  }

  @description('Required. Azure Managed Redis cluster.')
  redisCache: string

  @description('Required. Event Hubs namespace.')
  eventHubsNamespace: string

  @description('Required. Container registry (5-50 letters and digits, globally unique).')
  containerRegistry: string

  @description('Required. ACR Tasks agent pool of the registry (created only where registry.buildAgentPool is set).')
  containerRegistryAgentPool: string

  @description('Required. Container Apps environment.')
  containerAppsEnvironment: string

  @description('Required. Resource group Azure creates for the Container Apps environment\'s infrastructure (infrastructureResourceGroup): untagged and managed by the environment; the baseline policy assignments exclude exactly this group (notScopes).')
  containerAppsInfrastructureResourceGroup: string

  @description('Required. Container Apps job that runs the post-deploy data checks inside the VNet (cf-infra validate).')
  validationJob: string

  @description('Required. User-assigned managed identity of the workloads (reads Key Vault secrets, pulls images).')
  workloadIdentity: string

  @description('Required. Private endpoint names.')
  privateEndpoints: privateEndpointNamesType
}

// ---------------------------------------------------------------------------------------------
// Profile sections (deployments/profiles/<environment>.yaml), passed through as they are
// ---------------------------------------------------------------------------------------------

@export()
@description('The network section of an environment profile.')
type networkSettingsType = {
  @description('Required. Source address ranges (CIDR) allowed to reach the management subnet on SSH (22) and RDP (3389), from the deployment file (deployments/<name>.yaml: managementSourceRanges, required there). Empty: SSH/RDP closed.')
  managementSourceRanges: string[]

  @description('Required. Days the VNet flow logs are kept in the flow-log storage account (0 keeps them forever).')
  @minValue(0)
  @maxValue(365)
  flowLogRetentionDays: int
}

@export()
@description('The monitoring section of an environment profile.')
type monitoringSettingsType = {
  @description('Required. Log Analytics workspace settings.')
  logAnalytics: {
    @description('Required. Days of interactive retention (30-730).')
    @minValue(30)
    @maxValue(730)
    retentionDays: int

    @description('Required. Daily ingestion cap in GB (-1: no cap).')
    @minValue(-1)
    dailyCapGb: int
  }

  @description('Required. Fixed Application Insights sampling percentage (100 = keep all); null = adaptive sampling in the SDKs.')
  @minValue(1)
  @maxValue(100)
  appInsightsSamplingPercentage: int?

  @description('Required. Email addresses the action group notifies.')
  alertEmails: string[]
}

@export()
@description('The database section of an environment profile.')
type databaseSettingsType = {
  @description('Required. PostgreSQL major version (16 or newer).')
  version: '16' | '17'

  @description('Required. Compute SKU.')
  sku: {
    @description('Required. SKU name, e.g. Standard_B1ms, Standard_D4s_v3.')
    name: string

    @description('Required. Compute tier.')
    tier: 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized'
  }

  @description('Required. Storage size in GiB.')
  storageSizeGb: 32 | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096 | 8192 | 16384 | 32767

  @description('Required. Whether storage grows automatically.')
  storageAutoGrow: bool

  @description('Required. Backup retention in days.')
  @minValue(7)
  @maxValue(35)
  backupRetentionDays: int

  @description('Required. Geo-redundant backup (fixed at server creation).')
  geoRedundantBackup: bool

  @description('Required. Zone-redundant high availability.')
  highAvailability: bool

  @description('Required. Built-in PgBouncer.')
  pgbouncer: bool

  @description('Required. Server max_connections.')
  @minValue(25)
  @maxValue(5000)
  maxConnections: int
}

@export()
@description('The redis section of an environment profile (Azure Managed Redis).')
type redisSettingsType = {
  @description('Required. Azure Managed Redis SKU, e.g. Balanced_B1.')
  sku: string

  @description('Required. High availability (replication across zones).')
  highAvailability: bool

  @description('Required. Persistence mode.')
  persistence: 'none' | 'rdb' | 'aof'

  @description('Required. Eviction policy.')
  evictionPolicy: 'AllKeysLFU' | 'AllKeysLRU' | 'AllKeysRandom' | 'VolatileLRU' | 'VolatileLFU' | 'VolatileTTL' | 'VolatileRandom' | 'NoEviction'
}

@export()
@description('The messaging section of an environment profile.')
type messagingSettingsType = {
  @description('Required. Event Hubs namespace tier.')
  sku: 'Basic' | 'Standard' | 'Premium'

  @description('Required. Throughput units (Standard: 1-40).')
  @minValue(1)
  @maxValue(40)
  throughputUnits: int

  @description('Required. Auto-inflate throughput units.')
  autoInflate: bool

  @description('Required. Upper bound of auto-inflate (0 when autoInflate is false).')
  @minValue(0)
  @maxValue(40)
  maxThroughputUnits: int

  @description('Required. Zone redundancy.')
  zoneRedundant: bool

  @description('Required. Message retention in hours.')
  @minValue(1)
  messageRetentionHours: int
}

@export()
@description('The keyVault section of an environment profile.')
type keyVaultSettingsType = {
  @description('Required. Key Vault SKU.')
  sku: 'standard' | 'premium'

  @description('Required. Soft-delete retention in days (7-90).')
  @minValue(7)
  @maxValue(90)
  softDeleteRetentionDays: int

  @description('Required. Purge protection. Irreversible once enabled.')
  purgeProtection: bool
}

@export()
@description('The registry section of an environment profile.')
type registrySettingsType = {
  @description('Required. Container registry SKU (private endpoints need Premium).')
  sku: 'Basic' | 'Standard' | 'Premium'

  @description('Required. ACR Tasks agent pool in the VNet (Premium only), or null for none: how images reach a registry whose public access is disabled.')
  buildAgentPool: buildAgentPoolType?
}

@export()
@description('An ACR Tasks agent pool (tasks-agent-pools: Premium registries; S1 2 vCPU, S2 4, S3 8).')
type buildAgentPoolType = {
  @description('Required. Pool tier.')
  tier: 'S1' | 'S2' | 'S3'

  @description('Required. Number of instances.')
  @minValue(1)
  @maxValue(4)
  count: int
}

@export()
@description('One event hub (Kafka topic) of the catalogue.')
type eventHubType = {
  @description('Required. Event hub name.')
  name: string

  @description('Required. Partition count.')
  @minValue(1)
  @maxValue(32)
  partitions: int

  @description('Required. Services that consume the hub (consumer group <service>-consumer each: in ARM for amqp services, created on first use for kafka ones).')
  consumers: string[]
}

@export()
@description('The platform catalogue (deployments/catalog.yaml).')
type catalogType = {
  @description('Required. The microservices (one database and login each).')
  services: string[]

  @description('Required. Service to its Event Hubs protocol: kafka (Kafka consumer groups, created by Event Hubs on first use) or amqp (an ARM consumer group <service>-consumer per consumed hub).')
  protocols: {
    @description('Required. The service\'s Event Hubs protocol.')
    *: 'kafka' | 'amqp'
  }

  @description('Required. The event hubs.')
  eventHubs: eventHubType[]
}

// ---------------------------------------------------------------------------------------------
// Cross-tier wiring
// ---------------------------------------------------------------------------------------------

@export()
@description('Resource ids of the private DNS zones the networking tier creates, linked to the VNet.')
type privateDnsZoneIdsType = {
  @description('Required. privatelink.postgres.database.azure.com')
  postgres: string

  @description('Required. privatelink.blob.<storage suffix>')
  blob: string

  @description('Required. privatelink.vaultcore.azure.net')
  keyVault: string

  @description('Required. privatelink.redis.azure.net (Azure Managed Redis)')
  redis: string

  @description('Required. privatelink.servicebus.windows.net (Event Hubs)')
  eventHubs: string

  @description('Required. privatelink.azurecr.io (container registry)')
  containerRegistry: string
}

// ---------------------------------------------------------------------------------------------
// Diagnostic settings: the one shared way every tier declares them
// ---------------------------------------------------------------------------------------------

@export()
@description('A diagnostic setting of a resource (the AVM shape). Every field is optional: the default sends allLogs and AllMetrics to the deployment\'s Log Analytics workspace.')
type diagnosticSettingType = {
  @description('Optional. Name of the setting. Default: to-log-analytics.')
  name: string?

  @description('Optional. Log Analytics workspace resource id. Default: the deployment\'s workspace.')
  workspaceResourceId: string?

  @description('Optional. Log categories or category groups. Default: the allLogs group. [] sends no logs (for resources that have none).')
  logCategoriesAndGroups: {
    @description('Conditional. A log category. Required if categoryGroup is not set.')
    category: string?

    @description('Conditional. A category group (allLogs, audit). Required if category is not set.')
    categoryGroup: string?

    @description('Optional. Whether it is sent. Default: true.')
    enabled: bool?
  }[]?

  @description('Optional. Log Analytics table layout: Dedicated (resource-specific tables, e.g. AZKVAuditLogs) or AzureDiagnostics. Default: the service\'s default.')
  logAnalyticsDestinationType: ('Dedicated' | 'AzureDiagnostics')?

  @description('Optional. Metric categories. Default: AllMetrics. [] sends no metrics (for resources that have none).')
  metricCategories: {
    @description('Required. Metric category, e.g. AllMetrics.')
    category: string

    @description('Optional. Whether it is sent. Default: true.')
    enabled: bool?
  }[]?
}

@export()
@description('Default name of a diagnostic setting.')
var defaultDiagnosticSettingName = 'to-log-analytics'

@export()
@description('The properties of a diagnostic setting: the given setting completed with the defaults (allLogs + AllMetrics to the workspace). Use as `properties: diagnosticSettingProperties(workspaceId, setting)` on a Microsoft.Insights/diagnosticSettings resource scoped to the monitored resource.')
func diagnosticSettingProperties(defaultWorkspaceResourceId string, setting diagnosticSettingType) object => union(
  {
    workspaceId: setting.?workspaceResourceId ?? defaultWorkspaceResourceId
    logs: map(setting.?logCategoriesAndGroups ?? [{ categoryGroup: 'allLogs' }], log => {
      category: log.?category
      categoryGroup: log.?categoryGroup
      enabled: log.?enabled ?? true
    })
    metrics: map(setting.?metricCategories ?? [{ category: 'AllMetrics' }], metric => {
      category: metric.category
      enabled: metric.?enabled ?? true
    })
  },
  setting.?logAnalyticsDestinationType == null ? {} : { logAnalyticsDestinationType: setting.?logAnalyticsDestinationType }
)

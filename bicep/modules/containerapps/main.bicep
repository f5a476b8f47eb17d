metadata name = 'ComplianceFlow container apps tier'
metadata description = 'Where the services are deployed to: a container registry (private where the SKU allows) and an internal Container Apps environment (workload profiles) in the container-apps subnet, with AcrPull for the workload identity; and the manual Container Apps job that runs the post-deploy data checks inside the VNet (cf-infra validate).'

import { defaultDiagnosticSettingName, diagnosticSettingProperties, registrySettingsType, tagsType } from '../../shared/types.bicep'

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

@description('What the validation job checks: the endpoints of the deployment\'s data services (nothing secret; the job reads the passwords from Key Vault with the workload identity).')
type validationTargetType = {
  @description('Required. Deployment name, e.g. westeu-test-1 (the job resolves its settings, catalogue and names from it).')
  deploymentName: string

  @description('Required. Key Vault URI (https://<vault>.vault.azure.net/): where the job reads the service passwords and connection strings.')
  keyVaultUri: string

  @description('Required. PostgreSQL server FQDN.')
  postgresHost: string

  @description('Required. Azure Managed Redis host name.')
  redisHost: string

  @description('Required. Azure Managed Redis TLS port.')
  redisPort: int

  @description('Required. Event Hubs Kafka bootstrap server (<namespace>.servicebus.windows.net:9093).')
  eventHubsBootstrapServer: string

  @description('Required. Log Analytics workspace (customer) id, for the monitoring check\'s query.')
  logAnalyticsWorkspaceId: string

  @description('Required. Application Insights component name (its connection string is a Key Vault secret).')
  applicationInsightsName: string

  @description('Required. Client id of the workload identity the job runs as (AZURE_CLIENT_ID).')
  workloadIdentityClientId: string
}

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Required. Name of the container registry (names.containerRegistry).')
param registryName string

@description('Required. Name of the registry\'s ACR Tasks agent pool (names.containerRegistryAgentPool). Used only when registryProfile.buildAgentPool is set.')
param buildAgentPoolName string

@description('Required. Resource id of the subnet the agent pool joins (the mgmt subnet: not delegated, outbound only). Used only when registryProfile.buildAgentPool is set.')
param buildAgentPoolSubnetResourceId string

@description('Required. Name of the Container Apps environment (names.containerAppsEnvironment).')
param environmentName string

@description('Required. Name of the resource group Azure creates for the environment\'s infrastructure (names.containerAppsInfrastructureResourceGroup). It must not exist beforehand; Azure creates it untagged and managed by the environment, so the subscription\'s tag policies must exclude it (bootstrap writes the assignments\' notScopes).')
param infrastructureResourceGroupName string

@description('Optional. Azure region of the registry, the environment and the private endpoint.')
param location string = resourceGroup().location

@description('Required. Tags applied to every resource of the tier.')
param tags tagsType

@description('Required. The registry profile section of the environment (deployments/profiles/<env>.yaml: registry).')
param registryProfile registrySettingsType

@description('Required. Whether the environment (and a Premium registry) is zone redundant. Fixed at creation.')
param zoneRedundant bool

@description('Required. Resource id of the container-apps subnet (delegated to Microsoft.App/environments by the networking tier).')
param infrastructureSubnetResourceId string

@description('Required. Resource id of the virtual network the environment\'s private DNS zone is linked to.')
param virtualNetworkResourceId string

@description('Required. Name of the registry\'s private endpoint (names.privateEndpoints.containerRegistry). Used only with the Premium SKU.')
param registryPrivateEndpointName string

@description('Conditional. Resource id of the storage subnet that holds the registry\'s private endpoint. Required for the Premium SKU.')
param privateEndpointSubnetResourceId string

@description('Conditional. Resource id of the private DNS zone privatelink.azurecr.io. Required for the Premium SKU.')
param registryPrivateDnsZoneResourceId string

@description('Required. Resource id of the Log Analytics workspace that receives all logs and metrics (app console and system logs included).')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the workload identity (names.workloadIdentity), known before deployment: seeds the names of its role assignments.')
param workloadIdentityResourceId string

@description('Required. Principal (object) id of the workload identity the container apps run as: gets AcrPull on the registry.')
param workloadIdentityPrincipalId string

@description('Required. Name of the validation job (names.validationJob).')
param validationJobName string

@description('Required. What the validation job checks (its non-secret environment variables).')
param validationTarget validationTargetType

@description('Optional. Image the validation job is created with. A placeholder: every start of the job (cf-infra validate) sets the validation image <registry login server>/cf-validate:<tag> of the orchestrator that starts it, so the job always runs the checks of the caller\'s version.')
param validationJobImage string = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'

@description('Optional. Seconds an execution of the validation job may run before Azure stops it.')
@minValue(60)
@maxValue(3600)
param validationJobTimeoutSeconds int = 600

@description('Optional. The environment\'s default domain as a previous deploy reported it (output defaultDomain). When given, the private DNS zone of that domain (* and @ on the static IP) is created and linked to the VNet; empty on the first deploy.')
param environmentDefaultDomain string = ''

// ---------------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------------

// Private endpoints, disabling public access and zone redundancy settings are Premium features.
var isPremium = registryProfile.sku == 'Premium'

var acrPullRoleDefinitionId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

var buildAgentPool = registryProfile.?buildAgentPool

// Agent pools are a Premium feature ("Run an ACR task on a dedicated agent pool",
// https://learn.microsoft.com/azure/container-registry/tasks-agent-pools).
var validatedBuildAgentPool = buildAgentPool != null && !isPremium
  ? fail('registryProfile.buildAgentPool: an ACR Tasks agent pool needs the Premium SKU, not ${registryProfile.sku}.')
  : buildAgentPool

// ---------------------------------------------------------------------------------------------
// Container registry
// ---------------------------------------------------------------------------------------------

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: registryProfile.sku
  }
  properties: {
    // Pulls and pushes authenticate with Entra ID identities only.
    adminUserEnabled: false
    anonymousPullEnabled: false
    // Basic and Standard cannot disable the public endpoint: they have no network restrictions.
    publicNetworkAccess: isPremium ? 'Disabled' : 'Enabled'
    networkRuleBypassOptions: isPremium ? 'None' : 'AzureServices'
    zoneRedundancy: isPremium && zoneRedundant ? 'Enabled' : 'Disabled'
    policies: isPremium
      ? {
          // No image export out of a private registry (exfiltration).
          exportPolicy: {
            status: 'disabled'
          }
        }
      : null
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, workloadIdentityResourceId, acrPullRoleDefinitionId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleDefinitionId)
    principalId: workloadIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource registryPrivateEndpoint 'Microsoft.Network/privateEndpoints@2025-05-01' = if (isPremium) {
  name: registryPrivateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnetResourceId
    }
    privateLinkServiceConnections: [
      {
        name: registryPrivateEndpointName
        properties: {
          privateLinkServiceId: registry.id
          groupIds: [
            'registry'
          ]
        }
      }
    ]
  }

  // Holds both records: <registry>.azurecr.io and the data endpoint <registry>.<region>.data.azurecr.io.
  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-azurecr-io'
          properties: {
            privateDnsZoneId: registryPrivateDnsZoneResourceId
          }
        }
      ]
    }
  }
}

// A Premium registry has public network access disabled: ACR Tasks' shared agents and GitHub-hosted
// runners cannot reach it. ACR Tasks runs on this pool instead (az acr build --agent-pool), inside the
// VNet: it pushes through the registry's private endpoint. Agent pools are a Premium preview feature,
// available in westeurope, northeurope and eastus among others (tasks-agent-pools, "Preview
// limitations"); 2025-03-01-preview is the newest API version (no GA version exists). The pool's VMs
// need outbound HTTPS to the AzureKeyVault, Storage, EventHub, AzureActiveDirectory and AzureMonitor
// service tags, which the mgmt subnet's NSG leaves open (Azure's default outbound rules).
resource registryAgentPool 'Microsoft.ContainerRegistry/registries/agentPools@2025-03-01-preview' = if (validatedBuildAgentPool != null) {
  parent: registry
  name: buildAgentPoolName
  location: location
  tags: tags
  properties: {
    os: 'Linux'
    tier: validatedBuildAgentPool.?tier ?? 'S1'
    count: validatedBuildAgentPool.?count ?? 1
    virtualNetworkSubnetResourceId: buildAgentPoolSubnetResourceId
  }
  dependsOn: [
    // Builds on the pool push through the private endpoint (and its DNS records).
    registryPrivateEndpoint
  ]
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource registryDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: registry
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

// ---------------------------------------------------------------------------------------------
// Container Apps environment
// ---------------------------------------------------------------------------------------------

resource managedEnvironment 'Microsoft.App/managedEnvironments@2026-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Workload profiles (Consumption): fits the plan's /24 subnet (the legacy Consumption-only
    // environment needs a /23).
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    vnetConfiguration: {
      infrastructureSubnetId: infrastructureSubnetResourceId
      // Internal: the ingress is a private IP in the subnet, no public endpoint.
      internal: true
    }
    zoneRedundant: zoneRedundant
    // A workload-profiles environment creates its own infrastructure resource group, untagged
    // ("Name of the platform-managed resource group created for the Managed Environment to host
    // infrastructure resources", ManagedEnvironmentProperties.infrastructureResourceGroup in the
    // Microsoft.App REST spec). Left to Azure it is ME_<env>_<rg>_<region>; named here, so the
    // tag rules can exclude exactly it: a deny on it fails the environment with
    // ManagedEnvironmentResourceGroupDisallowedByPolicy (microsoft/azure-container-apps #345, #381),
    // and a group created beforehand with our tags is refused as already existing (#811).
    infrastructureResourceGroup: infrastructureResourceGroupName
    // Console and system logs through Azure Monitor diagnostic settings: no workspace key needed.
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    peerTrafficConfiguration: {
      encryption: {
        enabled: true
      }
    }
  }
}

#disable-next-line use-recent-api-versions // 2021-05-01-preview is the newest version with category groups (allLogs); the only GA version, 2016-09-01, lacks them.
resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: defaultDiagnosticSettingName
  scope: managedEnvironment
  properties: diagnosticSettingProperties(logAnalyticsWorkspaceResourceId, {})
}

// Apps of an internal environment are <app>.<defaultDomain> on its static IP; the VNet resolves
// them through a private zone named after the domain. Azure assigns that domain at creation, and
// a resource name cannot wait for it, so the zone is created once the orchestrator passes the
// domain back in (the previous deploy's defaultDomain output).
resource environmentZone 'Microsoft.Network/privateDnsZones@2024-06-01' = if (!empty(environmentDefaultDomain)) {
  name: environmentDefaultDomain
  location: 'global'
  tags: tags

  resource wildcard 'A' = {
    name: '*'
    properties: {
      ttl: 300
      aRecords: [
        {
          ipv4Address: managedEnvironment.properties.staticIp
        }
      ]
    }
  }

  resource apex 'A' = {
    name: '@'
    properties: {
      ttl: 300
      aRecords: [
        {
          ipv4Address: managedEnvironment.properties.staticIp
        }
      ]
    }
  }

  resource link 'virtualNetworkLinks' = {
    name: 'vnet'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: virtualNetworkResourceId
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Validation job: the post-deploy data checks from inside the VNet
// ---------------------------------------------------------------------------------------------

// Manual trigger: cf-infra validate starts it (jobs/start with the image and the run's results
// URL) and follows the execution. No retry: a failed run is reported, not repeated behind the
// caller's back. The settings below are the job's non-secret configuration; the start request
// repeats them with the run's own variables added.
resource validationJob 'Microsoft.App/jobs@2026-01-01' = {
  name: validationJobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${workloadIdentityResourceId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Manual'
      replicaTimeout: validationJobTimeoutSeconds
      replicaRetryLimit: 0
      manualTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
      }
      // Pulls the validation image with the workload identity (AcrPull above), no registry password.
      registries: [
        {
          server: registry.properties.loginServer
          identity: workloadIdentityResourceId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'validate'
          image: validationJobImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: [
            { name: 'CF_VALIDATE_TARGET', value: 'azure' }
            { name: 'CF_DEPLOYMENT', value: validationTarget.deploymentName }
            { name: 'CF_KEY_VAULT_URI', value: validationTarget.keyVaultUri }
            { name: 'CF_POSTGRES_HOST', value: validationTarget.postgresHost }
            { name: 'CF_REDIS_HOST', value: validationTarget.redisHost }
            { name: 'CF_REDIS_PORT', value: string(validationTarget.redisPort) }
            { name: 'CF_EVENTHUBS_BOOTSTRAP_SERVER', value: validationTarget.eventHubsBootstrapServer }
            { name: 'CF_LOG_ANALYTICS_WORKSPACE_ID', value: validationTarget.logAnalyticsWorkspaceId }
            { name: 'CF_APPLICATION_INSIGHTS_NAME', value: validationTarget.applicationInsightsName }
            { name: 'AZURE_CLIENT_ID', value: validationTarget.workloadIdentityClientId }
          ]
        }
      ]
    }
  }
  dependsOn: [
    // The identity must be able to pull from the registry before the first execution.
    acrPull
  ]
}

// ---------------------------------------------------------------------------------------------
// Outputs (nothing secret)
// ---------------------------------------------------------------------------------------------

@description('Resource id of the Container Apps environment.')
output resourceId string = managedEnvironment.id

@description('Name of the Container Apps environment.')
output name string = managedEnvironment.name

@description('Resource group of the tier.')
output resourceGroupName string = resourceGroup().name

@description('Azure region of the tier.')
output location string = managedEnvironment.location

@description('Default domain of the environment (apps are <app>.<defaultDomain>).')
output defaultDomain string = managedEnvironment.properties.defaultDomain

@description('Resource id of the environment\'s private DNS zone (empty until environmentDefaultDomain is passed).')
output privateDnsZoneResourceId string = empty(environmentDefaultDomain) ? '' : environmentZone.id

@description('Private IP of the environment\'s internal ingress.')
output staticIp string = managedEnvironment.properties.staticIp

@description('Resource id of the container registry.')
output registryResourceId string = registry.id

@description('Name of the container registry.')
output registryName string = registry.name

@description('Login server of the container registry (<name>.azurecr.io).')
output registryLoginServer string = registry.properties.loginServer

@description('Whether the registry is reachable only through its private endpoint (Premium).')
output registryPrivate bool = isPremium

@description('Name of the ACR Tasks agent pool that builds into the registry from inside the VNet (az acr build --agent-pool); empty when there is none.')
output buildAgentPoolName string = validatedBuildAgentPool != null ? registryAgentPool.name : ''

@description('Resource id of the validation job (Container Apps job, manual trigger).')
output validationJobResourceId string = validationJob.id

@description('Name of the validation job.')
output validationJobName string = validationJob.name

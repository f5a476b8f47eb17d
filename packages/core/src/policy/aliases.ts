// The Azure Policy alias table for every resource type the ComplianceFlow tiers deploy.
//
// An alias is NOT a JSON path: `Microsoft.KeyVault/vaults/sku.name` reads `properties.sku.name`, while
// `Microsoft.DBforPostgreSQL/flexibleServers/sku.name` reads the top-level `sku.name`. The mappings below
// come from the provider alias tables that PSRule for Azure publishes
// (Azure/PSRule.Rules.Azure, data/providers/<namespace>/types.json) and the alias listings they are
// generated from (`az provider show --expand resourceTypes/aliases`), cross-checked with the per-type
// listings of maciejporebski/azure-policy-aliases. The Microsoft.Insights alert, action group and
// workbook entries follow those types' ARM property names and were not checked against a published
// list: verify an alias there before a policy relies on it. Alias names are case-insensitive.
//
// `indexed` says whether the type supports both tags and location, i.e. whether policies with
// mode `Indexed` evaluate it (resource groups are evaluated by `All` policies only).

export interface ResourceTypeAliases {
  indexed: boolean;
  /** alias suffix (after `<type>/`) → default JSON path in the resource body. */
  aliases: Record<string, string>;
}

/** Aliases whose path is the alias suffix under `properties.` (the common case). */
function props(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, `properties.${name}`]));
}

/** Aliases whose path is the alias suffix itself (top-level `sku`, `kind`, `zones`, ...). */
function same(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, name]));
}

export const aliasTable: Record<string, ResourceTypeAliases> = {
  'Microsoft.Resources/subscriptions/resourceGroups': { indexed: false, aliases: {} },

  // Networking
  'Microsoft.Network/virtualNetworks': {
    indexed: true,
    aliases: {
      ...props('addressSpace', 'addressSpace.addressPrefixes', 'addressSpace.addressPrefixes[*]', 'enableDdosProtection',
        'dhcpOptions.dnsServers', 'dhcpOptions.dnsServers[*]', 'subnets', 'subnets[*]'),
      'subnets[*].addressPrefix': 'properties.subnets[*].properties.addressPrefix',
      'subnets[*].networkSecurityGroup.id': 'properties.subnets[*].properties.networkSecurityGroup.id',
      'subnets[*].privateEndpointNetworkPolicies': 'properties.subnets[*].properties.privateEndpointNetworkPolicies',
      'subnets[*].delegations[*].serviceName': 'properties.subnets[*].properties.delegations[*].properties.serviceName',
    },
  },
  'Microsoft.Network/virtualNetworks/subnets': {
    indexed: false,
    aliases: {
      ...props('addressPrefix', 'addressPrefixes', 'addressPrefixes[*]', 'networkSecurityGroup', 'networkSecurityGroup.id',
        'privateEndpointNetworkPolicies', 'privateLinkServiceNetworkPolicies', 'defaultOutboundAccess', 'routeTable.id',
        'serviceEndpoints', 'serviceEndpoints[*]', 'serviceEndpoints[*].service', 'delegations', 'delegations[*]'),
      'delegations[*].serviceName': 'properties.delegations[*].properties.serviceName',
    },
  },
  'Microsoft.Network/networkSecurityGroups': {
    indexed: true,
    aliases: {
      ...props('securityRules', 'securityRules[*]'),
      ...Object.fromEntries(
        ['access', 'direction', 'priority', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'sourceAddressPrefixes[*]',
          'sourcePortRange', 'destinationAddressPrefix', 'destinationPortRange', 'destinationPortRanges', 'destinationPortRanges[*]']
          .map((name) => [`securityRules[*].${name}`, `properties.securityRules[*].properties.${name}`]),
      ),
    },
  },
  'Microsoft.Network/networkSecurityGroups/securityRules': {
    indexed: false,
    aliases: props('access', 'direction', 'priority', 'protocol', 'sourceAddressPrefix', 'sourceAddressPrefixes',
      'sourceAddressPrefixes[*]', 'sourcePortRange', 'destinationAddressPrefix', 'destinationPortRange',
      'destinationPortRanges', 'destinationPortRanges[*]'),
  },
  'Microsoft.Network/privateDnsZones': { indexed: true, aliases: {} },
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks': {
    indexed: true,
    aliases: props('registrationEnabled', 'virtualNetwork', 'virtualNetwork.id', 'resolutionPolicy'),
  },
  'Microsoft.Network/privateEndpoints': {
    indexed: true,
    aliases: {
      ...props('subnet', 'subnet.id', 'customNetworkInterfaceName', 'privateLinkServiceConnections', 'privateLinkServiceConnections[*]'),
      'privateLinkServiceConnections[*].privateLinkServiceId': 'properties.privateLinkServiceConnections[*].properties.privateLinkServiceId',
      'privateLinkServiceConnections[*].groupIds': 'properties.privateLinkServiceConnections[*].properties.groupIds',
      'privateLinkServiceConnections[*].groupIds[*]': 'properties.privateLinkServiceConnections[*].properties.groupIds[*]',
    },
  },
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': {
    indexed: false,
    aliases: {
      ...props('privateDnsZoneConfigs', 'privateDnsZoneConfigs[*]'),
      'privateDnsZoneConfigs[*].privateDnsZoneId': 'properties.privateDnsZoneConfigs[*].properties.privateDnsZoneId',
    },
  },
  'Microsoft.Network/networkWatchers': { indexed: true, aliases: {} },
  'Microsoft.Network/networkWatchers/flowLogs': {
    indexed: true,
    aliases: props('enabled', 'targetResourceId', 'storageId', 'retentionPolicy', 'retentionPolicy.days', 'retentionPolicy.enabled',
      'format.type', 'format.version', 'flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.enabled',
      'flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.workspaceResourceId',
      'flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.trafficAnalyticsInterval'),
  },

  // Storage
  'Microsoft.Storage/storageAccounts': {
    indexed: true,
    aliases: {
      ...same('sku', 'sku.name', 'sku.tier'),
      ...props('publicNetworkAccess', 'allowBlobPublicAccess', 'allowSharedKeyAccess', 'minimumTlsVersion',
        'supportsHttpsTrafficOnly', 'accessTier', 'isHnsEnabled', 'allowCrossTenantReplication', 'defaultToOAuthAuthentication',
        'networkAcls', 'networkAcls.defaultAction', 'networkAcls.bypass', 'networkAcls.ipRules', 'networkAcls.ipRules[*]',
        'networkAcls.ipRules[*].value', 'encryption.keySource', 'encryption.requireInfrastructureEncryption',
        'encryption.services.blob.enabled'),
      // The alias keeps its historical name while the property is `supportsHttpsTrafficOnly`.
      enableHttpsTrafficOnly: 'properties.supportsHttpsTrafficOnly',
    },
  },
  'Microsoft.Storage/storageAccounts/blobServices': {
    indexed: false,
    aliases: props('isVersioningEnabled', 'deleteRetentionPolicy', 'deleteRetentionPolicy.enabled', 'deleteRetentionPolicy.days',
      'containerDeleteRetentionPolicy.enabled', 'containerDeleteRetentionPolicy.days', 'changeFeed.enabled'),
  },
  'Microsoft.Storage/storageAccounts/blobServices/containers': {
    indexed: false,
    aliases: props('publicAccess', 'defaultEncryptionScope'),
  },
  'Microsoft.Storage/storageAccounts/managementPolicies': {
    indexed: false,
    aliases: props('policy', 'policy.rules', 'policy.rules[*]', 'policy.rules[*].enabled', 'policy.rules[*].name'),
  },

  // Monitoring
  'Microsoft.OperationalInsights/workspaces': {
    indexed: true,
    aliases: props('retentionInDays', 'sku', 'sku.name', 'workspaceCapping', 'workspaceCapping.dailyQuotaGb',
      'publicNetworkAccessForIngestion', 'publicNetworkAccessForQuery', 'forceCmkForQuery', 'features.disableLocalAuth'),
  },
  'Microsoft.Insights/components': {
    indexed: true,
    aliases: {
      ...same('kind'),
      ...props('Application_Type', 'WorkspaceResourceId', 'DisableLocalAuth', 'publicNetworkAccessForIngestion', 'publicNetworkAccessForQuery'),
    },
  },
  'Microsoft.Insights/actionGroups': {
    indexed: true,
    aliases: props('enabled', 'groupShortName', 'emailReceivers', 'emailReceivers[*]', 'emailReceivers[*].emailAddress',
      'emailReceivers[*].name', 'emailReceivers[*].useCommonAlertSchema'),
  },
  'Microsoft.Insights/metricAlerts': {
    indexed: true,
    aliases: props('enabled', 'severity', 'scopes', 'scopes[*]', 'evaluationFrequency', 'windowSize', 'autoMitigate',
      'actions', 'actions[*]', 'actions[*].actionGroupId'),
  },
  'Microsoft.Insights/scheduledQueryRules': {
    indexed: true,
    aliases: props('enabled', 'severity', 'scopes', 'scopes[*]', 'evaluationFrequency', 'windowSize', 'autoMitigate',
      'actions.actionGroups', 'actions.actionGroups[*]'),
  },
  'Microsoft.Insights/workbooks': {
    indexed: true,
    aliases: { ...same('kind'), ...props('category', 'sourceId', 'displayName', 'storageUri') },
  },
  'Microsoft.Insights/diagnosticSettings': {
    indexed: false,
    aliases: props('workspaceId', 'storageAccountId', 'eventHubAuthorizationRuleId', 'logAnalyticsDestinationType',
      'logs', 'logs[*]', 'logs[*].enabled', 'logs[*].category', 'logs[*].categoryGroup', 'metrics', 'metrics[*]',
      'metrics[*].enabled', 'metrics[*].category'),
  },

  // Key Vault
  'Microsoft.KeyVault/vaults': {
    indexed: true,
    aliases: props('sku', 'sku.name', 'sku.family', 'tenantId', 'publicNetworkAccess', 'enableRbacAuthorization',
      'enableSoftDelete', 'enablePurgeProtection', 'softDeleteRetentionInDays', 'enabledForDeployment',
      'enabledForDiskEncryption', 'enabledForTemplateDeployment', 'createMode', 'networkAcls', 'networkAcls.bypass',
      'networkAcls.defaultAction', 'networkAcls.ipRules', 'networkAcls.ipRules[*]', 'networkAcls.ipRules[*].value',
      'networkAcls.virtualNetworkRules', 'networkAcls.virtualNetworkRules[*]', 'networkAcls.virtualNetworkRules[*].id',
      'accessPolicies', 'accessPolicies[*]', 'accessPolicies[*].objectId', 'accessPolicies[*].tenantId'),
  },
  'Microsoft.KeyVault/vaults/secrets': {
    indexed: false,
    aliases: props('contentType', 'attributes', 'attributes.enabled', 'attributes.exp', 'attributes.nbf'),
  },

  // PostgreSQL flexible server (SKU at top level)
  'Microsoft.DBforPostgreSQL/flexibleServers': {
    indexed: true,
    aliases: {
      ...same('sku', 'sku.name', 'sku.tier'),
      ...props('version', 'administratorLogin', 'availabilityZone', 'createMode', 'storage', 'storage.storageSizeGB',
        'storage.autoGrow', 'storage.tier', 'backup', 'backup.backupRetentionDays', 'backup.geoRedundantBackup',
        'network', 'network.publicNetworkAccess', 'network.delegatedSubnetResourceId', 'network.privateDnsZoneArmResourceId',
        'highAvailability', 'highAvailability.mode', 'highAvailability.standbyAvailabilityZone', 'authConfig',
        'authConfig.activeDirectoryAuth', 'authConfig.passwordAuth', 'maintenanceWindow', 'maintenanceWindow.customWindow'),
    },
  },
  'Microsoft.DBforPostgreSQL/flexibleServers/databases': {
    indexed: false,
    aliases: props('charset', 'collation'),
  },
  'Microsoft.DBforPostgreSQL/flexibleServers/configurations': {
    indexed: false,
    aliases: props('value', 'source'),
  },
  'Microsoft.DBforPostgreSQL/flexibleServers/administrators': {
    indexed: false,
    aliases: props('principalType', 'principalName', 'tenantId'),
  },
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules': {
    indexed: false,
    aliases: props('startIpAddress', 'endIpAddress'),
  },

  // Azure Managed Redis (SKU at top level)
  'Microsoft.Cache/redisEnterprise': {
    indexed: true,
    aliases: {
      ...same('sku', 'sku.name', 'sku.capacity', 'zones', 'zones[*]'),
      ...props('minimumTlsVersion', 'publicNetworkAccess', 'highAvailability', 'redundancyMode', 'encryption',
        'encryption.customerManagedKeyEncryption', 'encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl'),
    },
  },
  'Microsoft.Cache/redisEnterprise/databases': {
    indexed: false,
    aliases: props('clientProtocol', 'port', 'clusteringPolicy', 'evictionPolicy',
      'persistence', 'persistence.aofEnabled', 'persistence.aofFrequency', 'persistence.rdbEnabled', 'persistence.rdbFrequency',
      'modules', 'modules[*]', 'modules[*].name'),
  },

  // Event Hubs (SKU at top level)
  'Microsoft.EventHub/namespaces': {
    indexed: true,
    aliases: {
      ...same('sku', 'sku.name', 'sku.tier', 'sku.capacity'),
      ...props('publicNetworkAccess', 'minimumTlsVersion', 'disableLocalAuth', 'isAutoInflateEnabled',
        'maximumThroughputUnits', 'zoneRedundant', 'kafkaEnabled', 'clusterArmId'),
    },
  },
  'Microsoft.EventHub/namespaces/eventhubs': {
    indexed: false,
    aliases: props('partitionCount', 'messageRetentionInDays', 'status', 'retentionDescription.retentionTimeInHours',
      'retentionDescription.cleanupPolicy', 'captureDescription.enabled'),
  },
  'Microsoft.EventHub/namespaces/eventhubs/consumergroups': { indexed: false, aliases: props('userMetadata') },
  'Microsoft.EventHub/namespaces/authorizationRules': { indexed: false, aliases: props('rights', 'rights[*]') },
  'Microsoft.EventHub/namespaces/eventhubs/authorizationRules': { indexed: false, aliases: props('rights', 'rights[*]') },
  'Microsoft.EventHub/namespaces/networkRuleSets': {
    indexed: false,
    aliases: props('defaultAction', 'publicNetworkAccess', 'trustedServiceAccessEnabled', 'ipRules', 'ipRules[*]'),
  },
  'Microsoft.EventHub/clusters': { indexed: true, aliases: same('sku', 'sku.name', 'sku.capacity') },

  // Containers
  'Microsoft.ContainerRegistry/registries': {
    indexed: true,
    aliases: {
      ...same('sku', 'sku.name', 'sku.tier'),
      ...props('adminUserEnabled', 'publicNetworkAccess', 'anonymousPullEnabled', 'zoneRedundancy',
        'networkRuleBypassOptions', 'networkRuleSet.defaultAction', 'policies.retentionPolicy.status',
        'policies.retentionPolicy.days', 'policies.exportPolicy.status', 'dataEndpointEnabled'),
    },
  },
  'Microsoft.App/managedEnvironments': {
    indexed: true,
    aliases: {
      ...props('zoneRedundant', 'publicNetworkAccess', 'vnetConfiguration', 'vnetConfiguration.infrastructureSubnetId',
        'vnetConfiguration.internal', 'appLogsConfiguration.destination', 'workloadProfiles', 'workloadProfiles[*]',
        'workloadProfiles[*].workloadProfileType', 'workloadProfiles[*].name', 'peerTrafficConfiguration.encryption.enabled'),
    },
  },

  // Identity and access
  'Microsoft.ManagedIdentity/userAssignedIdentities': { indexed: true, aliases: {} },
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials': {
    indexed: false,
    aliases: props('issuer', 'subject', 'audiences', 'audiences[*]'),
  },
  'Microsoft.Authorization/roleAssignments': {
    indexed: false,
    aliases: props('roleDefinitionId', 'principalId', 'principalType', 'scope', 'condition'),
  },
  'Microsoft.Resources/deployments': { indexed: false, aliases: {} },
};

/** Resource types whose snapshot `type` differs from the type Azure Policy sees. */
const policyTypeOf: Record<string, string> = {
  'microsoft.resources/resourcegroups': 'Microsoft.Resources/subscriptions/resourceGroups',
};

/** The type Azure Policy's `type` field reports for a resource (resource groups differ from ARM's). */
export function policyResourceType(type: string): string {
  return policyTypeOf[type.toLowerCase()] ?? type;
}

interface AliasIndexEntry {
  resourceType: string;
  path: string;
}

const typesByLowerName = new Map(Object.keys(aliasTable).map((type) => [type.toLowerCase(), type]));
const aliasIndex = new Map<string, AliasIndexEntry>();
for (const [resourceType, entry] of Object.entries(aliasTable)) {
  for (const [suffix, path] of Object.entries(entry.aliases)) {
    aliasIndex.set(`${resourceType}/${suffix}`.toLowerCase(), { resourceType, path });
  }
}

/** The canonical spelling of a known resource type, or undefined. */
export function knownResourceType(type: string): string | undefined {
  return typesByLowerName.get(policyResourceType(type).toLowerCase());
}

/** Whether `Indexed` policies evaluate a resource of this type. Unknown types: whether it has a location. */
export function isIndexedType(type: string, hasLocation: boolean): boolean {
  const known = knownResourceType(type);
  return known === undefined ? hasLocation : aliasTable[known]!.indexed;
}

/** The alias's resource type and JSON path, or undefined for an unknown alias. */
export function lookupAlias(alias: string): AliasIndexEntry | undefined {
  return aliasIndex.get(alias.toLowerCase());
}

/** Whether a field string looks like an alias (a namespace-qualified path) rather than a plain field. */
export function looksLikeAlias(field: string): boolean {
  return /^[A-Za-z0-9]+\.[A-Za-z0-9.]+\//.test(field);
}

/** Every alias name, for error messages (the ones for one type when the type is known). */
export function aliasesForType(type: string): string[] {
  const known = knownResourceType(type);
  if (known === undefined) return [];
  return Object.keys(aliasTable[known]!.aliases).map((suffix) => `${known}/${suffix}`);
}

/** The resource type part of an alias name (longest known type prefix), for error messages. */
export function aliasTypePrefix(alias: string): string | undefined {
  const lower = alias.toLowerCase();
  let best: string | undefined;
  for (const [lowerType, type] of typesByLowerName) {
    if (lower.startsWith(`${lowerType}/`) && (best === undefined || type.length > best.length)) best = type;
  }
  return best;
}

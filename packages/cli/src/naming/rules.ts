// Azure's naming rules for every resource type this platform names, each quoted from
// "Naming rules and restrictions for Azure resources" (learn.microsoft.com/azure/azure-resource-manager/
// management/resource-name-rules) or, where that table has no row, from the source named in `source`.
// A name ARM would refuse is refused here, before anything is sent.
import { pinpointCharacter } from './characters.ts';

export interface NamingRule {
  /** ARM resource type. */
  resourceType: string;
  /** Where the name must be unique. */
  scope: string;
  /** Whether the name is part of a public DNS name that must be unique across all of Azure. */
  globallyUnique: boolean;
  minLength: number;
  maxLength: number;
  /** Every character must match. */
  characters: RegExp;
  /** The first character must match. */
  start?: RegExp;
  /** The last character must match. */
  end?: RegExp;
  noConsecutiveHyphens?: boolean;
  /** The rule as the source states it. */
  quote: string;
  /** Where the quote comes from when it is not the naming-rules table. */
  source?: string;
}

const networkQuote = 'Alphanumerics, underscores, periods, and hyphens. Start with alphanumeric. End with alphanumeric or underscore.';
const networkCharacters = /^[A-Za-z0-9_.-]$/;
const alphanumeric = /^[A-Za-z0-9]$/;
const alphanumericOrUnderscore = /^[A-Za-z0-9_]$/;

function networkRule(resourceType: string, scope: string, minLength: number, maxLength: number, source?: string): NamingRule {
  return {
    resourceType,
    scope,
    globallyUnique: false,
    minLength,
    maxLength,
    characters: networkCharacters,
    start: alphanumeric,
    end: alphanumericOrUnderscore,
    quote: networkQuote,
    ...(source === undefined ? {} : { source }),
  };
}

/** Container Apps environments and jobs: 2-32 lowercase letters, numbers and hyphens, no "--". */
const containerAppsName = {
  scope: 'resource group',
  globallyUnique: false,
  minLength: 2,
  maxLength: 32,
  characters: /^[a-z0-9-]$/,
  start: /^[a-z]$/,
  end: /^[a-z0-9]$/,
  noConsecutiveHyphens: true,
};

export const namingRules = {
  resourceGroup: {
    resourceType: 'Microsoft.Resources/resourceGroups',
    scope: 'subscription',
    globallyUnique: false,
    minLength: 1,
    maxLength: 90,
    characters: /^[\p{L}\p{Nd}_.()-]$/u,
    end: /^[^.]$/,
    quote: 'Underscores, hyphens, periods, parentheses, and letters or digits as defined by the Char.IsLetterOrDigit function. Can\'t end with period.',
  },
  virtualNetwork: networkRule('Microsoft.Network/virtualNetworks', 'resource group', 2, 64),
  subnet: networkRule('Microsoft.Network/virtualNetworks/subnets', 'virtual network', 1, 80),
  networkSecurityGroup: networkRule('Microsoft.Network/networkSecurityGroups', 'resource group', 1, 80),
  networkWatcher: networkRule('Microsoft.Network/networkWatchers', 'resource group', 1, 80),
  flowLog: networkRule('Microsoft.Network/networkWatchers/flowLogs', 'network watcher', 1, 80, 'the naming-rules table has no row for flowLogs; the networkWatchers row applies'),
  privateEndpoint: networkRule('Microsoft.Network/privateEndpoints', 'resource group', 2, 64),
  storageAccount: {
    resourceType: 'Microsoft.Storage/storageAccounts',
    scope: 'global',
    globallyUnique: true,
    minLength: 3,
    maxLength: 24,
    characters: /^[a-z0-9]$/,
    quote: 'Lowercase letters and numbers.',
  },
  logAnalyticsWorkspace: {
    resourceType: 'Microsoft.OperationalInsights/workspaces',
    scope: 'resource group',
    globallyUnique: false,
    minLength: 4,
    maxLength: 63,
    characters: /^[A-Za-z0-9-]$/,
    start: alphanumeric,
    end: alphanumeric,
    quote: 'Alphanumerics and hyphens. Start and end with alphanumeric.',
  },
  applicationInsights: {
    resourceType: 'Microsoft.Insights/components',
    scope: 'resource group',
    globallyUnique: false,
    minLength: 1,
    maxLength: 260,
    characters: /^[^%&\\?/\p{Cc}]$/u,
    end: /^[^ .]$/,
    quote: "Can't use: %&\\?/ or control characters. Can't end with space or period.",
  },
  actionGroup: {
    resourceType: 'Microsoft.Insights/actionGroups',
    scope: 'resource group',
    globallyUnique: false,
    minLength: 1,
    maxLength: 260,
    characters: /^[^:<>+/&%\\?|\p{Cc}]$/u,
    end: /^[^ .]$/,
    quote: "Can't use: :<>+/&%\\?| or control characters. Can't end with space or period.",
  },
  actionGroupShortName: {
    resourceType: 'Microsoft.Insights/actionGroups (groupShortName)',
    scope: 'action group',
    globallyUnique: false,
    minLength: 1,
    maxLength: 12,
    characters: /^[A-Za-z0-9-]$/,
    quote: 'The short name of the action group. This will be used in SMS messages. (maxLength 12)',
    source: 'the ActionGroup.groupShortName property of the Microsoft.Insights REST API',
  },
  keyVault: {
    resourceType: 'Microsoft.KeyVault/vaults',
    scope: 'global',
    globallyUnique: true,
    minLength: 3,
    maxLength: 24,
    characters: /^[A-Za-z0-9-]$/,
    start: /^[A-Za-z]$/,
    end: alphanumeric,
    noConsecutiveHyphens: true,
    quote: "Alphanumerics and hyphens. Start with a letter. End with letter or number. Can't contain consecutive hyphens.",
  },
  postgresServer: {
    resourceType: 'Microsoft.DBforPostgreSQL/flexibleServers',
    scope: 'global',
    globallyUnique: true,
    minLength: 3,
    maxLength: 63,
    characters: /^[a-z0-9-]$/,
    start: /^[a-z0-9]$/,
    end: /^[a-z0-9]$/,
    quote: "Lowercase letters, hyphens, and numbers. Can't start or end with hyphens.",
  },
  postgresDatabase: {
    resourceType: 'Microsoft.DBforPostgreSQL/flexibleServers/databases',
    scope: 'server',
    globallyUnique: false,
    minLength: 1,
    maxLength: 63,
    characters: /^[a-z0-9_]$/,
    start: /^[a-z_]$/,
    quote: 'SQL identifiers must begin with a letter or an underscore; subsequent characters can be letters, underscores, digits (0-9), or dollar signs. Identifiers longer than NAMEDATALEN-1 (63) bytes are truncated.',
    source: 'PostgreSQL documentation, "Identifiers and Key Words" (the naming-rules table only has a row for the retired Single Server databases); lower case because unquoted identifiers fold to lower case',
  },
  redisCache: {
    resourceType: 'Microsoft.Cache/redisEnterprise',
    scope: 'region (DNS name <name>.<region>.redis.azure.net)',
    globallyUnique: false,
    minLength: 1,
    maxLength: 60,
    characters: /^[A-Za-z0-9-]$/,
    start: alphanumeric,
    end: alphanumeric,
    noConsecutiveHyphens: true,
    quote: 'Name must be 1-60 characters long. Allowed characters(A-Z, a-z, 0-9) and hyphen(-). There can be no leading nor trailing nor consecutive hyphens',
    source: 'the clusterName parameter of the Microsoft.Cache/redisEnterprise REST API (Azure Managed Redis is not in the naming-rules table)',
  },
  eventHubsNamespace: {
    resourceType: 'Microsoft.EventHub/namespaces',
    scope: 'global',
    globallyUnique: true,
    minLength: 6,
    maxLength: 50,
    characters: /^[A-Za-z0-9-]$/,
    start: /^[A-Za-z]$/,
    end: alphanumeric,
    quote: 'Alphanumerics and hyphens. Start with a letter. End with letter or number.',
  },
  containerRegistry: {
    resourceType: 'Microsoft.ContainerRegistry/registries',
    scope: 'global',
    globallyUnique: true,
    minLength: 5,
    maxLength: 50,
    characters: alphanumeric,
    quote: 'Alphanumerics.',
  },
  containerRegistryAgentPool: {
    resourceType: 'Microsoft.ContainerRegistry/registries/agentPools',
    scope: 'registry',
    globallyUnique: false,
    minLength: 3,
    maxLength: 20,
    characters: /^[A-Za-z0-9-]$/,
    quote: 'The name of the agent pool: 3-20 characters, ^[a-zA-Z0-9-]*$.',
    source: 'the agentPoolName parameter (minLength 3, maxLength 20, pattern ^[a-zA-Z0-9-]*$) of the Microsoft.ContainerRegistry REST API, 2025-03-01-preview (AgentPools_Create)',
  },
  containerAppsEnvironment: {
    resourceType: 'Microsoft.App/managedEnvironments',
    ...containerAppsName,
    quote: 'Lowercase letters, numbers, and hyphens. Start with a letter and end with alphanumeric.',
    source: 'the naming-rules table lists only Microsoft.App/containerApps; its row is applied to the environment too, with the no "--" rule ARM states for container apps',
  },
  containerAppsJob: {
    resourceType: 'Microsoft.App/jobs',
    ...containerAppsName,
    quote: 'Between 2 and 32 characters long. Lowercase letters, numbers, and hyphens. Start with letter and end with alphanumeric. Can not contain consecutive hyphens.',
    source: 'the naming-rules table has no row for Microsoft.App/jobs; the requirements as PSRule for Azure states them (rule Azure.ContainerApp.JobNaming), the same as the table\'s containerApps row plus the no "--" rule',
  },
  userAssignedIdentity: {
    resourceType: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    scope: 'resource group',
    globallyUnique: false,
    minLength: 3,
    maxLength: 128,
    characters: /^[A-Za-z0-9_-]$/,
    start: alphanumeric,
    quote: 'Alphanumerics, hyphens, and underscores. Start with a letter or number.',
  },
  deploymentStack: {
    resourceType: 'Microsoft.Resources/deploymentStacks',
    scope: 'subscription',
    globallyUnique: false,
    minLength: 1,
    maxLength: 90,
    characters: /^[\w.()-]$/,
    quote: 'Deployment stack name: 1-90 characters of [-\\w._()].',
    source: 'the deploymentStackName parameter pattern of the Microsoft.Resources REST API',
  },
} as const satisfies Record<string, NamingRule>;

export type NamingRuleId = keyof typeof namingRules;

/** Why ARM would refuse `name`, or undefined when the rule accepts it. */
export function namingViolation(rule: NamingRule, name: string): string | undefined {
  const length = [...name].length;
  if (length < rule.minLength || length > rule.maxLength) return `is ${length} characters long; allowed: ${rule.minLength}-${rule.maxLength}`;
  const bad = pinpointCharacter(name, (character) => rule.characters.test(character));
  if (bad !== undefined) return `contains ${bad}, which is not an allowed character`;
  const first = [...name][0]!;
  const last = [...name][length - 1]!;
  if (rule.start !== undefined && !rule.start.test(first)) return `starts with ${JSON.stringify(first)}, which is not allowed there`;
  if (rule.end !== undefined && !rule.end.test(last)) return `ends with ${JSON.stringify(last)}, which is not allowed there`;
  if (rule.noConsecutiveHyphens && name.includes('--')) return 'contains consecutive hyphens';
  return undefined;
}

/** The full message for a refused name: what, why, and the rule as Azure states it. */
export function describeViolation(rule: NamingRule, name: string, violation: string): string {
  return `${rule.resourceType} name ${JSON.stringify(name)} ${violation}. Azure's rule (${rule.minLength}-${rule.maxLength} characters, unique per ${rule.scope}): "${rule.quote}"`;
}

/** The refusal message for `name` under rule `id`, or undefined when Azure accepts it (for callers outside derive.ts). */
export function checkName(id: NamingRuleId, name: string): string | undefined {
  const rule: NamingRule = namingRules[id];
  const violation = namingViolation(rule, name);
  return violation === undefined ? undefined : describeViolation(rule, name, violation);
}

// The desired state of everything bootstrap manages, as ARM resources { id, apiVersion, body }.
// Pure: the same inputs give the same resources; the steps compare them with what exists.
import { resolveAll } from '../config/registry.ts';
import type { Registry } from '../config/types.ts';
import { artifactsStorageAccountName, networkWatcherName, networkWatcherResourceGroupName, sharedResourceGroupName } from '../naming/shared.ts';
import { baselineExclusions, withExclusions, type PolicyLibrary } from '@complianceflow/core/policy/index.ts';
import type { BootstrapConfig } from './config.ts';
import type { DeploymentRole } from './deployment-role.ts';
import type { CustomRole } from './role-file.ts';
import { resourceGroupId, subscriptionScope } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from '../arm/api-versions.ts';
import { builtInRoles, deterministicGuid } from './ids.ts';
import { resultsContainer } from '../validate/job/results-blob.ts';

export interface DesiredResource {
  /** What a person reads in the step's report, e.g. `resource group rg-complianceflow-test`. */
  label: string;
  id: string;
  apiVersion: string;
  body: Record<string, unknown>;
  /** Values kept from the existing resource when it exists (e.g. a budget's start date). */
  keepFromExisting?: (existing: Record<string, unknown>, body: Record<string, unknown>) => Record<string, unknown>;
}

export interface BootstrapInput {
  subscriptionId: string;
  config: BootstrapConfig;
  registry: Registry;
  /** The lock container packages/cli/src/lock uses. */
  lockContainer: string;
  now: Date;
}

const app = 'complianceflow';

function environmentTags(registry: Registry, env: string): Record<string, string> {
  const profile = registry.profiles[env]!;
  return { app, env, owner: profile.tags.owner, costCenter: profile.tags.costCenter };
}

/** Tags of what serves every environment (NetworkWatcherRG, watchers): the owner of the artifacts environment. */
function sharedTags(input: BootstrapInput): Record<string, string> {
  return { ...environmentTags(input.registry, input.config.artifacts.environment), env: 'shared' };
}

export function environments(registry: Registry): string[] {
  return Object.keys(registry.profiles).sort();
}

export function resourceGroups(input: BootstrapInput): DesiredResource[] {
  const shared = environments(input.registry).map((env) => {
    const name = sharedResourceGroupName(env);
    return { label: `resource group ${name}`, id: resourceGroupId(input.subscriptionId, name), apiVersion: apiVersions.resourceGroups, body: { location: input.config.location, tags: environmentTags(input.registry, env) } };
  });
  const watcher = {
    label: `resource group ${networkWatcherResourceGroupName}`,
    id: resourceGroupId(input.subscriptionId, networkWatcherResourceGroupName),
    apiVersion: apiVersions.resourceGroups,
    body: { location: input.config.location, tags: sharedTags(input) },
  };
  return [...shared, watcher];
}

export function networkWatchers(input: BootstrapInput): DesiredResource[] {
  const locations = [...new Set(Object.values(input.registry.regions).map((r) => r.location))].sort();
  return locations.map((location) => {
    const name = networkWatcherName(location);
    return {
      label: `network watcher ${name}`,
      id: `${resourceGroupId(input.subscriptionId, networkWatcherResourceGroupName)}/providers/Microsoft.Network/networkWatchers/${name}`,
      apiVersion: apiVersions.networkWatchers,
      body: { location, tags: sharedTags(input), properties: {} },
    };
  });
}

export function artifactsAccountId(input: Pick<BootstrapInput, 'subscriptionId' | 'config'>): string {
  const rg = sharedResourceGroupName(input.config.artifacts.environment);
  return `${resourceGroupId(input.subscriptionId, rg)}/providers/Microsoft.Storage/storageAccounts/${artifactsStorageAccountName(input.subscriptionId)}`;
}

export function lockContainerId(input: BootstrapInput): string {
  return `${artifactsAccountId(input)}/blobServices/default/containers/${input.lockContainer}`;
}

/** The container `validate` writes the in-VNet job's results to (one append blob per run). */
export function resultsContainerId(input: BootstrapInput): string {
  return `${artifactsAccountId(input)}/blobServices/default/containers/${resultsContainer}`;
}

export function artifactsAccountUrl(subscriptionId: string): string {
  return `https://${artifactsStorageAccountName(subscriptionId)}.blob.core.windows.net`;
}

export function artifactsStorage(input: BootstrapInput): DesiredResource[] {
  const account = artifactsAccountId(input);
  const name = artifactsStorageAccountName(input.subscriptionId);
  const privateContainer = (label: string, id: string): DesiredResource => ({ label, id, apiVersion: apiVersions.storage, body: { properties: { publicAccess: 'None' } } });
  return [
    artifactsAccount(input, account, name),
    artifactsBlobService(input.config.artifacts.softDeleteDays, account, name),
    artifactsLifecycleRule(input.config.artifacts.deleteOldVersionsAfterDays, account, name),
    privateContainer(`lock container ${input.lockContainer}`, lockContainerId(input)),
    privateContainer(`validation results container ${resultsContainer}`, resultsContainerId(input)),
  ];
}

function artifactsAccount(input: BootstrapInput, account: string, name: string): DesiredResource {
  const { sku, allowedSourceRanges } = input.config.artifacts;
  return {
    label: `storage account ${name}`,
    id: account,
    apiVersion: apiVersions.storage,
    body: {
      location: input.config.location,
      tags: environmentTags(input.registry, input.config.artifacts.environment),
      sku: { name: sku },
      kind: 'StorageV2',
      properties: {
        accessTier: 'Hot',
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
        // Entra ID only: the lock and every CI access use tokens, never account keys.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        // Public endpoint behind a deny-by-default firewall (policy cf-deny-public-network-access-data):
        // only the configured egress ranges, with Entra auth; trusted Azure services bypass.
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: allowedSourceRanges.map((value) => ({ value, action: 'Allow' })), virtualNetworkRules: [] },
        encryption: {
          keySource: 'Microsoft.Storage',
          requireInfrastructureEncryption: true,
          services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
        },
      },
    },
  };
}

function artifactsBlobService(softDeleteDays: number, account: string, name: string): DesiredResource {
  return {
    label: `blob service of ${name} (versioning, soft delete ${softDeleteDays} days)`,
    id: `${account}/blobServices/default`,
    apiVersion: apiVersions.storage,
    body: {
      properties: {
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: softDeleteDays },
        containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays },
      },
    },
  };
}

function artifactsLifecycleRule(deleteOldVersionsAfterDays: number, account: string, name: string): DesiredResource {
  const rule = {
    enabled: true,
    name: 'delete-old-versions',
    type: 'Lifecycle',
    definition: { filters: { blobTypes: ['blockBlob'] }, actions: { version: { delete: { daysAfterCreationGreaterThan: deleteOldVersionsAfterDays } } } },
  };
  return {
    label: `lifecycle rule of ${name} (old versions deleted after ${deleteOldVersionsAfterDays} days)`,
    id: `${account}/managementPolicies/default`,
    apiVersion: apiVersions.storage,
    body: { properties: { policy: { rules: [rule] } } },
  };
}

export interface EnvironmentBudget {
  environment: string;
  amount: number;
  contacts: string[];
  /** Where the amount comes from: the deployments' budgets summed, or the profile when it has none. */
  basis: string;
}

/** Per environment: the sum of its deployments' monthly budgets (the profile's when it has no deployment). */
export function environmentBudgets(registry: Registry): EnvironmentBudget[] {
  const deployments = resolveAll(registry);
  return environments(registry).map((environment) => {
    const mine = deployments.filter((d) => d.environment === environment);
    const profile = registry.profiles[environment]!;
    if (mine.length === 0) return { environment, amount: profile.budget.monthlyUsd, contacts: [...profile.budget.contacts], basis: `${profile.file} (no deployments yet)` };
    const amount = mine.reduce((sum, d) => sum + d.settings.budget.monthlyUsd, 0);
    const contacts = [...new Set(mine.flatMap((d) => d.settings.budget.contacts))].sort();
    return { environment, amount, contacts, basis: mine.map((d) => `${d.name} ${d.settings.budget.monthlyUsd}`).join(' + ') };
  });
}

export function firstOfMonth(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01T00:00:00Z`;
}

/** Keeps an existing budget period (ARM refuses to move a budget's start into the past, and a rerun must not differ). */
const keepTimePeriod = (existing: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> => {
  const current = (existing['properties'] as Record<string, unknown> | undefined)?.['timePeriod'];
  if (current === undefined) return body;
  return { ...body, properties: { ...(body['properties'] as Record<string, unknown>), timePeriod: current } };
};

/**
 * The anomaly alert stops at its schedule's endDate. Bootstrap keeps the end at least
 * `anomalyAlertRenewWithinYears` ahead on every run: an end closer than that (or missing) moves to
 * `anomalyAlertHorizonYears` from now, so reruns in between change nothing and a yearly rerun renews.
 */
export const anomalyAlertRenewWithinYears = 1;
export const anomalyAlertHorizonYears = 2;

const at0800 = (date: Date): string => `${date.toISOString().slice(0, 10)}T08:00:00Z`;
const yearsFrom = (now: Date, years: number): Date => new Date(Date.UTC(now.getUTCFullYear() + years, now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes()));

/** The schedule's dates: the existing start kept, the end kept only while it is far enough ahead. */
export function anomalyAlertSchedule(now: Date, existing?: { startDate?: unknown; endDate?: unknown }): { startDate: string; endDate: string } {
  const startDate = typeof existing?.startDate === 'string' ? existing.startDate : at0800(now);
  const end = typeof existing?.endDate === 'string' ? Date.parse(existing.endDate) : Number.NaN;
  const farEnough = !Number.isNaN(end) && end >= yearsFrom(now, anomalyAlertRenewWithinYears).getTime();
  return { startDate, endDate: farEnough ? (existing!.endDate as string) : at0800(yearsFrom(now, anomalyAlertHorizonYears)) };
}

export function budgets(input: BootstrapInput): DesiredResource[] {
  return environmentBudgets(input.registry).map(({ environment, amount, contacts }) => {
    const notification = (threshold: number, thresholdType: 'Actual' | 'Forecasted') => ({ enabled: true, operator: 'GreaterThanOrEqualTo', threshold, thresholdType, contactEmails: contacts });
    return {
      label: `budget cf-budget-${environment} (${amount} USD/month, resources tagged env=${environment})`,
      id: `${subscriptionScope(input.subscriptionId)}/providers/Microsoft.Consumption/budgets/cf-budget-${environment}`,
      apiVersion: apiVersions.budgets,
      body: {
        properties: {
          category: 'Cost',
          amount,
          timeGrain: 'Monthly',
          timePeriod: { startDate: firstOfMonth(input.now) },
          filter: { tags: { name: 'env', operator: 'In', values: [environment] } },
          notifications: {
            actual_50: notification(50, 'Actual'),
            actual_80: notification(80, 'Actual'),
            actual_100: notification(100, 'Actual'),
            forecasted_100: notification(100, 'Forecasted'),
          },
        },
      },
      keepFromExisting: keepTimePeriod,
    };
  });
}

export function costAnomalyAlert(input: BootstrapInput): DesiredResource[] {
  const scope = subscriptionScope(input.subscriptionId);
  const contacts = [...new Set(environmentBudgets(input.registry).flatMap((b) => b.contacts))].sort();
  return [
    {
      label: 'cost anomaly alert cf-cost-anomalies (daily, by resource group)',
      id: `${scope}/providers/Microsoft.CostManagement/scheduledActions/cf-cost-anomalies`,
      apiVersion: apiVersions.scheduledActions,
      body: {
        kind: 'InsightAlert',
        properties: {
          displayName: 'ComplianceFlow cost anomalies',
          status: 'Enabled',
          scope,
          viewId: `${scope}/providers/Microsoft.CostManagement/views/ms:DailyAnomalyByResourceGroup`,
          notification: { to: contacts, subject: 'ComplianceFlow: cost anomaly detected' },
          schedule: { frequency: 'Daily', ...anomalyAlertSchedule(input.now) },
        },
      },
      keepFromExisting: (existing, body) => {
        const properties = body['properties'] as Record<string, unknown>;
        const current = (existing['properties'] as { schedule?: { startDate?: unknown; endDate?: unknown } } | undefined)?.schedule;
        return { ...body, properties: { ...properties, schedule: { ...(properties['schedule'] as object), ...anomalyAlertSchedule(input.now, current) } } };
      },
    },
  ];
}

/** Replaces the {subscriptionId} placeholder of the policy files everywhere in a document. */
function forSubscription<T>(value: T, subscriptionId: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{subscriptionId}', subscriptionId)) as T;
}

const isBuiltIn = (id: string): boolean => id.toLowerCase().startsWith('/providers/microsoft.authorization/');

/** Our own definitions and initiatives (built-in mirrors exist in Azure already), then the assignments. */
export function policies(input: BootstrapInput, library: PolicyLibrary): DesiredResource[] {
  const sub = input.subscriptionId;
  const out: DesiredResource[] = [];
  for (const { definition } of library.definitions) {
    if (isBuiltIn(definition.id)) continue;
    const doc = forSubscription(definition, sub) as unknown as { id: string; name: string; properties: Record<string, unknown> };
    out.push({ label: `policy definition ${doc.name}`, id: doc.id, apiVersion: apiVersions.policy, body: { properties: doc.properties } });
  }
  for (const { initiative } of library.initiatives) {
    if (isBuiltIn(initiative.id)) continue;
    const doc = forSubscription(initiative, sub) as unknown as { id: string; name: string; properties: Record<string, unknown> };
    out.push({ label: `initiative ${doc.name}`, id: doc.id, apiVersion: apiVersions.policy, body: { properties: doc.properties } });
  }
  // Every deployment's Container Apps infrastructure group, in every assignment (see policy/exclusions.ts).
  const exclusions = baselineExclusions(resolveAll(input.registry), sub);
  for (const { assignment, environment } of library.assignments) {
    const doc = forSubscription(assignment, sub) as unknown as { name: string; properties: Record<string, unknown> & { scope: string; notScopes?: string[] } };
    const { scope, ...properties } = doc.properties; // scope is where it is PUT, not a property ARM accepts
    properties.notScopes = withExclusions(properties.notScopes, exclusions);
    out.push({ label: `policy assignment ${doc.name} (${environment}, ${exclusions.length} infrastructure groups excluded)`, id: `${scope}/providers/Microsoft.Authorization/policyAssignments/${doc.name}`, apiVersion: apiVersions.policy, body: { properties } });
  }
  return out;
}

/** A custom role's definition id on the subscription (its GUID derived from the role's name). */
export function customRoleId(subscriptionId: string, role: Pick<CustomRole, 'roleName'>): string {
  return `${subscriptionScope(subscriptionId)}/providers/Microsoft.Authorization/roleDefinitions/${deterministicGuid(`${subscriptionId}|${role.roleName}`)}`;
}

/** A custom role (deployments/roles/*.json) defined on the subscription and assignable there only. */
export function customRoleDefinition(input: BootstrapInput, role: CustomRole): DesiredResource {
  const scope = subscriptionScope(input.subscriptionId);
  return {
    label: `role definition "${role.roleName}" (${role.actions.length} actions)`,
    id: customRoleId(input.subscriptionId, role),
    apiVersion: apiVersions.roleDefinitions,
    body: {
      properties: {
        roleName: role.roleName,
        description: role.description,
        type: 'CustomRole',
        permissions: [{ actions: role.actions, notActions: role.notActions, dataActions: role.dataActions, notDataActions: role.notDataActions }],
        assignableScopes: [scope],
      },
    },
  };
}

export const deploymentRoleId = customRoleId;
export const deploymentRoleDefinition = customRoleDefinition;

export interface CiPrincipal {
  objectId: string;
  /** How to call it in the report (the app's name, or the emulator placeholder). */
  label: string;
}

/**
 * Least privilege for the CI identity: Reader and the deployment role on the subscription (its
 * role-assignment rights under `deploymentRoleCondition`, see role-condition.ts), blob data on the
 * lock container only.
 */
export function roleAssignments(input: BootstrapInput, role: DeploymentRole, principal: CiPrincipal, deploymentRoleCondition: string): DesiredResource[] {
  if (deploymentRoleCondition.trim() === '') throw new Error('roleAssignments: no condition for the deployment role (checkRoleCoverage derives it)');
  const sub = input.subscriptionId;
  const scope = subscriptionScope(sub);
  const builtIn = (guid: string): string => `${scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const grants: Grant[] = [
    { what: 'Reader on the subscription', scope, roleDefinitionId: builtIn(builtInRoles.Reader) },
    { what: `${role.roleName} on the subscription (role assignments only under a condition)`, scope, roleDefinitionId: deploymentRoleId(sub, role), condition: deploymentRoleCondition },
    { what: `Storage Blob Data Contributor on container ${input.lockContainer}`, scope: lockContainerId(input), roleDefinitionId: builtIn(builtInRoles['Storage Blob Data Contributor']) },
    // validate hands the in-VNet job a user delegation SAS for one results blob: the key is an account-level operation.
    { what: `Storage Blob Data Contributor on container ${resultsContainer}`, scope: resultsContainerId(input), roleDefinitionId: builtIn(builtInRoles['Storage Blob Data Contributor']) },
    { what: 'Storage Blob Delegator on the artifacts account', scope: artifactsAccountId(input), roleDefinitionId: builtIn(builtInRoles['Storage Blob Delegator']) },
  ];
  return grants.map((g) => roleAssignment(principal, g));
}

interface Grant {
  what: string;
  scope: string;
  roleDefinitionId: string;
  /** An ABAC condition on the assignment (conditionVersion 2.0). */
  condition?: string;
}

/** One role assignment of a principal, named by a GUID of scope, role and principal (a rerun finds it). */
export function roleAssignment(principal: CiPrincipal, grant: Grant): DesiredResource {
  return {
    label: `role assignment: ${principal.label} — ${grant.what}`,
    id: `${grant.scope}/providers/Microsoft.Authorization/roleAssignments/${deterministicGuid(`${grant.scope}|${grant.roleDefinitionId}|${principal.objectId}`)}`,
    apiVersion: apiVersions.roleAssignments,
    body: {
      properties: {
        roleDefinitionId: grant.roleDefinitionId,
        principalId: principal.objectId,
        principalType: 'ServicePrincipal',
        ...(grant.condition === undefined ? {} : { condition: grant.condition, conditionVersion: '2.0' }),
      },
    },
  };
}

/**
 * The pull-request identity: Reader and the what-if role on the subscription, nothing else — no
 * write, no role assignment, no data action, no lock (what-if takes none).
 */
export function prRoleAssignments(input: BootstrapInput, prRole: CustomRole, principal: CiPrincipal): DesiredResource[] {
  const scope = subscriptionScope(input.subscriptionId);
  return [
    roleAssignment(principal, { what: 'Reader on the subscription', scope, roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles.Reader}` }),
    roleAssignment(principal, { what: `${prRole.roleName} on the subscription`, scope, roleDefinitionId: customRoleId(input.subscriptionId, prRole) }),
  ];
}

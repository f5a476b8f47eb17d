// The built-in role definitions the emulator knows, as DATA: the permissions Azure publishes for each
// (id, actions, notActions, dataActions, notDataActions). Source: "Azure built-in roles"
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles and its per-category
// pages, checked 2026-12; the role JSON is also served by GET /providers/Microsoft.Authorization/roleDefinitions/{id}).
// The set: the roles the templates (bicep/) and bootstrap (packages/cli/src/bootstrap) assign, the
// roles people hold (Owner, Contributor, Reader), and the role-assignment managers (User Access
// Administrator, Role Based Access Control Administrator). The Deployment Stack roles: deployment-stacks.md
// ("Built-in roles"); their JSON as published (azure-rbac-catalog.org mirrors it).

export interface Permission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  id: string;
  roleName: string;
  permissions: Permission[];
}

const role = (id: string, roleName: string, p: Partial<Permission>): RoleDefinition => ({
  id,
  roleName,
  permissions: [{ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] }],
});

const keyVaultControlPlaneRead = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Resources/deployments/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.Support/*',
  'Microsoft.KeyVault/checkNameAvailability/read',
  'Microsoft.KeyVault/deletedVaults/read',
  'Microsoft.KeyVault/locations/*/read',
  'Microsoft.KeyVault/vaults/*/read',
  'Microsoft.KeyVault/operations/read',
];

export const builtInRoles: readonly RoleDefinition[] = [
  role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'Owner', { actions: ['*'] }),
  role('b24988ac-6180-42a0-ab88-20f7382dd24c', 'Contributor', {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  }),
  role('acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', { actions: ['*/read'] }),
  role('18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'User Access Administrator', { actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'] }),
  role('f58310d9-a9f6-439a-9e8d-f62e7b41a168', 'Role Based Access Control Administrator', {
    actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*'],
  }),
  role('adb29209-aa1d-457b-a786-c913953d2891', 'Azure Deployment Stack Owner', {
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Insights/alertRules/*', 'Microsoft.Resources/deployments/*', 'Microsoft.Resources/subscriptions/resourceGroups/read', 'Microsoft.Resources/deploymentStacks/*'],
  }),
  role('bf7f8882-3383-422a-806a-6526c631a88a', 'Azure Deployment Stack Contributor', {
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deploymentStacks/write',
      'Microsoft.Resources/deploymentStacks/read',
      'Microsoft.Resources/deploymentStacks/validate/action',
      'Microsoft.Resources/deploymentStacks/exportTemplate/action',
    ],
  }),
  role('4633458b-17de-408a-b874-0445c86b69e6', 'Key Vault Secrets User', {
    dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  }),
  role('b86a8fe4-44ce-4948-aee5-eccb2c155cd7', 'Key Vault Secrets Officer', { actions: keyVaultControlPlaneRead, dataActions: ['Microsoft.KeyVault/vaults/secrets/*'] }),
  role('00482a5a-887f-4fb3-b363-3b7fe8e74483', 'Key Vault Administrator', { actions: keyVaultControlPlaneRead, dataActions: ['Microsoft.KeyVault/vaults/*'] }),
  role('3913510d-42f4-4e42-8a64-420c390055eb', 'Monitoring Metrics Publisher', {
    actions: ['Microsoft.Insights/Register/Action', 'Microsoft.Support/*', 'Microsoft.Resources/subscriptions/resourceGroups/read'],
    dataActions: ['Microsoft.Insights/Metrics/Write', 'Microsoft.Insights/Telemetry/Write'],
  }),
  role('2b629674-e913-4c01-ae53-ef4638d8f975', 'Azure Event Hubs Data Sender', { actions: ['Microsoft.EventHub/*/eventhubs/read'], dataActions: ['Microsoft.EventHub/*/send/action'] }),
  role('a638d3c7-ab3a-418d-83e6-5f17a39d4fde', 'Azure Event Hubs Data Receiver', { actions: ['Microsoft.EventHub/*/eventhubs/consumergroups/read'], dataActions: ['Microsoft.EventHub/*/receive/action'] }),
  role('7f951dda-4ed3-4680-a7ca-43fe172d538d', 'AcrPull', { actions: ['Microsoft.ContainerRegistry/registries/pull/read'] }),
  role('ba92f5b4-2d11-453d-a403-e96b0029c9fe', 'Storage Blob Data Contributor', {
    actions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/write',
      'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
    ],
    dataActions: [
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
      'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
    ],
  }),
  role('db58b8e5-c6ad-4a2a-8342-4190687cbf4a', 'Storage Blob Delegator', { actions: ['Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'] }),
];

export const ownerRoleId = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

export const builtInRole = (guid: string): RoleDefinition | undefined => builtInRoles.find((r) => r.id === guid.toLowerCase());

/** A built-in role definition as GET …/roleDefinitions/{id} answers it at any scope (RoleDefinition in the Authorization spec). */
export function builtInRoleBody(id: string, guid: string): Record<string, unknown> | undefined {
  const r = builtInRole(guid);
  if (r === undefined) return undefined;
  return { id, type: 'Microsoft.Authorization/roleDefinitions', name: r.id, properties: { roleName: r.roleName, type: 'BuiltInRole', assignableScopes: ['/'], permissions: r.permissions } };
}

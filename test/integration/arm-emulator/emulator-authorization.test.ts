// ARM authorization in the emulator, with the real SDK clients over HTTPS: the default principal is
// the subscription's Owner (a visible role assignment); a principal without assignments is refused
// (403 AuthorizationFailed) on writes and reads; the deployment role (deployments/roles/cf-deployment.json,
// the real file) assigned to a CI identity deploys a stack with a private endpoint, a subnet join, a
// private DNS link and zone group and a role assignment; without a linked action the resource fails
// with LinkedAuthorizationFailed naming it; without a write the preflight refuses the template; the
// condition on the role-assignment grant refuses Owner and allows the listed roles; private endpoint
// connections are Approved or Pending by the approval action, and validate's check sees it.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createArmClients, EmulatorCredential, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId, makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { armChecks } from '@complianceflow/cli/validate/arm-checks.ts';
import { ownerAssignmentId } from '@complianceflow/arm-emulator/authorization/seed.ts';
import { assignRole, call, fast, nestedRgDeployment, roles, tinyStack, useTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

const roleFile = JSON.parse(readFileSync(new URL('../../../deployments/roles/cf-deployment.json', import.meta.url), 'utf8')) as { roleName: string; actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] };

// The linked actions this stack needs that the committed role lacked when this test was written
// (issue 15 item 3 adds them to the role): supplemented only while the file does not hold them.
const roleFixActions = [
  'Microsoft.Network/virtualNetworks/join/action',
  'Microsoft.KeyVault/vaults/privateEndpointConnectionsApproval/action',
];
const approval = 'Microsoft.KeyVault/vaults/privateEndpointConnectionsApproval/action';

// The condition bootstrap puts on the deployment role's assignment (the shared contract), with the
// roles the test stack assigns: Key Vault Secrets User and Monitoring Metrics Publisher, service principals only.
const delegationCondition = `(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles.keyVaultSecretsUser}, ${roles.monitoringMetricsPublisher}}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
 )
 OR
 (
  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles.keyVaultSecretsUser}, ${roles.monitoringMetricsPublisher}}
  AND
  @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}
 )
)`;

const workloadPrincipal = '7e3b1c55-0000-4000-a000-00000000f00d';

/** A subscription-scope template: a resource group with a VNet, a Key Vault behind a private endpoint, its DNS zone, link and zone group, and a role assignment on the vault. */
function networkTemplate(): Record<string, unknown> {
  const inner = {
    parameters: { location: { type: 'string' }, tenantId: { type: 'string' }, vaultName: { type: 'string' }, principalId: { type: 'string' }, roleId: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2024-05-01', name: 'vnet-auth', location: "[parameters('location')]", properties: { addressSpace: { addressPrefixes: ['10.20.0.0/16'] }, subnets: [{ name: 'snet-pe', properties: { addressPrefix: '10.20.1.0/24' } }] } },
      { type: 'Microsoft.Network/privateDnsZones', apiVersion: '2020-06-01', name: 'privatelink.vaultcore.azure.net', location: 'global' },
      {
        type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
        apiVersion: '2024-06-01',
        name: 'privatelink.vaultcore.azure.net/link-vnet',
        location: 'global',
        dependsOn: ["[resourceId('Microsoft.Network/privateDnsZones', 'privatelink.vaultcore.azure.net')]", "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-auth')]"],
        properties: { registrationEnabled: false, virtualNetwork: { id: "[resourceId('Microsoft.Network/virtualNetworks', 'vnet-auth')]" } },
      },
      { type: 'Microsoft.KeyVault/vaults', apiVersion: '2024-11-01', name: "[parameters('vaultName')]", location: "[parameters('location')]", properties: { tenantId: "[parameters('tenantId')]", sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, publicNetworkAccess: 'Disabled' } },
      {
        type: 'Microsoft.Network/privateEndpoints',
        apiVersion: '2024-05-01',
        name: 'pe-kv',
        location: "[parameters('location')]",
        dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', 'vnet-auth')]", "[resourceId('Microsoft.KeyVault/vaults', parameters('vaultName'))]"],
        properties: {
          subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-auth', 'snet-pe')]" },
          privateLinkServiceConnections: [{ name: 'kv', properties: { privateLinkServiceId: "[resourceId('Microsoft.KeyVault/vaults', parameters('vaultName'))]", groupIds: ['vault'] } }],
        },
      },
      {
        type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
        apiVersion: '2024-05-01',
        name: 'pe-kv/default',
        dependsOn: ["[resourceId('Microsoft.Network/privateEndpoints', 'pe-kv')]"],
        properties: { privateDnsZoneConfigs: [{ name: 'kv', properties: { privateDnsZoneId: "[resourceId('Microsoft.Network/privateDnsZones', 'privatelink.vaultcore.azure.net')]" } }] },
      },
      {
        type: 'Microsoft.Authorization/roleAssignments',
        apiVersion: '2022-04-01',
        name: "[guid(parameters('vaultName'), parameters('principalId'), parameters('roleId'))]",
        scope: "[format('Microsoft.KeyVault/vaults/{0}', parameters('vaultName'))]",
        dependsOn: ["[resourceId('Microsoft.KeyVault/vaults', parameters('vaultName'))]"],
        properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('roleId'))]", principalId: "[parameters('principalId')]", principalType: 'ServicePrincipal' },
      },
    ],
  };
  return {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { rgName: { type: 'string' }, location: { type: 'string' }, tenantId: { type: 'string' }, vaultName: { type: 'string' }, principalId: { type: 'string' }, roleId: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: "[parameters('rgName')]", location: "[parameters('location')]" },
      nestedRgDeployment('network', Object.fromEntries(['location', 'tenantId', 'vaultName', 'principalId', 'roleId'].map((p) => [p, { value: `[parameters('${p}')]` }])), inner),
    ],
  };
}

describe('ARM emulator: authorization (RBAC, linked access checks, conditions, private endpoint approval)', () => {
  let emu: TestEmulator;
  const sub = (): string => `/subscriptions/${emu.subscriptionId}`;
  const as = (principalId: string): ArmClients => createArmClients({ kind: 'emulator', subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem, credential: new EmulatorCredential({ principalId }) }, { retryOptions: { maxRetries: 0 } });
  const token = (oid: string): string => makeEmulatorToken({ oid }).token;
  let roleCounter = 0;

  /** Writes a custom role (as bootstrap does) from the role file's shape, minus `without`, plus `extra`; returns its id. */
  async function customRole(opts: { without?: string[]; extra?: string[] } = {}): Promise<string> {
    const guid = `c0000000-0000-4000-a000-${String(++roleCounter).padStart(12, '0')}`;
    const actions = [...roleFile.actions, ...(opts.extra ?? [])].filter((a) => !(opts.without ?? []).includes(a));
    const id = `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const put = await call(emu, 'PUT', `${id}?api-version=2022-04-01`, {
      properties: { roleName: `${roleFile.roleName} #${roleCounter}`, type: 'CustomRole', permissions: [{ actions, notActions: roleFile.notActions, dataActions: roleFile.dataActions, notDataActions: roleFile.notDataActions }], assignableScopes: [sub()] },
    });
    expect(put.status, JSON.stringify(put.body)).to.equal(201);
    return id;
  }

  /** A CI identity holding the role (with the delegation condition) on the subscription. */
  async function ciWith(principalId: string, opts: { without?: string[]; extra?: string[] } = {}): Promise<ArmClients> {
    const missingFromFile = roleFixActions.filter((a) => !roleFile.actions.includes(a));
    const role = await customRole({ without: opts.without, extra: [...missingFromFile, ...(opts.extra ?? [])] });
    const r = await assignRole(emu, sub(), principalId, role, { condition: delegationCondition, conditionVersion: '2.0' });
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return as(principalId);
  }

  const stackBody = (rgName: string, vaultName: string, roleId: string = roles.keyVaultSecretsUser): any => ({
    location: 'westeurope',
    properties: {
      template: networkTemplate(),
      parameters: { rgName: { value: rgName }, location: { value: 'westeurope' }, tenantId: { value: emu.tenantId }, vaultName: { value: vaultName }, principalId: { value: workloadPrincipal }, roleId: { value: roleId } },
      actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' },
      denySettings: { mode: 'none' },
    },
  });

  const endpointStatus = async (clients: ArmClients, rg: string): Promise<string | undefined> => {
    const pe = await clients.resources.resources.getById(`${sub()}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/pe-kv`, '2024-05-01');
    return (pe.properties as any).privateLinkServiceConnections[0].properties.privateLinkServiceConnectionState?.status;
  };

  useTestEmulator((e) => (emu = e));

  it('makes the default principal the subscription Owner, as a role assignment visible through GET', async () => {
    const got = await emu.clients.resources.resources.getById(ownerAssignmentId(emu.subscriptionId), '2022-04-01');
    expect(got.properties).to.deep.include({ roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${roles.owner}`, principalId: defaultEmulatorPrincipalId, principalType: 'User' });
    // The built-in roles are data the emulator answers with, as Azure does at any scope.
    const ownerRole = await emu.clients.resources.resources.getById(`${sub()}/providers/Microsoft.Authorization/roleDefinitions/${roles.owner}`, '2022-04-01');
    expect(ownerRole.properties).to.deep.include({ roleName: 'Owner', type: 'BuiltInRole', permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }] });
    const rg = await emu.clients.resources.resourceGroups.createOrUpdate('rg-owner', { location: 'westeurope' });
    expect(rg.name).to.equal('rg-owner');
  });

  it('refuses a principal without role assignments on writes and reads (403 AuthorizationFailed, ARM\'s message)', async () => {
    const nobody = '0b0d1e5a-0000-4000-a000-000000000001';
    const put = await call(emu, 'PUT', `${sub()}/resourcegroups/rg-nobody?api-version=2025-04-01`, { location: 'westeurope' }, { token: token(nobody) });
    expect(put.status).to.equal(403);
    expect(put.body.error).to.deep.equal({
      code: 'AuthorizationFailed',
      message: `The client '${nobody}' with object id '${nobody}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '${sub()}/resourceGroups/rg-nobody' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    });
    const clients = as(nobody);
    const read = await clients.resources.resourceGroups.get('rg-owner').then(() => undefined, (e: { statusCode?: number; code?: string; message: string }) => e);
    expect([read?.statusCode, read?.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect(read?.message).to.include("'Microsoft.Resources/subscriptions/resourceGroups/read'");
    const list = await call(emu, 'GET', `${sub()}/resourcegroups?api-version=2025-04-01`, undefined, { token: token(nobody) });
    expect([list.status, list.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    const subscriptions = await call(emu, 'GET', '/subscriptions?api-version=2022-12-01', undefined, { token: token(nobody) });
    expect([subscriptions.status, subscriptions.body.value]).to.deep.equal([200, []]);
    expect((await call(emu, 'GET', '/subscriptions?api-version=2022-12-01')).body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).to.deep.equal([emu.subscriptionId]);
    const stack = await clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-nobody', tinyStack('rg-nobody'), fast).then(() => undefined, (e: { statusCode?: number; message: string }) => e);
    expect(stack?.statusCode).to.equal(403);
    expect(stack?.message).to.include("'Microsoft.Resources/deploymentStacks/write'");
    const register = await call(emu, 'POST', `${sub()}/providers/Microsoft.KeyVault/register?api-version=2025-04-01`, undefined, { token: token(nobody) });
    expect([register.status, register.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect(register.body.error.message).to.include("'Microsoft.KeyVault/register/action'");
    // nothing was written
    expect((await call(emu, 'GET', `${sub()}/resourcegroups/rg-nobody?api-version=2025-04-01`)).status).to.equal(404);
  });

  it('lets a Reader read but not write, and lists only what a resource-group reader may see', async () => {
    const reader = '0b0d1e5a-0000-4000-a000-000000000002';
    expect((await assignRole(emu, `${sub()}/resourceGroups/rg-owner`, reader, roles.reader)).status).to.equal(201);
    await emu.clients.resources.resourceGroups.createOrUpdate('rg-other', { location: 'westeurope' });
    const clients = as(reader);
    expect((await clients.resources.resourceGroups.get('rg-owner')).name).to.equal('rg-owner');
    const names: string[] = [];
    for await (const g of clients.resources.resourceGroups.list()) names.push(g.name!);
    expect(names).to.deep.equal(['rg-owner']);
    const write = await call(emu, 'PATCH', `${sub()}/resourcegroups/rg-owner?api-version=2025-04-01`, { tags: { a: 'b' } }, { token: token(reader) });
    expect([write.status, write.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect(write.body.error.message).to.include("'Microsoft.Resources/subscriptions/resourceGroups/write'");
  });

  it('deploys a stack with a private endpoint, subnet join, DNS link, zone group and role assignment as the CI identity holding the deployment role (Approved)', async () => {
    const ciOid = '0c1c1d00-0000-4000-a000-000000000001';
    const ci = await ciWith(ciOid);
    const stack = await ci.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-ci', stackBody('rg-ci', 'kv-ci-auth'), fast);
    expect(stack.properties?.provisioningState, JSON.stringify(stack.properties?.error)).to.equal('succeeded');
    expect(stack.properties?.resources?.map((r) => r.id!.split('/').slice(-2).join('/'))).to.include.members(['privateEndpoints/pe-kv', 'virtualNetworkLinks/link-vnet', 'privateDnsZoneGroups/default']);
    expect(await endpointStatus(ci, 'rg-ci')).to.equal('Approved');
    const vault = await ci.resources.resources.getById(`${sub()}/resourceGroups/rg-ci/providers/Microsoft.KeyVault/vaults/kv-ci-auth`, '2024-11-01');
    expect((vault.properties as any).privateEndpointConnections.map((c: any) => c.properties.privateLinkServiceConnectionState.status)).to.deep.equal(['Approved']);
    const [check] = armChecks({ clients: ci, stack, apiVersions: new Map([['microsoft.network/privateendpoints', '2024-05-01']]), emulator: true }).filter((c) => c.name === 'arm: private endpoint connections Approved');
    expect(await check!.run(new AbortController().signal)).to.deep.include({ status: 'pass' });
  });

  it('leaves the connection Pending without the approval action, and validate\'s check fails on it', async () => {
    const ci = await ciWith('0c1c1d00-0000-4000-a000-000000000002', { without: [approval] });
    const stack = await ci.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-pending', stackBody('rg-pending', 'kv-pending-auth'), fast);
    expect(stack.properties?.provisioningState).to.equal('succeeded');
    expect(await endpointStatus(ci, 'rg-pending')).to.equal('Pending');
    const [check] = armChecks({ clients: ci, stack, apiVersions: new Map([['microsoft.network/privateendpoints', '2024-05-01']]), emulator: true }).filter((c) => c.name === 'arm: private endpoint connections Approved');
    const result = await check!.run(new AbortController().signal);
    expect(result.status).to.equal('fail');
    expect(result.reason).to.include('Microsoft.Network/privateEndpoints/pe-kv: connection kv is Pending');
  });

  it('fails the resource with 403 LinkedAuthorizationFailed naming the linked action when the role lacks it', async () => {
    const join = 'Microsoft.Network/virtualNetworks/subnets/join/action';
    const oid = '0c1c1d00-0000-4000-a000-000000000003';
    const ci = await ciWith(oid, { without: [join] });
    const failed = await ci.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-nojoin', stackBody('rg-nojoin', 'kv-nojoin-auth'), fast).then(() => undefined, (e: Error) => e);
    expect(failed, 'the stack must fail').to.be.instanceOf(Error);
    const stack = await ci.stacks.deploymentStacks.getAtSubscription('cf-nojoin');
    expect(stack.properties?.provisioningState).to.equal('failed');
    const subnet = `${sub()}/resourceGroups/rg-nojoin/providers/Microsoft.Network/virtualNetworks/vnet-auth/subnets/snet-pe`;
    const detail = stack.properties?.error?.details?.find((d) => d.code === 'LinkedAuthorizationFailed');
    expect(detail?.target).to.equal(`${sub()}/resourceGroups/rg-nojoin/providers/Microsoft.Network/privateEndpoints/pe-kv`);
    expect(detail?.message).to.include(`does not have permission to perform action(s) '${join}' on the linked scope(s) '${subnet}'`);
    // A direct PUT of the same endpoint: 403 LinkedAuthorizationFailed.
    const direct = await call(emu, 'PUT', `${sub()}/resourceGroups/rg-nojoin/providers/Microsoft.Network/privateEndpoints/pe-direct?api-version=2024-05-01`, { location: 'westeurope', properties: { subnet: { id: subnet } } }, { token: token(oid) });
    expect([direct.status, direct.body.error.code]).to.deep.equal([403, 'LinkedAuthorizationFailed']);
    expect(direct.body.error.message).to.include(`'${join}' on the linked scope(s) '${subnet}'`);
  });

  it('refuses the whole template at preflight when the role lacks a write (400 InvalidTemplateDeployment naming the action)', async () => {
    const ci = await ciWith('0c1c1d00-0000-4000-a000-000000000004', { without: ['Microsoft.KeyVault/vaults/write'] });
    const err = await ci.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-nowrite', stackBody('rg-nowrite', 'kv-nowrite-auth'), fast).then(() => undefined, (e: { statusCode?: number; code?: string; message: string }) => e);
    expect([err?.statusCode, err?.code]).to.deep.equal([400, 'InvalidTemplateDeployment']);
    expect(err?.message).to.include("Authorization failed for template resource 'kv-nowrite-auth' of type 'Microsoft.KeyVault/vaults'").and.include("'Microsoft.KeyVault/vaults/write'");
    expect((await call(emu, 'GET', `${sub()}/resourcegroups/rg-nowrite?api-version=2025-04-01`)).status).to.equal(404);
  });

  it('refuses a stack update or delete that would delete resources the caller may not delete (403, nothing deleted)', async () => {
    const oid = '0c1c1d00-0000-4000-a000-000000000006';
    const ci = await ciWith(oid, { without: ['Microsoft.Storage/storageAccounts/delete'] });
    const stacks = ci.stacks.deploymentStacks;
    await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-nodelete', tinyStack('rg-nodelete', { storageNames: ['stnodel1', 'stnodel2'] }), fast);
    const account = `${sub()}/resourceGroups/rg-nodelete/providers/Microsoft.Storage/storageAccounts/stnodel2`;
    const update = await stacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-nodelete', tinyStack('rg-nodelete', { storageNames: ['stnodel1'] }), fast).then(() => undefined, (e: { statusCode?: number; code?: string; message: string }) => e);
    expect([update?.statusCode, update?.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect(update?.message).to.include(`'Microsoft.Storage/storageAccounts/delete' over scope '${account}'`);
    const del = await call(emu, 'DELETE', `${sub()}/providers/Microsoft.Resources/deploymentStacks/cf-nodelete?api-version=2024-03-01&unmanageAction.Resources=delete&unmanageAction.ResourceGroups=delete`, undefined, { token: token(oid) });
    expect([del.status, del.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect((await call(emu, 'GET', `${account}?api-version=2023-05-01`)).status).to.equal(200);
    // detaching needs no delete
    expect((await call(emu, 'DELETE', `${sub()}/providers/Microsoft.Resources/deploymentStacks/cf-nodelete?api-version=2024-03-01`, undefined, { token: token(oid) })).status).to.equal(202);
  });

  it('evaluates the condition on the role-assignment grant: Owner refused, an allowed role to a service principal allowed', async () => {
    const oid = '0c1c1d00-0000-4000-a000-000000000005';
    await ciWith(oid);
    const scope = `${sub()}/resourceGroups/rg-ci`;
    const put = (name: string, role: string, principalType = 'ServicePrincipal') =>
      call(emu, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { properties: { roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: workloadPrincipal, principalType } }, { token: token(oid) });
    const owner = await put('d0000000-0000-4000-a000-000000000001', roles.owner);
    expect([owner.status, owner.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    expect(owner.body.error.message).to.include('does not have authorization or an ABAC condition not fulfilled').and.include("'Microsoft.Authorization/roleAssignments/write'");
    const user = await put('d0000000-0000-4000-a000-000000000002', roles.keyVaultSecretsUser, 'User');
    expect(user.status).to.equal(403);
    const allowed = await put('d0000000-0000-4000-a000-000000000003', roles.monitoringMetricsPublisher);
    expect(allowed.status, JSON.stringify(allowed.body)).to.equal(201);
    const del = await call(emu, 'DELETE', `${scope}/providers/Microsoft.Authorization/roleAssignments/d0000000-0000-4000-a000-000000000003?api-version=2022-04-01`, undefined, { token: token(oid) });
    expect(del.status).to.equal(200);
    // Deleting the Owner assignment: the condition reads the existing assignment (@Resource) and refuses.
    const delOwner = await call(emu, 'DELETE', `${ownerAssignmentId(emu.subscriptionId)}?api-version=2022-04-01`, undefined, { token: token(oid) });
    expect([delOwner.status, delOwner.body.error.code]).to.deep.equal([403, 'AuthorizationFailed']);
    // In a template too: a stack granting Owner is refused at preflight.
    const ci = as(oid);
    const err = await ci.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-owner', stackBody('rg-ownergrant', 'kv-ownergrant', roles.owner), fast).then(() => undefined, (e: { statusCode?: number; message: string }) => e);
    expect(err?.statusCode).to.equal(400);
    expect(err?.message).to.include("of type 'Microsoft.Authorization/roleAssignments'").and.include('ABAC condition not fulfilled');
  });

  it('refuses an assignment whose condition it cannot parse, whose conditionVersion is not 2.0, or whose role does not exist (400)', async () => {
    const scope = `${sub()}/resourceGroups/rg-owner`;
    const bad = await assignRole(emu, scope, workloadPrincipal, roles.reader, { condition: "@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {not-a-guid}", conditionVersion: '2.0' });
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'InvalidRoleAssignmentCondition']);
    expect(bad.body.error.message).to.match(/^The given role assignment condition is invalid\. 'not-a-guid' is not a GUID/);
    const unsupported = await assignRole(emu, scope, workloadPrincipal, roles.reader, { condition: "@Principal[Microsoft.Directory/CustomSecurityAttributes/Attributes:x] StringEquals 'y'", conditionVersion: '2.0' });
    expect(unsupported.status).to.equal(400);
    const v1 = await assignRole(emu, scope, workloadPrincipal, roles.reader, { condition: delegationCondition, conditionVersion: '1.0' });
    expect([v1.status, v1.body.error.code]).to.deep.equal([400, 'InvalidRoleAssignmentCondition']);
    const unknownRole = await assignRole(emu, scope, workloadPrincipal, '0badf00d-0000-4000-a000-000000000000');
    expect([unknownRole.status, unknownRole.body.error]).to.deep.equal([400, { code: 'RoleDefinitionDoesNotExist', message: "The specified role definition with ID '0badf00d-0000-4000-a000-000000000000' does not exist." }]);
  });
});

// The pure parts of the emulator's authorization: Azure's action matching (wildcards, case,
// notActions within a role), the role-assignment condition grammar and its evaluation, and the linked
// actions a write needs (packages/core/src/arm/required-actions.ts).
import { expect } from 'chai';
import { actionsForWrite } from '@complianceflow/core/arm/required-actions.ts';
import { actionMatches, permissionsAllow } from '@complianceflow/arm-emulator/authorization/actions.ts';
import { builtInRole } from '@complianceflow/arm-emulator/authorization/builtin-roles.ts';
import { ConditionSyntaxError, evaluateCondition, parseCondition } from '@complianceflow/arm-emulator/authorization/condition.ts';
import { requestCheck } from '@complianceflow/arm-emulator/authorization/request-actions.ts';
import type { Context } from '@complianceflow/arm-emulator/context.ts';
import type { Request } from '@complianceflow/arm-emulator/http.ts';

describe('ARM emulator: authorization logic', () => {
  const contributor = builtInRole('b24988ac-6180-42a0-ab88-20f7382dd24c')!.permissions;
  const reader = builtInRole('acdd72a7-3385-48ef-bd42-f606fba81ae7')!.permissions;

  it('matches actions as Azure does: case-insensitive, * anywhere, notActions subtract within the role', () => {
    expect(actionMatches('*/read', 'Microsoft.Network/virtualNetworks/read')).to.equal(true);
    expect(actionMatches('*/read', 'Microsoft.Network/virtualNetworks/write')).to.equal(false);
    expect(actionMatches('Microsoft.Resources/deploymentStacks/*', 'microsoft.resources/deploymentstacks/manageDenySetting/action')).to.equal(true);
    expect(actionMatches('Microsoft.Resources/deploymentStacks/*', 'Microsoft.Resources/deploymentStacksWhatIfResults/write')).to.equal(false);
    expect(actionMatches('Microsoft.EventHub/*/send/action', 'Microsoft.EventHub/namespaces/eventhubs/send/action')).to.equal(true);
    expect(permissionsAllow(contributor, 'Microsoft.Storage/storageAccounts/write')).to.equal(true);
    expect(permissionsAllow(contributor, 'Microsoft.Authorization/roleAssignments/write')).to.equal(false);
    expect(permissionsAllow(contributor, 'Microsoft.Resources/deploymentStacks/manageDenySetting/action')).to.equal(false);
    expect(permissionsAllow(contributor, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', true)).to.equal(false);
    expect(permissionsAllow(reader, 'Microsoft.KeyVault/vaults/read')).to.equal(true);
    expect(permissionsAllow(reader, 'Microsoft.KeyVault/vaults/write')).to.equal(false);
  });

  it('evaluates the delegation conditions of the docs (constrain roles, exclude privileged roles)', () => {
    const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    const secretsUser = '4633458b-17de-408a-b874-0445c86b69e6';
    const attrs = (role: string, type = 'ServicePrincipal') => ({ 'microsoft.authorization/roleassignments:roledefinitionid': [role], 'microsoft.authorization/roleassignments:principaltype': [type] });
    const exclude = parseCondition(
      `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${owner}, 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${owner}}))`,
    );
    const write = (role: string) => evaluateCondition(exclude, { action: 'Microsoft.Authorization/roleAssignments/write', request: attrs(role), resource: {} });
    expect(write(owner)).to.equal(false);
    expect(write(secretsUser)).to.equal(true);
    expect(evaluateCondition(exclude, { action: 'Microsoft.Authorization/roleAssignments/delete', request: {}, resource: attrs(owner) })).to.equal(false);
    // another action is not constrained; a missing attribute never grants
    expect(evaluateCondition(exclude, { action: 'Microsoft.Storage/storageAccounts/write', request: {}, resource: {} })).to.equal(true);
    expect(evaluateCondition(exclude, { action: 'Microsoft.Authorization/roleAssignments/write', request: {}, resource: {} })).to.equal(false);
    const constrain = parseCondition(`@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'} && @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals ${secretsUser}`);
    expect(evaluateCondition(constrain, { action: 'x', request: attrs(secretsUser, 'serviceprincipal'), resource: {} })).to.equal(true);
    expect(evaluateCondition(constrain, { action: 'x', request: attrs(secretsUser, 'User'), resource: {} })).to.equal(false);
  });

  it('refuses what it cannot parse, saying what and where', () => {
    const bad = (text: string): string => {
      try {
        parseCondition(text);
      } catch (error) {
        expect(error).to.be.instanceOf(ConditionSyntaxError);
        return (error as Error).message;
      }
      return expect.fail(`parsed: ${text}`);
    };
    expect(bad('')).to.equal('the condition is empty');
    expect(bad("(ActionMatches{'a'}")).to.equal("expected ')' at the end");
    expect(bad("@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] GuidEquals {a, b}")).to.match(/takes one value, got 2/);
    expect(bad("@Request[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'x'")).to.match(/attribute .* is not supported/);
    expect(bad("@Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringSortOf 'x'")).to.match(/unknown operator 'StringSortOf'/);
    expect(bad("SubOperationMatches{'x'}")).to.match(/'SubOperationMatches' is not supported/);
  });

  it('lists the linked actions of a write: joins, service-endpoint joins, identities, destinations, approval — and no NIC action for a private endpoint', () => {
    const rg = '/subscriptions/s/resourceGroups/rg';
    const subnet = `${rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/a`;
    const vault = `${rg}/providers/Microsoft.KeyVault/vaults/kv`;
    const pe = actionsForWrite({ id: `${rg}/providers/Microsoft.Network/privateEndpoints/pe`, type: 'Microsoft.Network/privateEndpoints', body: { properties: { subnet: { id: subnet }, privateLinkServiceConnections: [{ properties: { privateLinkServiceId: vault } }] } } });
    expect(pe.map((a) => [a.action, a.linked, a.approval === true])).to.deep.equal([
      ['Microsoft.Network/privateEndpoints/write', false, false],
      ['Microsoft.Network/virtualNetworks/subnets/join/action', true, false],
      ['Microsoft.KeyVault/vaults/privateEndpointConnectionsApproval/action', true, true],
    ]);
    const kv = actionsForWrite({ id: vault, type: 'Microsoft.KeyVault/vaults', body: { properties: { networkAcls: { virtualNetworkRules: [{ id: subnet }] } } } });
    expect(kv.map((a) => a.action)).to.deep.equal(['Microsoft.KeyVault/vaults/write', 'Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action']);
    const diag = actionsForWrite({
      id: `${vault}/providers/Microsoft.Insights/diagnosticSettings/d`,
      type: 'Microsoft.Insights/diagnosticSettings',
      body: { properties: { workspaceId: `${rg}/providers/Microsoft.OperationalInsights/workspaces/log`, eventHubAuthorizationRuleId: `${rg}/providers/Microsoft.EventHub/namespaces/ns/authorizationRules/send` } },
    });
    expect(diag.filter((a) => a.linked).map((a) => a.action)).to.deep.equal(['Microsoft.OperationalInsights/workspaces/sharedKeys/action', 'Microsoft.EventHub/namespaces/authorizationRules/listKeys/action']);
  });

  it('names an action for every write, delete, POST and read route the emulator serves', () => {
    const sub = '/subscriptions/9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63';
    const ctx = { subscriptionId: sub.split('/')[2], store: { data: { resources: {}, operations: { op1: { target: `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a` } } } } } as unknown as Context;
    const rg = `${sub}/resourceGroups/rg`;
    const job = `${rg}/providers/Microsoft.App/jobs/job1`;
    const server = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql`;
    const cases: [string, string, string, string][] = [
      ['GET', sub, 'Microsoft.Resources/subscriptions/read', sub],
      ['PUT', rg, 'Microsoft.Resources/subscriptions/resourceGroups/write', rg],
      ['PATCH', rg, 'Microsoft.Resources/subscriptions/resourceGroups/write', rg],
      ['DELETE', rg, 'Microsoft.Resources/subscriptions/resourceGroups/delete', rg],
      ['HEAD', rg, 'Microsoft.Resources/subscriptions/resourceGroups/read', rg],
      ['POST', `${sub}/providers/Microsoft.Network/register`, 'Microsoft.Network/register/action', sub],
      ['POST', `${sub}/providers/Microsoft.KeyVault/unregister`, 'Microsoft.KeyVault/unregister/action', sub],
      ['POST', `${sub}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv/purge`, 'Microsoft.KeyVault/locations/deletedVaults/purge/action', `${sub}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv`],
      ['GET', `${sub}/providers/Microsoft.Resources/operationStatuses/op1`, 'Microsoft.Resources/deploymentStacks/read', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`],
      ['PUT', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`, 'Microsoft.Resources/deploymentStacks/write', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`],
      ['DELETE', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`, 'Microsoft.Resources/deploymentStacks/delete', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`],
      ['POST', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a/validate`, 'Microsoft.Resources/deploymentStacks/validate/action', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`],
      ['POST', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a/exportTemplate`, 'Microsoft.Resources/deploymentStacks/exportTemplate/action', `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-a`],
      ['PUT', `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/w`, 'Microsoft.Resources/deploymentStacksWhatIfResults/write', `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/w`],
      ['POST', `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/w/whatIf`, 'Microsoft.Resources/deploymentStacksWhatIfResults/whatIf/action', `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/w`],
      ['PUT', `${sub}/providers/Microsoft.Resources/deployments/d`, 'Microsoft.Resources/deployments/write', `${sub}/providers/Microsoft.Resources/deployments/d`],
      ['POST', `${sub}/providers/Microsoft.Resources/deployments/d/validate`, 'Microsoft.Resources/deployments/validate/action', `${sub}/providers/Microsoft.Resources/deployments/d`],
      ['POST', `${sub}/providers/Microsoft.Resources/deployments/d/whatIf`, 'Microsoft.Resources/deployments/whatIf/action', `${sub}/providers/Microsoft.Resources/deployments/d`],
      ['GET', `${sub}/providers/Microsoft.Resources/deployments/d/operations`, 'Microsoft.Resources/deployments/operations/read', `${sub}/providers/Microsoft.Resources/deployments/d`],
      ['POST', `${rg}/providers/Microsoft.Storage/storageAccounts/st/listKeys`, 'Microsoft.Storage/storageAccounts/listKeys/action', `${rg}/providers/Microsoft.Storage/storageAccounts/st`],
      ['POST', `${server}/stop`, 'Microsoft.DBforPostgreSQL/flexibleServers/stop/action', server],
      ['POST', `${server}/start`, 'Microsoft.DBforPostgreSQL/flexibleServers/start/action', server],
      ['POST', `${job}/start`, 'Microsoft.App/jobs/start/action', job],
      ['POST', `${job}/executions/job1-abc/stop`, 'Microsoft.App/jobs/stop/execution/action', job],
      ['GET', `${job}/executions`, 'Microsoft.App/jobs/executions/read', job],
      ['PUT', `${sub}/providers/Microsoft.Authorization/roleDefinitions/r1`, 'Microsoft.Authorization/roleDefinitions/write', `${sub}/providers/Microsoft.Authorization/roleDefinitions/r1`],
      ['DELETE', `${rg}/providers/Microsoft.Authorization/roleAssignments/a1`, 'Microsoft.Authorization/roleAssignments/delete', `${rg}/providers/Microsoft.Authorization/roleAssignments/a1`],
      ['PUT', `${sub}/providers/Microsoft.Authorization/policyAssignments/p1`, 'Microsoft.Authorization/policyAssignments/write', `${sub}/providers/Microsoft.Authorization/policyAssignments/p1`],
      ['GET', `${rg}/providers/Microsoft.KeyVault/vaults/kv`, 'Microsoft.KeyVault/vaults/read', `${rg}/providers/Microsoft.KeyVault/vaults/kv`],
    ];
    for (const [method, path, action, scope] of cases) {
      const req = { method, path, query: new URLSearchParams(), headers: {}, rawBody: '', origin: 'https://x', principalId: 'p' } as Request;
      expect(requestCheck(ctx, req), `${method} ${path}`).to.deep.include({ action, scope });
    }
  });
});


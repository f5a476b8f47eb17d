// The pure parts of the emulator's authorization: Azure's action matching (wildcards, case,
// notActions within a role), the role-assignment condition grammar and its evaluation, and the linked
// actions a write needs (orchestrator/src/arm/required-actions.ts).
import { expect } from 'chai';
import { actionsForWrite } from '../../../orchestrator/src/arm/required-actions.ts';
import { actionMatches, permissionsAllow } from '../authorization/actions.ts';
import { builtInRole } from '../authorization/builtin-roles.ts';
import { ConditionSyntaxError, evaluateCondition, parseCondition } from '../authorization/condition.ts';

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
});

// The role coverage derivation (bootstrap/required-actions.ts) over the real plans of every
// deployment, first and follow-up deploy: the committed deployment role grants exactly what they
// need (removing any one entry fails the check, naming what it granted; no entry is unneeded), and
// the condition on the role's assignment allows exactly the role definitions the templates grant.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { actionMatches, loadDeploymentRole, missingActions, unneededRoleEntries, type DeploymentRole } from '@complianceflow/cli/bootstrap/deployment-role.ts';
import { roleAssignments } from '@complianceflow/cli/bootstrap/desired.ts';
import { deriveRequiredActions, listFunctionActions, type RequiredActions } from '@complianceflow/cli/bootstrap/required-actions.ts';
import { deploymentShapes, type DeploymentShape } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { followUpPlaceholders } from '@complianceflow/cli/config/fed-back.ts';
import { allowedRoleDefinitions, privilegedRoles, roleAssignmentCondition } from '@complianceflow/cli/bootstrap/role-condition.ts';
import { checkRoleCoverage, emulatorPlaceholderPrincipal, prepareBootstrap } from '@complianceflow/cli/bootstrap/run.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { bootstrapDoc } from '@complianceflow/docs-tools/generate.ts';
import { renderBlocks } from '@complianceflow/docs-tools/markers.ts';
import { conditionBlock, permissionsTable } from '@complianceflow/docs-tools/permissions.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';

const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const userAccessAdministrator = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
const subscriptionId = '11111111-2222-3333-4444-555555555555';

/** The role definition GUIDs of the golden snapshots' role assignments, read straight from the files. */
function snapshotRoleGuids(): string[] {
  const dir = path.join(repoRoot, 'deployments', 'snapshots');
  const guids = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { resources: { type: string; properties?: { roleDefinitionId?: string } }[] }).resources)
    .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
    .map((r) => r.properties!.roleDefinitionId!.split('/').pop()!.toLowerCase());
  return [...new Set(guids)].sort();
}

describe('bootstrap role coverage: every action the deployments need, and nothing else', function () {
  this.timeout(300000);
  let shapes: DeploymentShape[];
  let required: RequiredActions;
  let role: DeploymentRole;

  before(async () => {
    shapes = await deploymentShapes();
    required = deriveRequiredActions(shapes);
    role = loadDeploymentRole(repoRoot);
  });

  it('plans both shapes of all 8 deployments; the follow-up deploy has the environment DNS zone and its * and @ A records', () => {
    expect(shapes).to.have.length(16);
    for (const followUp of shapes.filter((s) => s.shape === 'follow-up deploy')) {
      const zone = followUpPlaceholders(followUp.target.location)['containerAppsDefaultDomain']!;
      const names = followUp.resources.filter((r) => r['type'] === 'Microsoft.Network/privateDnsZones/A').map((r) => String(r['name']));
      expect(names, followUp.deployment).to.include.members([`${zone}/*`, `${zone}/@`]);
    }
    const aWrite = required.actions.find((a) => a.action === 'Microsoft.Network/privateDnsZones/A/write');
    expect(aWrite?.followUpOnly).to.equal(true);
  });

  it('the committed role grants every needed action and holds no entry that nothing needs', () => {
    expect(missingActions(role, required)).to.deep.equal([]);
    expect(unneededRoleEntries(role, required)).to.deep.equal([]);
  });

  it('wildcards only where a built-in role grants the same for the same job (Reader; Azure Deployment Stack Owner)', () => {
    expect([...role.actions, ...role.dataActions].filter((a) => a.includes('*'))).to.deep.equal(['*/read', 'Microsoft.Resources/deploymentStacks/*', 'Microsoft.Resources/deployments/*']);
  });

  it('removing any one entry of the role (actions and data actions) fails the coverage check, naming what it granted', () => {
    const prepared = { ...prepareBootstrap({ subscriptionId }), role };
    const entries = [...role.actions.map((a) => ['actions', a] as const), ...role.dataActions.map((a) => ['dataActions', a] as const)];
    expect(entries.length).to.be.greaterThan(50);
    for (const [key, entry] of entries) {
      const without = { ...role, [key]: role[key].filter((a) => a !== entry) };
      const missing = missingActions(without, required);
      expect(missing.length, `without ${entry}`).to.be.greaterThan(0);
      for (const m of missing) expect(actionMatches(entry, m.action), `${m.action} after removing ${entry}`).to.equal(true);
      let error: unknown;
      try {
        checkRoleCoverage({ ...prepared, role: without }, shapes);
      } catch (e) {
        error = e;
      }
      expect(error, entry).to.be.instanceOf(CliError);
      expect((error as CliError).exitCode).to.equal(ExitCode.Failed);
      expect((error as CliError).message).to.include(`  - ${missing[0]!.action}`);
    }
  });

  it('derives the linked actions: joins, identity assign, destinations, approval per private link target type', () => {
    const groups = new Map(required.actions.map((a) => [a.action, a.group]));
    for (const action of [
      'Microsoft.Network/virtualNetworks/subnets/join/action',
      'Microsoft.Network/virtualNetworks/join/action',
      'Microsoft.Network/networkSecurityGroups/join/action',
      'Microsoft.Network/privateDnsZones/join/action',
      'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
      'Microsoft.OperationalInsights/workspaces/sharedKeys/action',
      'Microsoft.App/managedEnvironments/join/action',
    ]) expect(groups.get(action), action).to.equal('linked access checks');
    for (const type of ['Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.KeyVault/vaults', 'Microsoft.EventHub/namespaces', 'Microsoft.Cache/redisEnterprise', 'Microsoft.ContainerRegistry/registries']) {
      expect(groups.get(`${type}/privateEndpointConnectionsApproval/action`), type).to.equal('private endpoint approval');
    }
    expect(groups.get('Microsoft.EventHub/namespaces/eventhubs/authorizationRules/listKeys/action')).to.equal('template functions');
    expect(groups.get('Microsoft.Resources/deploymentStacks/manageDenySetting/action')).to.equal('deployment stacks');
  });

  it('list functions left in a snapshot become <type>/<function>/action on the listed resource', () => {
    const rule = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/n/eventhubs/h/authorizationRules/send';
    expect(listFunctionActions({ id: 'x', type: 'Microsoft.KeyVault/vaults/secrets', properties: { value: `[listKeys('${rule}', '2024-01-01').primaryConnectionString]` } })).to.deep.equal([
      { action: 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules/listKeys/action', listed: 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules' },
    ]);
  });

  it('the condition allows exactly the role definitions the templates grant, never Owner or User Access Administrator', () => {
    const allowed = allowedRoleDefinitions(required.grants);
    expect(allowed).to.deep.equal(snapshotRoleGuids());
    expect(allowed).to.include.members(['4633458b-17de-408a-b874-0445c86b69e6', '7f951dda-4ed3-4680-a7ca-43fe172d538d']);
    expect(allowed).not.to.include.oneOf([owner, userAccessAdministrator]);
    const condition = roleAssignmentCondition(allowed);
    expect(condition).not.to.include(owner);
    expect(condition).not.to.include(userAccessAdministrator);
    expect(condition.match(/GuidEquals \{([^}]*)\}/g)).to.deep.equal([`GuidEquals {${allowed.join(', ')}}`, `GuidEquals {${allowed.join(', ')}}`]);
  });

  it('the condition has the documented shape: write on @Request, delete on @Resource, service principals only', () => {
    const a = '4633458b-17de-408a-b874-0445c86b69e6';
    const b = '3913510d-42f4-4e42-8a64-420c390055eb';
    expect(roleAssignmentCondition([a, b])).to.equal(
      [
        '(',
        ' (',
        "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})",
        ' )',
        ' OR',
        ' (',
        `  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${a}, ${b}}`,
        '  AND',
        "  @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}",
        ' )',
        ')',
        'AND',
        '(',
        ' (',
        "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})",
        ' )',
        ' OR',
        ' (',
        `  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${a}, ${b}}`,
        '  AND',
        "  @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}",
        ' )',
        ')',
      ].join('\n'),
    );
  });

  it('refuses template assignments the condition could not allow: privileged roles, other or missing principal types', () => {
    const grant = { deployment: 'westeu-test-1', shape: 'first deploy' as const, id: '/x/roleAssignments/1' };
    for (const [bad, expected] of [
      [{ ...grant, roleDefinitionGuid: owner, principalType: 'ServicePrincipal' }, 'assigns Owner'],
      [{ ...grant, roleDefinitionGuid: userAccessAdministrator, principalType: 'ServicePrincipal' }, 'assigns User Access Administrator'],
      [{ ...grant, roleDefinitionGuid: '4633458b-17de-408a-b874-0445c86b69e6', principalType: 'User' }, "principalType is 'User'"],
      [{ ...grant, roleDefinitionGuid: '4633458b-17de-408a-b874-0445c86b69e6', principalType: undefined }, 'principalType is missing'],
      [{ ...grant, roleDefinitionGuid: undefined, principalType: 'ServicePrincipal' }, 'not a literal role definition id'],
    ] as const) {
      expect(() => allowedRoleDefinitions([bad]), expected).to.throw(CliError, expected);
    }
    expect(Object.keys(privilegedRoles)).to.include.members([owner, userAccessAdministrator]);
  });

  it('bootstrap puts the condition (version 2.0) on the deployment role assignment only', () => {
    const prepared = checkRoleCoverage(prepareBootstrap({ subscriptionId }), shapes);
    const assignments = roleAssignments(prepared.input, prepared.role, emulatorPlaceholderPrincipal, prepared.deploymentRoleCondition);
    const withCondition = assignments.filter((a) => (a.body['properties'] as { condition?: string }).condition !== undefined);
    expect(withCondition.map((a) => a.label)).to.deep.equal([`role assignment: ${emulatorPlaceholderPrincipal.label} — ${role.roleName} on the subscription (role assignments only under a condition)`]);
    const properties = withCondition[0]!.body['properties'] as { condition: string; conditionVersion: string };
    expect(properties.conditionVersion).to.equal('2.0');
    expect(properties.condition).to.equal(roleAssignmentCondition(snapshotRoleGuids()));
  });

  it('Bootstrap.md "Permissions" is generated from the role and the derivation: a changed role or condition makes it stale', () => {
    const doc = readFileSync(path.join(repoRoot, bootstrapDoc), 'utf8');
    const renderers = (r: DeploymentRole, req: RequiredActions) => ({
      'deployment-role-permissions': () => permissionsTable(r, req, 8),
      'deployment-role-condition': () => conditionBlock(req),
    });
    expect(renderBlocks(doc, renderers(role, required)).changed, 'run npm run docs:generate').to.deep.equal([]);
    const added = { ...role, actions: [...role.actions, 'Microsoft.Network/privateDnsZones/AAAA/write'] };
    expect(renderBlocks(doc, renderers(added, required)).changed).to.deep.equal(['deployment-role-permissions']);
    const removed = { ...role, actions: role.actions.filter((a) => a !== 'Microsoft.Network/privateDnsZones/A/write') };
    expect(renderBlocks(doc, renderers(removed, required)).changed).to.deep.equal(['deployment-role-permissions']);
    const fewerGrants = { ...required, grants: required.grants.filter((g) => g.roleDefinitionGuid !== '7f951dda-4ed3-4680-a7ca-43fe172d538d') };
    expect(renderBlocks(doc, renderers(role, fewerGrants)).changed).to.deep.equal(['deployment-role-condition']);
    expect(permissionsTable(added, required, 8)).to.include('| `Microsoft.Network/privateDnsZones/AAAA/write` | action |  | **nothing needs it**: remove it');
  });
});

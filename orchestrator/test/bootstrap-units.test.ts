// The pure parts of bootstrap: RBAC action matching and role coverage, federated credentials, names,
// budgets from the registry, the desired-vs-current comparison.
import { expect } from 'chai';
import { actionMatches, allows, loadDeploymentRole } from '../src/bootstrap/deployment-role.ts';
import { federatedCredentialChanges, federatedCredentials } from '../src/bootstrap/ci-identity.ts';
import { differences } from '../src/bootstrap/compare.ts';
import { environmentBudgets, firstOfMonth } from '../src/bootstrap/desired.ts';
import { deterministicGuid, typeOfId } from '../src/bootstrap/ids.ts';
import { namespacesToRegister } from '../src/bootstrap/resource-types.ts';
import { loadRegistry } from '../src/config/registry.ts';
import { repoRoot } from '../src/config/paths.ts';
import { namingRules, namingViolation } from '../src/naming/rules.ts';
import { artifactsStorageAccountName, sharedResourceGroupName } from '../src/naming/shared.ts';

describe('bootstrap building blocks', () => {
  describe('RBAC action matching', () => {
    it('honours wildcards, case-insensitively', () => {
      expect(actionMatches('Microsoft.Network/*', 'Microsoft.Network/virtualNetworks/subnets/write')).to.equal(true);
      expect(actionMatches('microsoft.network/*', 'Microsoft.Network/virtualNetworks/write')).to.equal(true);
      expect(actionMatches('*/read', 'Microsoft.Network/virtualNetworks/write')).to.equal(false);
      expect(actionMatches('*/read', 'Microsoft.Network/virtualNetworks/read')).to.equal(true);
      expect(actionMatches('Microsoft.Network/virtualNetworks/write', 'Microsoft.Network/virtualNetworks/subnets/write')).to.equal(false);
      expect(actionMatches('Microsoft.Network.*', 'Microsoft.NetworkX/write')).to.equal(false);
    });
    it('notActions take away what actions give', () => {
      expect(allows({ actions: ['Microsoft.Storage/*'], notActions: ['Microsoft.Storage/storageAccounts/delete'] }, 'Microsoft.Storage/storageAccounts/delete')).to.equal(false);
      expect(allows({ actions: ['Microsoft.Storage/*'], notActions: ['Microsoft.Storage/storageAccounts/delete'] }, 'Microsoft.Storage/storageAccounts/write')).to.equal(true);
    });
    it('the committed role lists no action twice and grants no wildcard on a whole provider', () => {
      const role = loadDeploymentRole(repoRoot);
      expect(new Set(role.actions.map((a) => a.toLowerCase())).size).to.equal(role.actions.length);
      expect(role.actions.filter((a) => a === '*' || /^[^/]+\/\*$/.test(a))).to.deep.equal([]);
      expect(role.actions).to.include.members(['Microsoft.Resources/deploymentStacks/*', 'Microsoft.Authorization/roleAssignments/write']);
      // Deny assignments are made by Azure for the stack's deny settings, never by the caller.
      expect(role.actions.filter((a) => /denyAssignments/i.test(a))).to.deep.equal([]);
    });
  });

  it('federated credentials: main, pull requests and each environment of the repository, GitHub issuer and audience', () => {
    const creds = federatedCredentials({ owner: 'contoso', repo: 'infra' }, ['prod', 'stg', 'test']);
    expect(creds.map((c) => c.subject)).to.deep.equal([
      'repo:contoso/infra:ref:refs/heads/main',
      'repo:contoso/infra:pull_request',
      'repo:contoso/infra:environment:prod',
      'repo:contoso/infra:environment:stg',
      'repo:contoso/infra:environment:test',
    ]);
    for (const c of creds) {
      expect(c.issuer).to.equal('https://token.actions.githubusercontent.com');
      expect(c.audiences).to.deep.equal(['api://AzureADTokenExchange']);
    }
    const existing = [{ ...creds[0]!, id: 'a' }, { ...creds[1]!, subject: 'repo:contoso/old:pull_request', id: 'b' }];
    const changes = federatedCredentialChanges(creds, existing);
    expect(changes.unchanged).to.deep.equal(['github-main']);
    expect(changes.update.map((c) => [c.id, c.subject])).to.deep.equal([['b', 'repo:contoso/infra:pull_request']]);
    expect(changes.create.map((c) => c.name)).to.deep.equal(['github-env-prod', 'github-env-stg', 'github-env-test']);
  });

  it('names: shared groups per Story 0, a valid deterministic artifacts account per subscription', () => {
    expect(sharedResourceGroupName('test')).to.equal('rg-complianceflow-test');
    const a = artifactsStorageAccountName('9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63');
    expect(a).to.match(/^stcfartifacts[a-z0-9]{8}$/);
    expect(namingViolation(namingRules.storageAccount, a)).to.equal(undefined);
    expect(artifactsStorageAccountName('9E2C7A41-6B5D-4F3E-8A19-2C0D5E7F4B63')).to.equal(a);
    expect(artifactsStorageAccountName('00000000-0000-0000-0000-000000000001')).to.not.equal(a);
  });

  it('budgets: per environment the sum of its deployments, the contacts of their profile', () => {
    const budgets = environmentBudgets(loadRegistry());
    expect(budgets.map((b) => b.environment)).to.deep.equal(['prod', 'stg', 'test']);
    const test = budgets.find((b) => b.environment === 'test')!;
    expect(test.amount).to.equal(400);
    expect(test.basis).to.equal('eastus-test-1 200 + westeu-test-1 200');
    expect(test.contacts).to.deep.equal(['platform-alerts@complianceflow.example']);
    expect(firstOfMonth(new Date('2026-11-29T23:59:00Z'))).to.equal('2026-11-01T00:00:00Z');
  });

  it('differences: declared values only, strings case-insensitive, arrays by position', () => {
    expect(differences({ a: 1, b: { c: 'TLS1_2' } }, { a: 1, b: { c: 'tls1_2', d: 'read-only' }, id: 'x' })).to.deep.equal([]);
    expect(differences({ a: 1, b: { c: true } }, { a: 2, b: {} })).to.deep.equal(['a', 'b.c']);
    expect(differences({ l: [1, 2] }, { l: [1] })).to.deep.equal(['l']);
  });

  it('ids: deterministic GUIDs, types of extension resources, namespaces to register', () => {
    const g = deterministicGuid('x');
    expect(g).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid('X')).to.equal(g);
    expect(typeOfId('/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c/providers/Microsoft.Authorization/roleAssignments/g')).to.equal('Microsoft.Authorization/roleAssignments');
    expect(typeOfId('/subscriptions/s/resourceGroups/r')).to.equal('Microsoft.Resources/resourceGroups');
    expect(namespacesToRegister(['Microsoft.Resources/resourceGroups', 'Microsoft.Cache/redisEnterprise', 'Microsoft.Authorization/roleAssignments'])).to.deep.equal([
      'Microsoft.Cache', 'Microsoft.Consumption', 'Microsoft.CostManagement', 'Microsoft.Insights', 'Microsoft.ManagedIdentity', 'Microsoft.Network', 'Microsoft.PolicyInsights', 'Microsoft.Storage',
    ]);
  });
});

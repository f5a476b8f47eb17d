// The pure parts of bootstrap: RBAC action matching and role coverage, federated credentials, names,
// budgets from the registry, the desired-vs-current comparison.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { emulatorPrPrincipalId } from '@complianceflow/core/arm/emulator-token.ts';
import { actionMatches, allows, loadDeploymentRole } from '@complianceflow/cli/bootstrap/deployment-role.ts';
import { ciFederatedCredentials, federatedCredentialChanges, federatedCredentialLimitProblem, maxFederatedCredentialsPerApp, prFederatedCredentials } from '@complianceflow/cli/bootstrap/ci-identity.ts';
import { differences } from '@complianceflow/cli/bootstrap/compare.ts';
import { anomalyAlertSchedule, costAnomalyAlert, environmentBudgets, firstOfMonth, prRoleAssignments, type BootstrapInput } from '@complianceflow/cli/bootstrap/desired.ts';
import { loadRoleFile, prWhatIfRoleFile } from '@complianceflow/cli/bootstrap/role-file.ts';
import { loadBootstrapConfig } from '@complianceflow/cli/bootstrap/config.ts';
import { deterministicGuid } from '@complianceflow/cli/bootstrap/ids.ts';
import { typeOfId } from '@complianceflow/core/arm/ids.ts';
import { namespacesToRegister } from '@complianceflow/cli/bootstrap/resource-types.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { namingRules, namingViolation } from '@complianceflow/cli/naming/rules.ts';
import { artifactsStorageAccountName, sharedResourceGroupName } from '@complianceflow/cli/naming/shared.ts';

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

  it('federated credentials: the CI identity trusts main and each environment, the pull-request identity pull requests only', () => {
    const creds = ciFederatedCredentials({ owner: 'contoso', repo: 'infra' }, ['prod', 'stg', 'test']);
    expect(creds.map((c) => c.subject)).to.deep.equal([
      'repo:contoso/infra:ref:refs/heads/main',
      'repo:contoso/infra:environment:prod',
      'repo:contoso/infra:environment:stg',
      'repo:contoso/infra:environment:test',
    ]);
    expect(prFederatedCredentials({ owner: 'contoso', repo: 'infra' }).map((c) => [c.name, c.subject])).to.deep.equal([['github-pull-request', 'repo:contoso/infra:pull_request']]);
    for (const c of [...creds, ...prFederatedCredentials({ owner: 'contoso', repo: 'infra' })]) {
      expect(c.issuer).to.equal('https://token.actions.githubusercontent.com');
      expect(c.audiences).to.deep.equal(['api://AzureADTokenExchange']);
    }
    const existing = [
      { ...creds[0]!, id: 'a' },
      { ...creds[1]!, subject: 'repo:contoso/old:environment:prod', id: 'b' },
      { name: 'GitHub-Env-QA', subject: 'repo:contoso/infra:environment:qa', id: 'c' },
      { name: 'github-pull-request', subject: 'repo:contoso/infra:pull_request', id: 'd' },
      { name: 'hand-made', subject: 'x', id: 'e' },
    ];
    const changes = federatedCredentialChanges(creds, existing);
    expect(changes.unchanged).to.deep.equal(['github-main']);
    expect(changes.update.map((c) => [c.id, c.subject])).to.deep.equal([['b', 'repo:contoso/infra:environment:prod']]);
    expect(changes.create.map((c) => c.name)).to.deep.equal(['github-env-stg', 'github-env-test']);
    // github-* no longer desired (case-insensitive) are deleted; any other name is never touched.
    expect(changes.remove.map((c) => c.id)).to.deep.equal(['c', 'd']);
    expect(changes.foreign).to.deep.equal(['hand-made']);
  });

  it('federated credentials: Entra allows 20 per app, counting the ones bootstrap does not manage', () => {
    expect(maxFederatedCredentialsPerApp).to.equal(20);
    const envs = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);
    expect(federatedCredentialLimitProblem('app', ciFederatedCredentials({ owner: 'o', repo: 'r' }, envs(19)))).to.equal(undefined);
    expect(federatedCredentialLimitProblem('app', ciFederatedCredentials({ owner: 'o', repo: 'r' }, envs(20)))).to.match(/^app registration app would need 21 federated credentials \(21 github-\*: github-main, github-env-e0,.*\); Entra ID allows at most 20 per app$/);
    expect(federatedCredentialLimitProblem('app', ciFederatedCredentials({ owner: 'o', repo: 'r' }, envs(18)), ['x', 'y'])).to.include('would need 21 federated credentials (19 github-*');
  });

  it('the pull-request role: exactly the what-if actions, no resource write, no role assignment, no data action (with Reader)', () => {
    const role = loadRoleFile(repoRoot, prWhatIfRoleFile);
    expect(role.actions).to.deep.equal([
      'Microsoft.Resources/deployments/whatIf/action',
      'Microsoft.Resources/deploymentStacksWhatIfResults/write',
      'Microsoft.Resources/deploymentStacksWhatIfResults/whatIf/action',
      'Microsoft.Resources/deploymentStacksWhatIfResults/delete',
    ]);
    expect(role.dataActions).to.deep.equal([]);
    expect(role.actions.filter((a) => a.includes('*'))).to.deep.equal([]);
    for (const action of ['Microsoft.Resources/deployments/write', 'Microsoft.Resources/deploymentStacks/write', 'Microsoft.Authorization/roleAssignments/write', 'Microsoft.Resources/subscriptions/resourceGroups/write', 'Microsoft.KeyVault/vaults/write']) {
      expect(allows(role, action), action).to.equal(false);
    }
    const registry = loadRegistry();
    const input: BootstrapInput = { subscriptionId: '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63', config: loadBootstrapConfig(registry), registry, lockContainer: 'deployment-locks', now: new Date('2026-11-29T02:00:00Z') };
    const assignments = prRoleAssignments(input, role, { objectId: emulatorPrPrincipalId, label: 'pr' });
    expect(assignments.map((a) => (a.body['properties'] as { roleDefinitionId: string }).roleDefinitionId.split('/').pop())).to.have.length(2).and.to.include('acdd72a7-3385-48ef-bd42-f606fba81ae7');
    expect(assignments.every((a) => a.id.startsWith(`/subscriptions/${input.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/`))).to.equal(true);
  });

  it('bootstrap.yaml: the pull-request identity is required and must not be the CI app', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cf-bootstrap-config-'));
    try {
      cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
      cpSync(path.join(repoRoot, 'bicep/shared'), path.join(root, 'bicep/shared'), { recursive: true });
      const file = path.join(root, 'deployments/bootstrap.yaml');
      const original = readFileSync(file, 'utf8');
      const problems = (text: string): string[] => {
        writeFileSync(file, text);
        try {
          loadBootstrapConfig(loadRegistry(root));
          return [];
        } catch (error) {
          expect(error).to.be.instanceOf(ConfigError);
          return [...(error as ConfigError).problems];
        }
      };
      expect(problems(original)).to.deep.equal([]);
      expect(problems(original.replace('displayName: complianceflow-infra-pr', 'displayName: complianceflow-infra-CI'))).to.deep.equal([
        'deployments/bootstrap.yaml: prIdentity.displayName: "complianceflow-infra-CI" is the CI identity\'s name: pull requests need an app registration of their own (read and what-if only)',
      ]);
      expect(problems(original.replace(/^prIdentity:\n  displayName: complianceflow-infra-pr\n/m, '')).join('\n')).to.include('prIdentity');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the cost anomaly alert stays at least a year ahead: the start is kept, an end less than a year away moves', () => {
    const created = anomalyAlertSchedule(new Date('2026-11-29T02:00:00Z'));
    expect(created).to.deep.equal({ startDate: '2026-11-29T08:00:00Z', endDate: '2028-11-29T08:00:00Z' });
    // A rerun a month later: still more than a year ahead, nothing changes.
    expect(anomalyAlertSchedule(new Date('2026-12-29T02:00:00Z'), created)).to.deep.equal(created);
    // Thirteen months later the end is eleven months away: moved, the start kept.
    expect(anomalyAlertSchedule(new Date('2027-12-29T02:00:00Z'), created)).to.deep.equal({ startDate: '2026-11-29T08:00:00Z', endDate: '2029-12-29T08:00:00Z' });
    // An alert made earlier with creation + 1 year (what bootstrap used to write), a year on: renewed, not expired.
    expect(anomalyAlertSchedule(new Date('2027-11-20T02:00:00Z'), { startDate: '2026-11-29T08:00:00Z', endDate: '2027-11-29T08:00:00Z' }).endDate).to.equal('2029-11-20T08:00:00Z');
    // Missing or unreadable end: set.
    expect(anomalyAlertSchedule(new Date('2026-11-29T02:00:00Z'), { startDate: '2025-01-01T08:00:00Z', endDate: 'soon' })).to.deep.equal({ startDate: '2025-01-01T08:00:00Z', endDate: '2028-11-29T08:00:00Z' });

    // Wired into the desired resource: what bootstrap PUTs on a rerun.
    const registry = loadRegistry();
    const input: BootstrapInput = { subscriptionId: '9e2c7a41-6b5d-4f3e-8a19-2c0d5e7f4b63', config: loadBootstrapConfig(registry), registry, lockContainer: 'deployment-locks', now: new Date('2027-12-29T02:00:00Z') };
    const [alert] = costAnomalyAlert(input);
    const body = alert!.keepFromExisting!({ properties: { schedule: { frequency: 'Daily', ...created } } }, alert!.body);
    expect((body['properties'] as { schedule: unknown }).schedule).to.deep.equal({ frequency: 'Daily', startDate: '2026-11-29T08:00:00Z', endDate: '2029-12-29T08:00:00Z' });
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
    expect(typeOfId('/subscriptions/s/resourceGroups/r/providers/Microsoft.EventHub/namespaces/n/eventhubs/e')).to.equal('Microsoft.EventHub/namespaces/eventhubs');
    expect([typeOfId('/subscriptions/s'), typeOfId('/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites'), typeOfId('text')]).to.deep.equal([undefined, undefined, undefined]);
    expect(namespacesToRegister(['Microsoft.Resources/resourceGroups', 'Microsoft.Cache/redisEnterprise', 'Microsoft.Authorization/roleAssignments'])).to.deep.equal([
      'Microsoft.Cache', 'Microsoft.Consumption', 'Microsoft.CostManagement', 'Microsoft.Insights', 'Microsoft.ManagedIdentity', 'Microsoft.Network', 'Microsoft.PolicyInsights', 'Microsoft.Storage',
    ]);
  });
});

// Story 6 (security tier: Key Vault, workload identity, secrets) on the offline snapshots of
// westeu-test-1 and westeu-prod-1.
import { expect } from 'chai';
import { deploymentSnapshot, diagnosticSettingsOf, ofType, resourceGroupId, single, type DeploymentSnapshot, type Resource } from '../../support/deployment-snapshots.ts';

const roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
};

const cases = [
  { deployment: 'westeu-test-1', purgeProtection: false },
  { deployment: 'westeu-prod-1', purgeProtection: true },
];

for (const { deployment, purgeProtection } of cases) {
  describe(`security tier: ${deployment} (Story 6)`, function () {
    let snapshot: DeploymentSnapshot;
    let vault: Resource;
    const rg = resourceGroupId(`rg-cf-${deployment}`);
    const workspaceId = `${rg}/providers/Microsoft.OperationalInsights/workspaces/log-cf-${deployment}`;

    before(async () => {
      snapshot = await deploymentSnapshot(deployment);
      const vaults = ofType(snapshot, 'Microsoft.KeyVault/vaults');
      expect(vaults).to.have.length(1);
      vault = vaults[0]!;
    });

    it('scenario 1: the vault has the derived name (24 characters at most), RBAC, 90-day soft delete', () => {
      expect(vault.name).to.equal(snapshot.parameters.names.keyVault);
      expect(vault.name.length).to.be.at.most(24);
      expect(vault.properties).to.include({ enableRbacAuthorization: true, enableSoftDelete: true, softDeleteRetentionInDays: 90 });
      expect(vault.tags).to.include({ app: 'complianceflow', deployment });
    });

    it(`scenario 1: purge protection ${purgeProtection ? 'on (prod)' : 'absent, never an explicit false (test)'}`, () => {
      if (purgeProtection) expect(vault.properties!.enablePurgeProtection).to.equal(true);
      else expect(vault.properties).not.to.have.property('enablePurgeProtection');
    });

    it('scenario 1: no public access; reachable only through a private endpoint in the storage subnet with the vaultcore zone', () => {
      expect(vault.properties).to.include({ publicNetworkAccess: 'Disabled', enabledForDeployment: false, enabledForDiskEncryption: false, enabledForTemplateDeployment: false });
      expect(vault.properties!.networkAcls).to.include({ defaultAction: 'Deny', bypass: 'AzureServices' });
      const endpoint = single(snapshot, 'Microsoft.Network/privateEndpoints', `pe-cf-${deployment}-keyvault`);
      expect(endpoint.properties!.subnet.id).to.equal(`${rg}/providers/Microsoft.Network/virtualNetworks/vnet-cf-${deployment}/subnets/snet-cf-${deployment}-storage`);
      expect(endpoint.properties!.privateLinkServiceConnections[0].properties).to.deep.equal({ privateLinkServiceId: vault.id, groupIds: ['vault'] });
      const group = single(snapshot, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', `pe-cf-${deployment}-keyvault/default`);
      expect(group.properties!.privateDnsZoneConfigs[0].properties.privateDnsZoneId).to.equal(`${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`);
    });

    it('scenario 2: on the vault and Application Insights the workload identity reads secrets and publishes telemetry, nothing more', () => {
      const identity = single(snapshot, 'Microsoft.ManagedIdentity/userAssignedIdentities', `id-cf-${deployment}-workload`);
      const appInsightsId = `${rg}/providers/Microsoft.Insights/components/appi-cf-${deployment}`;
      const scopeOf = (a: Resource) => a.id.split('/providers/Microsoft.Authorization/')[0];
      const assignments = ofType(snapshot, 'Microsoft.Authorization/roleAssignments')
        .filter((a) => String(a.properties!.principalId).includes(identity.id))
        .filter((a) => [vault.id, appInsightsId].includes(scopeOf(a)!));
      const granted = assignments.map((a) => [a.id.split('/providers/Microsoft.Authorization/')[0], String(a.properties!.roleDefinitionId).split('/').at(-1)]);
      expect(granted).to.have.deep.members([
        [vault.id, roles.keyVaultSecretsUser],
        [`${rg}/providers/Microsoft.Insights/components/appi-cf-${deployment}`, roles.monitoringMetricsPublisher],
      ]);
      for (const assignment of assignments) expect(assignment.properties!.principalType).to.equal('ServicePrincipal');
    });

    it('scenario 3: the Application Insights connection string is a secret read from the component at deploy time, never a literal', () => {
      const secret = single(snapshot, 'Microsoft.KeyVault/vaults/secrets', `${vault.name}/applicationinsights-connection-string`);
      expect(secret.properties!.value).to.match(/^\[reference\('.*\/components\/appi-cf-[^']+', '[^']+'\)\.ConnectionString\]$/);
      expect(secret.tags).to.include({ app: 'complianceflow', source: 'arm' });
    });

    it('scenario 3: generated passwords and keys are not created by the template (post-deploy, once)', () => {
      const secretNames = ofType(snapshot, 'Microsoft.KeyVault/vaults/secrets').map((s) => s.name.split('/')[1]);
      for (const generated of ['postgresql-admin-password', 'jwt-signing-key', 'jwt-refresh-signing-key', 'azuread-client-secret']) {
        expect(secretNames).not.to.include(generated);
      }
      expect(secretNames.some((n) => /^postgresql-.*-password$/.test(n!))).to.equal(false);
    });

    it('scenario 4: audit logs to the workspace (resource-specific tables) and alerts for unauthorized access and secret expiry', () => {
      const [settings] = diagnosticSettingsOf(snapshot, vault.id);
      expect(settings!.properties).to.deep.include({ workspaceId, logAnalyticsDestinationType: 'Dedicated', logs: [{ category: null, categoryGroup: 'allLogs', enabled: true }] });
      const unauthorized = single(snapshot, 'Microsoft.Insights/scheduledQueryRules', `alert-${vault.name}-unauthorized-access`);
      expect(unauthorized.properties!.criteria.allOf[0].query).to.include('AZKVAuditLogs').and.to.include('403');
      const expiry = single(snapshot, 'Microsoft.Insights/scheduledQueryRules', `alert-${vault.name}-secret-near-expiry`);
      expect(expiry.properties!.criteria.allOf[0].query).to.include('SecretNearExpiryEventGridNotification');
      for (const alert of [unauthorized, expiry]) {
        expect(alert.properties!.scopes).to.deep.equal([workspaceId]);
        expect(alert.properties!.actions.actionGroups).to.deep.equal([`${rg}/providers/Microsoft.Insights/actionGroups/ag-cf-${deployment}`]);
      }
    });

    it('outputs: vault id, name and URI, the workload identity; no secret values', () => {
      // Runtime values (vault URI, client id) keep the output an unevaluated expression in the snapshot.
      const security = String(snapshot.outputs.security);
      expect(security).to.include(`'keyVaultResourceId', '${vault.id}'`).and.to.include(`'keyVaultName', '${vault.name}'`).and.to.include('vaultUri');
      expect(security).to.include(`'workloadIdentityResourceId', '${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cf-${deployment}-workload'`);
      expect(JSON.stringify(snapshot.outputs)).not.to.match(/\)\.(ConnectionString|InstrumentationKey)|listKeys|listSecrets/i);
    });
  });
}

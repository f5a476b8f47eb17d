// Story 7 (monitoring tier) on the offline snapshots of westeu-test-1 and westeu-prod-1.
import { expect } from 'chai';
import { deploymentSnapshot, diagnosticSettingsOf, ofType, parametersOf, resourceGroupId, single, type DeploymentSnapshot, type Resource } from '../../support/deployment-snapshots.ts';

const cases = [
  { deployment: 'westeu-test-1', retentionDays: 90, dailyCapGb: 1, sampling: 100 as number | undefined, shortName: 'cf-test-1' },
  { deployment: 'westeu-prod-1', retentionDays: 90, dailyCapGb: 50, sampling: undefined, shortName: 'cf-prod-1' },
];

function alertNamed(snapshot: DeploymentSnapshot, deployment: string, key: string): Resource {
  return single(snapshot, 'Microsoft.Insights/scheduledQueryRules', `alert-appi-cf-${deployment}-${key}`);
}

for (const { deployment, retentionDays, dailyCapGb, sampling, shortName } of cases) {
  describe(`monitoring tier: ${deployment} (Story 7)`, function () {
    let snapshot: DeploymentSnapshot;
    const rg = resourceGroupId(`rg-cf-${deployment}`);
    const workspaceId = `${rg}/providers/Microsoft.OperationalInsights/workspaces/log-cf-${deployment}`;
    const appInsightsId = `${rg}/providers/Microsoft.Insights/components/appi-cf-${deployment}`;
    const actionGroupId = `${rg}/providers/Microsoft.Insights/actionGroups/ag-cf-${deployment}`;

    before(async () => {
      snapshot = await deploymentSnapshot(deployment);
    });

    it('scenario 1: Log Analytics workspace, per-GB, retention and daily cap from the profile, in the deployment region', () => {
      const workspace = single(snapshot, 'Microsoft.OperationalInsights/workspaces', `log-cf-${deployment}`);
      expect(workspace.id).to.equal(workspaceId);
      expect(workspace.location).to.equal('westeurope');
      expect(workspace.properties!.sku).to.deep.equal({ name: 'PerGB2018' });
      expect(workspace.properties!.retentionInDays).to.equal(retentionDays);
      expect(workspace.properties!.workspaceCapping).to.deep.equal({ dailyQuotaGb: dailyCapGb });
      expect(workspace.properties!.features).to.include({ disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true });
    });

    it('scenario 2: workspace-based Application Insights, IP masking on, local auth off, sampling per environment', () => {
      const component = single(snapshot, 'Microsoft.Insights/components', `appi-cf-${deployment}`);
      expect(component.kind).to.equal('web');
      expect(component.properties).to.include({ WorkspaceResourceId: workspaceId, IngestionMode: 'LogAnalytics', DisableIpMasking: false, DisableLocalAuth: true });
      // 100 % in test; prod sets no ingestion sampling, the SDKs sample adaptively.
      expect(component.properties!.SamplingPercentage).to.equal(sampling);
      if (sampling === undefined) expect(component.properties).not.to.have.property('SamplingPercentage');
    });

    it('scenario 4: the action group notifies the profile\'s alert emails', () => {
      const group = single(snapshot, 'Microsoft.Insights/actionGroups', `ag-cf-${deployment}`);
      expect(group.location).to.equal('global');
      expect(group.properties).to.include({ groupShortName: shortName, enabled: true });
      const emails = (group.properties!.emailReceivers as { emailAddress: string; useCommonAlertSchema: boolean }[]);
      expect(emails.map((e) => e.emailAddress)).to.deep.equal(parametersOf(deployment).monitoring.alertEmails);
      expect(emails.every((e) => e.useCommonAlertSchema)).to.equal(true);
    });

    it('scenario 4: error rate > 5 % in 5 minutes, per service', () => {
      const alert = alertNamed(snapshot, deployment, 'error-rate');
      const criterion = alert.properties!.criteria.allOf[0];
      expect(alert.properties).to.include({ windowSize: 'PT5M', enabled: true });
      expect(alert.properties!.scopes).to.deep.equal([appInsightsId]);
      expect(criterion).to.include({ operator: 'GreaterThan', threshold: 5, metricMeasureColumn: 'ErrorRatePercent' });
      expect(criterion.query).to.include('requests').and.to.include('success == false');
      expect(criterion.dimensions).to.deep.equal([{ name: 'cloud_RoleName', operator: 'Include', values: ['*'] }]);
      expect(alert.properties!.actions.actionGroups).to.deep.equal([actionGroupId]);
    });

    it('scenario 4: service unavailable, p95 latency > 2 s, database connection failures, CPU > 80 % for 10 minutes', () => {
      const unavailable = alertNamed(snapshot, deployment, 'service-unavailable');
      expect(unavailable.properties!.criteria.allOf[0].query).to.include('availabilityResults').and.to.include('503');
      const latency = alertNamed(snapshot, deployment, 'p95-latency');
      expect(latency.properties!.criteria.allOf[0]).to.include({ threshold: 2000, metricMeasureColumn: 'P95DurationMs' });
      expect(latency.properties!.criteria.allOf[0].query).to.include('percentile(duration, 95)');
      const database = alertNamed(snapshot, deployment, 'database-connection-failures');
      expect(database.properties!.criteria.allOf[0].query).to.include('dependencies').and.to.include('postgresql');
      const cpu = alertNamed(snapshot, deployment, 'cpu');
      expect(cpu.properties).to.include({ windowSize: 'PT10M' });
      expect(cpu.properties!.criteria.allOf[0]).to.include({ threshold: 80, timeAggregation: 'Average' });
      for (const alert of [unavailable, latency, database, cpu]) expect(alert.properties!.actions.actionGroups, alert.name).to.deep.equal([actionGroupId]);
    });

    it('dashboard: a workbook with a deterministic GUID name on Application Insights', async () => {
      const workbooks = ofType(snapshot, 'Microsoft.Insights/workbooks');
      expect(workbooks).to.have.length(1);
      const workbook = workbooks[0]!;
      expect(workbook.name).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(workbook.properties).to.include({ sourceId: appInsightsId, category: 'workbook' });
      const content = JSON.parse(workbook.properties!.serializedData as string) as { version: string; items: unknown[] };
      expect(content.version).to.equal('Notebook/1.0');
      expect(content.items.length).to.be.greaterThan(3);
      const other = await deploymentSnapshot(deployment === 'westeu-test-1' ? 'westeu-prod-1' : 'westeu-test-1');
      expect(ofType(other, 'Microsoft.Insights/workbooks')[0]!.name).not.to.equal(workbook.name);
    });

    it('scenario 3: the workspace and Application Insights send their diagnostics to the workspace', () => {
      const [workspaceSettings] = diagnosticSettingsOf(snapshot, workspaceId);
      expect(workspaceSettings!.properties).to.deep.include({ workspaceId, logs: [{ category: null, categoryGroup: 'allLogs', enabled: true }], metrics: [{ category: 'AllMetrics', enabled: true }] });
      const [componentSettings] = diagnosticSettingsOf(snapshot, appInsightsId);
      expect(componentSettings!.properties).to.deep.include({ workspaceId, logs: [], metrics: [{ category: 'AllMetrics', enabled: true }] });
    });

    it('scenario 3: every resource of every tier that supports diagnostic settings sends them to the workspace', () => {
      // Types whose logs or metrics are exportable (private DNS zones, identities, endpoints, action groups have none).
      const withDiagnostics = [
        'Microsoft.OperationalInsights/workspaces',
        'Microsoft.Insights/components',
        'Microsoft.Network/virtualNetworks',
        'Microsoft.Network/networkSecurityGroups',
        'Microsoft.Storage/storageAccounts',
        'Microsoft.Storage/storageAccounts/blobServices',
        'Microsoft.KeyVault/vaults',
        'Microsoft.DBforPostgreSQL/flexibleServers',
        'Microsoft.Cache/redisEnterprise',
        'Microsoft.EventHub/namespaces',
        'Microsoft.ContainerRegistry/registries',
        'Microsoft.App/managedEnvironments',
      ];
      const checked = snapshot.resources.filter((r) => withDiagnostics.some((t) => t.toLowerCase() === r.type.toLowerCase()));
      expect(checked.length).to.be.at.least(14);
      for (const resource of checked) {
        const settings = diagnosticSettingsOf(snapshot, resource.id);
        expect(settings.map((s) => s.properties!.workspaceId), `${resource.type} ${resource.name}`).to.include(workspaceId);
      }
    });

    it('every top-level resource carries the deployment tags', () => {
      const expected = parametersOf(deployment).tags;
      const untaggable = ['Microsoft.Authorization/roleAssignments', 'Microsoft.Insights/diagnosticSettings'];
      const topLevel = snapshot.resources.filter((r) => r.type.split('/').length === 2 && !untaggable.includes(r.type));
      expect(topLevel.length).to.be.greaterThan(30);
      for (const resource of topLevel) expect(resource.tags, `${resource.type} ${resource.name}`).to.deep.include(expected);
    });

    it('outputs name the resources and never carry the connection string or instrumentation key', () => {
      const monitoring = snapshot.outputs.monitoring as Record<string, string>;
      expect(monitoring).to.include({ logAnalyticsWorkspaceResourceId: workspaceId, applicationInsightsResourceId: appInsightsId, actionGroupResourceId: actionGroupId });
      const outputs = JSON.stringify(snapshot.outputs);
      // No output reads the component's secret-bearing properties (a connection-string *template* elsewhere is fine).
      expect(outputs).not.to.match(/\)\.(ConnectionString|InstrumentationKey)/i);
      expect(outputs).not.to.match(/InstrumentationKey=/i);
    });
  });
}

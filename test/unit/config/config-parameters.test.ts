// mainParameters: exactly the parameter object bicep/main.bicep declares (helper-notes contract).
import { expect } from 'chai';
import { mainParameters } from '@complianceflow/cli/config/parameters.ts';
import { loadRegistry, resolveAll, resolveDeployment } from '@complianceflow/cli/config/registry.ts';

describe('main.bicep parameters', () => {
  const registry = loadRegistry();

  it('has exactly the contract\'s parameters', () => {
    const parameters = mainParameters(resolveDeployment(registry, 'westeu-prod-1'));
    expect(Object.keys(parameters)).to.deep.equal([
      'deploymentName', 'location', 'environment', 'addressSpace', 'tags', 'names', 'network', 'monitoring', 'database', 'redis', 'messaging', 'keyVault', 'registry', 'catalog',
    ]);
    expect(parameters).to.deep.include({ deploymentName: 'westeu-prod-1', location: 'westeurope', environment: 'prod', addressSpace: '10.30.0.0/16' });
    expect(parameters.tags).to.deep.equal({ app: 'complianceflow', env: 'prod', owner: 'platform-team', costCenter: 'CC-1000-PROD', deployment: 'westeu-prod-1', region: 'westeurope' });
    expect(Object.keys(parameters.names)).to.deep.equal([
      'resourceGroup', 'virtualNetwork', 'subnets', 'networkSecurityGroups', 'networkWatcher', 'networkWatcherResourceGroup', 'flowLogsStorageAccount', 'vnetFlowLog',
      'logAnalyticsWorkspace', 'applicationInsights', 'actionGroup', 'actionGroupShortName', 'keyVault', 'postgresServer', 'databases', 'redisCache', 'eventHubsNamespace', 'containerRegistry',
      'containerRegistryAgentPool', 'containerAppsEnvironment', 'containerAppsInfrastructureResourceGroup', 'validationJob', 'workloadIdentity', 'privateEndpoints',
    ]);
    expect(Object.keys(parameters.names.privateEndpoints)).to.deep.equal(['postgres', 'redis', 'keyVault', 'eventHubs', 'containerRegistry']);
    expect(parameters.network).to.deep.equal({ flowLogRetentionDays: 90, managementSourceRanges: [] });
    expect(parameters.monitoring).to.deep.equal({
      logAnalytics: { retentionDays: 90, dailyCapGb: 50 },
      appInsightsSamplingPercentage: null,
      alertEmails: ['platform-alerts@complianceflow.example', 'oncall@complianceflow.example'],
    });
    expect(parameters.database).to.deep.include({ version: '16', pgbouncer: true, highAvailability: true });
    expect(parameters.catalog.eventHubs[1]).to.deep.equal({ name: 'declaration-events', partitions: 4, consumers: ['ruleengine', 'review', 'analytics'] });
  });

  it('apim is in names.subnets and names.networkSecurityGroups only in prod', () => {
    for (const d of resolveAll(registry)) {
      const { names } = mainParameters(d);
      expect('apim' in names.subnets, d.name).to.equal(d.environment === 'prod');
      expect(Object.keys(names.networkSecurityGroups), d.name).to.deep.equal(Object.keys(names.subnets));
    }
  });

  it('is a copy: changing it does not change the resolved deployment', () => {
    const d = resolveDeployment(registry, 'westeu-test-1');
    const parameters = mainParameters(d);
    parameters.network.managementSourceRanges.push('198.51.100.0/24');
    parameters.names.subnets.db = 'changed';
    expect(d.settings.network.managementSourceRanges).to.deep.equal([]);
    expect(d.names.subnets.db).to.equal('snet-cf-westeu-test-1-db');
  });
});

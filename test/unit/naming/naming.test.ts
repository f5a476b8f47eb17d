// Every derived name passes Azure's rules for all registered deployments; each rule refuses what
// ARM would refuse, quoting the rule; globally unique names are stable.
import { expect } from 'chai';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { deriveNames, listNames, nameProblems, stackName } from '@complianceflow/cli/naming/derive.ts';
import { checkName, namingRules, type NamingRule, type NamingRuleId } from '@complianceflow/cli/naming/rules.ts';
import { uniqueSuffix } from '@complianceflow/cli/naming/suffix.ts';

const refusal = checkName;

describe('naming', () => {
  const deployments = resolveAll(loadRegistry());

  it('derives valid names for every registered deployment', () => {
    expect(deployments).to.have.length(8);
    for (const d of deployments) expect(nameProblems(d.names, d.otherNames), d.name).to.deep.equal([]);
  });

  it('follows the story\'s patterns', () => {
    const d = deployments.find((candidate) => candidate.name === 'westeu-test-1')!;
    expect(d.names).to.deep.include({
      resourceGroup: 'rg-cf-westeu-test-1',
      virtualNetwork: 'vnet-cf-westeu-test-1',
      postgresServer: 'psql-cf-westeu-test-1',
      logAnalyticsWorkspace: 'log-cf-westeu-test-1',
      applicationInsights: 'appi-cf-westeu-test-1',
      actionGroup: 'ag-cf-westeu-test-1',
      redisCache: 'redis-cf-westeu-test-1',
      eventHubsNamespace: 'evhns-cf-westeu-test-1',
      containerAppsEnvironment: 'cae-cf-westeu-test-1',
      // The group Azure creates for the environment (infrastructureResourceGroup), excluded from the tag rules by name.
      containerAppsInfrastructureResourceGroup: 'rg-cf-westeu-test-1-cae-infra',
      containerRegistryAgentPool: 'cf-build',
      workloadIdentity: 'id-cf-westeu-test-1-workload',
      networkWatcher: 'NetworkWatcher_westeurope',
      networkWatcherResourceGroup: 'NetworkWatcherRG',
    });
    expect(d.names.subnets.db).to.equal('snet-cf-westeu-test-1-db');
    expect(d.names.networkSecurityGroups.mgmt).to.equal('nsg-cf-westeu-test-1-mgmt');
    expect(d.names.databases.ruleengine).to.equal('complianceflow_ruleengine_westeu_test_1');
    expect(Object.keys(d.names.databases)).to.deep.equal(['user', 'declaration', 'form', 'ruleengine', 'review', 'case', 'notification', 'analytics']);
    expect(d.names.privateEndpoints.keyVault).to.equal('pe-cf-westeu-test-1-keyvault');
    expect(d.names.actionGroupShortName).to.equal('cf-test-1');
    expect(d.otherNames).to.deep.equal({ deploymentStack: 'cf-westeu-test-1' });
    expect(stackName('westeu-test-1'), 'the one function every command names the stack with').to.equal(d.otherNames.deploymentStack);
  });

  it('gives globally unique names a deterministic suffix that differs per deployment', () => {
    expect(uniqueSuffix('westeu-test-1')).to.equal('1v2yo');
    expect(uniqueSuffix('westeu-test-1')).to.equal(uniqueSuffix('westeu-test-1'));
    const d = deployments.find((candidate) => candidate.name === 'westeu-test-1')!;
    expect(d.names.keyVault).to.equal('kv-cf-westeutest1-1v2yo');
    expect(d.names.flowLogsStorageAccount).to.equal('stcfwesteutest11v2yo');
    expect(d.names.containerRegistry).to.equal('crcfwesteutest11v2yo');
    for (const key of ['keyVault', 'flowLogsStorageAccount', 'containerRegistry', 'postgresServer', 'eventHubsNamespace'] as const) {
      expect(new Set(deployments.map((candidate) => candidate.names[key])).size, key).to.equal(deployments.length);
    }
  });

  it('keeps the Key Vault name within 24 characters for every deployment', () => {
    for (const d of deployments) expect(d.names.keyVault.length, d.name).to.be.at.most(24);
  });

  it('refuses Story 6\'s Key Vault name, quoting the rule', () => {
    expect(refusal('keyVault', 'kv-complianceflow-prod-x7k2')).to.equal(
      'Microsoft.KeyVault/vaults name "kv-complianceflow-prod-x7k2" is 27 characters long; allowed: 3-24. ' +
        'Azure\'s rule (3-24 characters, unique per global): "Alphanumerics and hyphens. Start with a letter. End with letter or number. Can\'t contain consecutive hyphens."',
    );
  });

  const refused: [NamingRuleId, string, string][] = [
    ['keyVault', 'kv-cf--westeu', 'contains consecutive hyphens'],
    ['keyVault', '1kv-cf', 'starts with "1", which is not allowed there'],
    ['keyVault', 'kv-cf-', 'ends with "-", which is not allowed there'],
    ['storageAccount', 'stCfWesteu', 'contains "C" (U+0043) at position 3, which is not an allowed character'],
    ['storageAccount', 'st-cf-westeu', 'contains "-" (U+002D) at position 3, which is not an allowed character'],
    ['storageAccount', 'stcfwesteutest1abcdefghijk', 'is 26 characters long; allowed: 3-24'],
    ['containerRegistry', 'cr-cf', 'contains "-" (U+002D) at position 3, which is not an allowed character'],
    ['containerRegistry', 'crcf', 'is 4 characters long; allowed: 5-50'],
    ['containerRegistryAgentPool', 'cf_build', 'contains "_" (U+005F) at position 3, which is not an allowed character'],
    ['containerRegistryAgentPool', 'cf', 'is 2 characters long; allowed: 3-20'],
    ['resourceGroup', `rg-cf-${'x'.repeat(80)}-cae-infra`, 'is 96 characters long; allowed: 1-90'],
    ['postgresServer', 'psql-cf-WestEU', 'contains "W" (U+0057) at position 9, which is not an allowed character'],
    ['postgresServer', 'psql-cf-', 'ends with "-", which is not allowed there'],
    ['postgresDatabase', 'complianceflow-user', 'contains "-" (U+002D) at position 15, which is not an allowed character'],
    ['postgresDatabase', `complianceflow_${'x'.repeat(60)}`, 'is 75 characters long; allowed: 1-63'],
    ['eventHubsNamespace', 'evhns', 'is 5 characters long; allowed: 6-50'],
    ['eventHubsNamespace', '1evhns-cf', 'starts with "1", which is not allowed there'],
    ['redisCache', 'redis--cf', 'contains consecutive hyphens'],
    ['logAnalyticsWorkspace', 'log', 'is 3 characters long; allowed: 4-63'],
    ['virtualNetwork', 'vnet-cf-', 'ends with "-", which is not allowed there'],
    ['subnet', 'snet cf', 'contains " " (U+0020) at position 5, which is not an allowed character'],
    ['privateEndpoint', `pe-${'x'.repeat(62)}`, 'is 65 characters long; allowed: 2-64'],
    ['containerAppsEnvironment', 'cae-cf-westeu-production-instance-1', 'is 35 characters long; allowed: 2-32'],
    ['containerAppsEnvironment', 'Cae-cf', 'contains "C" (U+0043) at position 1, which is not an allowed character'],
    ['userAssignedIdentity', '-id-cf', 'starts with "-", which is not allowed there'],
    ['resourceGroup', 'rg-cf.', 'ends with ".", which is not allowed there'],
    ['applicationInsights', 'appi/cf', 'contains "/" (U+002F) at position 5, which is not an allowed character'],
    ['actionGroup', 'ag:cf', 'contains ":" (U+003A) at position 3, which is not an allowed character'],
    ['actionGroupShortName', 'cf-prod-westeu', 'is 14 characters long; allowed: 1-12'],
    ['deploymentStack', 'cf/westeu', 'contains "/" (U+002F) at position 3, which is not an allowed character'],
    ['flowLog', 'fl-cf-', 'ends with "-", which is not allowed there'],
    // Look-alikes: the message names the position and code point, not only the glyph.
    ['keyVault', 'kv-cf-w\u0435steu', 'contains "\u0435" (U+0435, Cyrillic) at position 8, which is not an allowed character'],
    ['resourceGroup', 'rg-cf\u00a0westeu', 'contains "\u00a0" (U+00A0, a no-break space) at position 6, which is not an allowed character'],
  ];
  for (const [ruleId, name, why] of refused) {
    it(`${ruleId} refuses ${JSON.stringify(name)}: ${why}`, () => {
      const rule: NamingRule = namingRules[ruleId];
      expect(refusal(ruleId, name)).to.equal(`${rule.resourceType} name ${JSON.stringify(name)} ${why}. Azure's rule (${rule.minLength}-${rule.maxLength} characters, unique per ${rule.scope}): "${rule.quote}"`);
    });
  }

  it('every rule accepts the names derived for it', () => {
    const d = deployments.find((candidate) => candidate.name === 'northeu-prod-1')!;
    const rulesUsed = new Set(listNames(d.names, d.otherNames).map((entry) => entry.rule));
    expect([...rulesUsed].sort()).to.deep.equal(Object.keys(namingRules).sort());
  });

  it('reports a name over its limit from a longer deployment name', () => {
    const names = deriveNames({ name: 'southeastasia-prod-12', environment: 'prod', instance: 12, location: 'southeastasia', services: ['user'], subnetTiers: ['db'] });
    const problems = nameProblems(names);
    expect(problems.map((problem) => problem.path)).to.deep.equal(['flowLogsStorageAccount', 'keyVault']);
    expect(problems[0]!.message).to.match(/^Microsoft.Storage\/storageAccounts name "stcfsoutheastasiaprod12\w{5}" is 28 characters long; allowed: 3-24\. Azure's rule \(3-24 characters, unique per global\): "Lowercase letters and numbers."$/);
    expect(problems[1]!.message).to.match(/^Microsoft.KeyVault\/vaults name "kv-cf-southeastasiaprod12-\w{5}" is 31 characters long; allowed: 3-24\./);
  });
});

// The cost estimate: hand-built resource lists against sums worked out by hand, the committed
// golden snapshots of westeu-test-1 and westeu-prod-1 against their budgets, and bad input.
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { checkBudget, costMarkdown, estimateCost, loadPriceTable, type PriceTable } from '@complianceflow/cli/cost/index.ts';
import { ConfigError, UsageError } from '@complianceflow/core/errors.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const sub = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers';

function snapshot(name: string): ArmResource[] {
  const doc = JSON.parse(readFileSync(path.join(repoRoot, 'deployments', 'snapshots', `${name}.json`), 'utf8')) as { resources: ArmResource[] };
  return doc.resources;
}

function profile(environment: string): Record<string, any> {
  return parseYaml(readFileSync(path.join(repoRoot, 'deployments', 'profiles', `${environment}.yaml`), 'utf8')) as Record<string, any>;
}

const count = (resources: ArmResource[], type: string): number => resources.filter((r) => r.type.toLowerCase() === type.toLowerCase()).length;

/** A two-region toy table: hand sums stay exact whatever the real prices become. */
function toyTable(): PriceTable {
  const m = (unit: string, a: number, b: number) => ({ unit, description: unit, prices: { westeurope: a, eastus: b } });
  return {
    file: 'toy.json', date: '2026-01-01', currency: 'USD', source: 'test', regions: ['westeurope', 'eastus'], hoursPerMonth: 700, daysPerMonth: 30,
    usage: {
      logAnalyticsGbPerDay: { test: 0.5, default: 2 },
      vnetFlowLogGbPerMonth: { default: 10 },
      storageGbPerAccount: { default: 100 },
      keyVaultOperationsPerMonth: { default: 50_000 },
    },
    meters: {
      'postgres.compute.Standard_B1ms': m('hour', 0.02, 0.01),
      'postgres.storage': m('GB-month', 0.1, 0.1),
      'postgres.backup.geo': m('GB-month', 0.2, 0.2),
      'redis.Balanced_B1': m('hour', 0.05, 0.04),
      'eventhubs.standard.tu': m('hour', 0.03, 0.03),
      'keyvault.operations': m('10k operations', 0.03, 0.03),
      'loganalytics.ingestion': m('GB', 3, 2),
      'loganalytics.retention': m('GB-month', 0.1, 0.1),
      'storage.Standard_LRS': m('GB-month', 0.02, 0.02),
      'network.privateEndpoint': m('hour', 0.01, 0.01),
      'dns.privateZone': m('zone-month', 0.5, 0.5),
      'acr.Basic': m('day', 0.2, 0.2),
    },
  };
}

describe('cost estimate', function () {
  describe('hand-built resources against hand sums (toy price table)', function () {
    const prices = toyTable();
    const tags = { env: 'test' };
    const resources: ArmResource[] = [
      { type: 'Microsoft.Resources/resourceGroups', name: 'rg-x', location: 'westeurope', tags },
      { type: 'Microsoft.DBforPostgreSQL/flexibleServers', name: 'psql', id: `${sub}/Microsoft.DBforPostgreSQL/flexibleServers/psql`, location: 'westeurope', tags,
        sku: { name: 'Standard_B1ms', tier: 'Burstable' }, properties: { storage: { storageSizeGB: 32 }, highAvailability: { mode: 'ZoneRedundant' }, backup: { geoRedundantBackup: 'Enabled' } } },
      { type: 'Microsoft.DBforPostgreSQL/flexibleServers/databases', name: 'psql/app', properties: {} },
      { type: 'Microsoft.Cache/redisEnterprise', name: 'redis', location: 'westeurope', tags, sku: { name: 'Balanced_B1' }, properties: { highAvailability: 'Disabled' } },
      { type: 'Microsoft.Network/privateEndpoints', name: 'pe-psql', location: 'westeurope', tags,
        properties: { privateLinkServiceConnections: [{ properties: { privateLinkServiceId: `${sub}/Microsoft.DBforPostgreSQL/flexibleServers/psql` } }] } },
      { type: 'Microsoft.Network/privateDnsZones', name: 'privatelink.postgres.database.azure.com', location: 'global', tags },
      { type: 'Microsoft.OperationalInsights/workspaces', name: 'log', location: 'westeurope', tags, properties: { retentionInDays: 61, workspaceCapping: { dailyQuotaGb: 1 } } },
      { type: 'Microsoft.KeyVault/vaults', name: 'kv', location: 'westeurope', tags, properties: { sku: { name: 'standard' } } },
      { type: 'Microsoft.Widgets/gadgets', name: 'w', location: 'westeurope', tags },
    ];

    it('prices each resource from its meters', function () {
      const estimate = estimateCost(resources, { location: 'westeurope', prices });
      const by = Object.fromEntries(estimate.byResource.map((r) => [r.name, r.monthly]));
      // PostgreSQL, zone-redundant HA (2 nodes): 700 h * 0.02 * 2 = 28, storage 32 GB * 0.1 * 2 = 6.4, geo backup 32 * 0.2 = 6.4
      expect(by['psql']).to.equal(40.8);
      // Managed Redis without HA: 700 h * 0.05
      expect(by['redis']).to.equal(35);
      // Private endpoint 700 h * 0.01; DNS zone 0.5 (priced in the deployment's region although global)
      expect(by['pe-psql']).to.equal(7);
      expect(by['privatelink.postgres.database.azure.com']).to.equal(0.5);
      // Log Analytics: 0.5 GB/day (test assumption, under the 1 GB cap) * 30 days * 3 = 45; retention (61 - 31) days * 0.5 GB * 0.1 = 1.5
      expect(by['log']).to.equal(46.5);
      // Key Vault: 50,000 operations / 10,000 * 0.03
      expect(by['kv']).to.equal(0.15);
      expect(estimate.monthlyTotal).to.be.closeTo(40.8 + 35 + 7 + 0.5 + 46.5 + 0.15, 1e-9);
    });

    it('adds up per tier (a private endpoint counts in the tier of the service it connects)', function () {
      const estimate = estimateCost(resources, { location: 'westeurope', prices });
      expect(estimate.byTier).to.deep.equal({ database: 47.8, cache: 35, networking: 0.5, monitoring: 46.5, security: 0.15 });
    });

    it('gives the Log Analytics cost at its daily cap as the ceiling', function () {
      const estimate = estimateCost(resources, { location: 'westeurope', prices });
      const log = estimate.byResource.find((r) => r.name === 'log')!;
      // 1 GB/day * 30 * 3 = 90, retention 30 days * 1 GB * 0.1 = 3
      expect(log.maxMonthly).to.equal(93);
      expect(estimate.monthlyTotalAtCaps).to.be.closeTo(40.8 + 35 + 7 + 0.5 + 93 + 0.15, 1e-9);
    });

    it('lists unknown types as not priced, and counts free ones', function () {
      const estimate = estimateCost(resources, { location: 'westeurope', prices });
      expect(estimate.notPriced).to.deep.equal([{ resourceId: 'w', type: 'Microsoft.Widgets/gadgets', reason: 'no pricing for resource type Microsoft.Widgets/gadgets' }]);
      expect(estimate.freeResources).to.equal(2);
      const missingSku = estimateCost([{ type: 'Microsoft.Cache/redisEnterprise', name: 'r', location: 'westeurope', sku: { name: 'Balanced_B50' } }], { location: 'westeurope', prices });
      expect(missingSku.notPriced[0]!.reason).to.contain('redis.Balanced_B50');
      expect(missingSku.monthlyTotal).to.equal(0);
    });

    it('uses regional prices and the default usage when the resource has no env tag', function () {
      const untagged = resources.map((r) => ({ ...r, tags: {}, location: r.location === 'global' ? 'global' : 'eastus' }));
      const estimate = estimateCost(untagged, { location: 'eastus', prices });
      // eastus PostgreSQL: 700 * 0.01 * 2 + 6.4 + 6.4 = 26.8; Log Analytics: min(2 GB default, 1 GB cap) * 30 * 2 = 60 + 3 retention
      expect(estimate.byResource.find((r) => r.name === 'psql')!.monthly).to.equal(26.8);
      expect(estimate.byResource.find((r) => r.name === 'log')!.monthly).to.equal(63);
      expect(estimate.byResource.find((r) => r.name === 'redis')!.monthly).to.equal(28);
    });

    it('renders a markdown table with the total and the price table date', function () {
      const markdown = costMarkdown(estimateCost(resources, { location: 'westeurope', prices }));
      expect(markdown).to.contain('| database | psql | Microsoft.DBforPostgreSQL/flexibleServers | 40.80 |');
      expect(markdown).to.contain('| **Total** | | | **129.95** |');
      expect(markdown).to.contain('Not priced (counted as 0): w (no pricing for resource type Microsoft.Widgets/gadgets)');
      expect(markdown).to.contain('toy.json, 2026-01-01');
    });
  });

  describe('budgets', function () {
    it('checkBudget says whether and by how much', function () {
      expect(checkBudget({ monthlyTotal: 150.5 }, 200)).to.deep.equal({
        withinBudget: true, budgetUsd: 200, estimateUsd: 150.5, headroomUsd: 49.5,
        message: 'estimated $150.50/month, within the budget of $200.00 ($49.50 to spare)',
      });
      const over = checkBudget({ monthlyTotal: 3210 }, 3000);
      expect(over).to.include({ withinBudget: false, headroomUsd: -210 });
      expect(over.message).to.equal('estimated $3,210.00/month exceeds the budget of $3,000.00 by $210.00');
    });

    it('a budget that is not a positive number is bad input', function () {
      for (const bad of [0, -5, Number.NaN, '200' as unknown as number]) {
        expect(() => checkBudget({ monthlyTotal: 1 }, bad)).to.throw(UsageError, /is not a positive number/);
      }
    });

    it('a region without prices is bad input naming the regions priced', function () {
      expect(() => estimateCost([], { location: 'brazilsouth', prices: toyTable() })).to.throw(UsageError, 'no prices for region "brazilsouth" in toy.json');
    });
  });

  describe('the price table', function () {
    it('is dated, in USD, and prices every meter in every region of the registry', function () {
      const table = loadPriceTable();
      expect(table.file).to.match(/^pricing\/prices-\d{4}-\d{2}-\d{2}\.json$/);
      expect(table.currency).to.equal('USD');
      const regions = parseYaml(readFileSync(path.join(repoRoot, 'deployments', 'regions.yaml'), 'utf8')) as Record<string, { location: string }>;
      expect(table.regions.slice().sort()).to.deep.equal(Object.values(regions).map((r) => r.location).sort());
    });

    it('has a meter for every SKU the profiles use', function () {
      const table = loadPriceTable();
      for (const environment of ['test', 'stg', 'prod']) {
        const p = profile(environment);
        expect(table.meters, environment).to.have.property(`postgres.compute.${p['database'].sku.name}`);
        expect(table.meters, environment).to.have.property(`redis.${p['redis'].sku}`);
        expect(table.meters, environment).to.have.property(`acr.${p['registry'].sku}`);
        expect(table.meters, environment).to.have.property(`eventhubs.${String(p['messaging'].sku).toLowerCase()}.tu`);
      }
    });

    it('a broken table is a configuration error naming the field', function () {
      const dir = mkdtempSync(path.join(tmpdir(), 'cf-prices-'));
      try {
        const table = JSON.parse(readFileSync(path.join(repoRoot, loadPriceTable().file), 'utf8')) as Record<string, any>;
        delete table['meters']['network.privateEndpoint'].prices.eastus;
        table['currency'] = 'EUR';
        const file = path.join(dir, 'prices-2026-01-01.json');
        writeFileSync(file, JSON.stringify(table));
        expect(() => loadPriceTable(file)).to.throw(ConfigError).with.property('problems').that.deep.equals([
          `${file}: currency: must be "USD"`,
          `${file}: meters.network.privateEndpoint.prices.eastus: must be a non-negative number`,
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('golden snapshots (real price table)', function () {
    // Prices typed from pricing/prices-2026-11-29.json (westeurope) and usage from its assumptions; quantities from the profiles.
    const hours = 730;
    const days = 30.42;

    function handSum(resources: ArmResource[], environment: string): number {
      const p = profile(environment);
      const usage = { test: { la: 0.3, flow: 2, storage: 5, kvOps: 20_000 }, stg: { la: 1.5, flow: 10, storage: 20, kvOps: 100_000 }, prod: { la: 10, flow: 50, storage: 100, kvOps: 1_000_000 } }[environment]!;
      const compute: Record<string, number> = { Standard_B1ms: 0.0207, Standard_D2s_v3: 0.206, Standard_D4s_v3: 0.412 };
      const redis: Record<string, number> = { Balanced_B1: 0.0506, Balanced_B3: 0.1012, Balanced_B5: 0.2024 };
      const acr: Record<string, number> = { Basic: 0.1667, Standard: 0.6667, Premium: 1.6667 };
      const ha = p['database'].highAvailability ? 2 : 1;
      let total = 0;
      if (count(resources, 'Microsoft.DBforPostgreSQL/flexibleServers') === 1) {
        total += compute[p['database'].sku.name]! * hours * ha + p['database'].storageSizeGb * 0.131 * ha + (p['database'].geoRedundantBackup ? p['database'].storageSizeGb * 0.23 : 0);
      }
      if (count(resources, 'Microsoft.Cache/redisEnterprise') === 1) total += redis[p['redis'].sku]! * hours * (p['redis'].highAvailability ? 2 : 1);
      if (count(resources, 'Microsoft.EventHub/namespaces') === 1) total += 0.033 * hours * p['messaging'].throughputUnits;
      if (count(resources, 'Microsoft.ContainerRegistry/registries') === 1) total += acr[p['registry'].sku]! * days;
      // The ACR Tasks agent pool (prod): allocated vCPUs all month at 0.36 per vCPU-hour.
      const pool = p['registry'].buildAgentPool as { tier: string; count: number } | null;
      if (pool !== null) total += pool.count * ({ S1: 2, S2: 4, S3: 8 } as Record<string, number>)[pool.tier]! * hours * 0.36;
      const perDay = Math.min(usage.la, p['monitoring'].logAnalytics.dailyCapGb);
      total += perDay * days * 2.76 + perDay * Math.max(0, p['monitoring'].logAnalytics.retentionDays - 31) * 0.13;
      total += count(resources, 'Microsoft.KeyVault/vaults') * (usage.kvOps / 10_000) * 0.03;
      total += count(resources, 'Microsoft.Storage/storageAccounts') * usage.storage * 0.02;
      total += count(resources, 'Microsoft.Network/networkWatchers/flowLogs') * usage.flow * 0.5;
      total += count(resources, 'Microsoft.Network/privateEndpoints') * 0.01 * hours;
      total += count(resources, 'Microsoft.Network/privateDnsZones') * 0.5;
      total += resources.filter((r) => r.type === 'Microsoft.Insights/metricAlerts').reduce((sum, r) => sum + ((r.properties?.['scopes'] as unknown[] | undefined)?.length ?? 1) * 0.1, 0);
      for (const rule of resources.filter((r) => r.type === 'Microsoft.Insights/scheduledQueryRules')) {
        const frequency = String(rule.properties?.['evaluationFrequency']);
        total += frequency === 'PT1M' ? 3 : ['PT5M', 'PT10M'].includes(frequency) ? 1.5 : 0.5;
      }
      return total;
    }

    for (const [deployment, environment] of [['westeu-test-1', 'test'], ['westeu-prod-1', 'prod']] as const) {
      it(`${deployment}: the estimate matches the hand sum and stays within the ${environment} budget`, function () {
        const resources = snapshot(deployment);
        const estimate = estimateCost(resources, { location: 'westeurope' });
        expect(estimate.notPriced).to.deep.equal([]);
        expect(estimate.monthlyTotal).to.be.closeTo(handSum(resources, environment), 0.1);
        const budget = profile(environment)['budget'].monthlyUsd as number;
        expect(checkBudget(estimate, budget).withinBudget, `${estimate.monthlyTotal} vs ${budget}`).to.equal(true);
        const tierTotal = Object.values(estimate.byTier).reduce((a, b) => a + b, 0);
        expect(tierTotal).to.be.closeTo(estimate.monthlyTotal, 0.05);
      });
    }

    it('every deployment stays within its environment budget', function () {
      for (const file of readdirSync(path.join(repoRoot, 'deployments', 'snapshots')).filter((f) => f.endsWith('.json'))) {
        const name = file.slice(0, -5);
        const environment = (parseYaml(readFileSync(path.join(repoRoot, 'deployments', `${name}.yaml`), 'utf8')) as { environment: string }).environment;
        const resources = snapshot(name);
        const location = resources.find((r) => r.type === 'Microsoft.Resources/resourceGroups')!.location!;
        const estimate = estimateCost(resources, { location });
        expect(estimate.notPriced, name).to.deep.equal([]);
        expect(checkBudget(estimate, profile(environment)['budget'].monthlyUsd).withinBudget, `${name}: ${estimate.monthlyTotal}`).to.equal(true);
      }
    });

    it('westeu-test-1 costs less than $200 a month', function () {
      expect(estimateCost(snapshot('westeu-test-1'), { location: 'westeurope' }).monthlyTotal).to.be.below(200);
    });
  });
});

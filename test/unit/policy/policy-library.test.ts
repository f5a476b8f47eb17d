// The policies in policies/ (built-in mirrors, our definitions, the initiative and the three
// environment assignments) evaluated offline, and the errors a broken policy file produces.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import {
  defaultPoliciesDir,
  evaluate,
  evaluatePolicies,
  loadPolicyLibrary,
  PolicyFileError,
  type ArmResource,
  type EvaluationScope,
  type PolicyLibrary,
} from '@complianceflow/core/policy/index.ts';
import { evaluateArmAssignments } from '@complianceflow/core/policy/arm-state.ts';

const sub = '00000000-0000-0000-0000-000000000001';
const rgId = `/subscriptions/${sub}/resourceGroups/rg-cf-westeu-test-1`;
const tags = { app: 'complianceflow', env: 'test', owner: 'platform-team', costCenter: 'CC-1001-ENG', deployment: 'westeu-test-1', region: 'westeurope' };
const context = (environment: string): EvaluationScope => ({ environment, location: 'westeurope', subscriptionId: sub });

function resourceOf(type: string, name: string, body: Partial<ArmResource> = {}): ArmResource {
  return { type, name, id: `${rgId}/providers/${type}/${name}`, location: 'westeurope', tags, ...body };
}

// Story 7: 90 days in every environment (the test profile and its policy bound agree).
const retentionFor = (_environment: string): number => 90;

/** A compliant deployment of an environment, shaped like the Bicep snapshot's predicted resources (env tag and retention as the environment's profile sets them). */
function compliantDeployment(environment = 'test'): ArmResource[] {
  const retentionInDays = retentionFor(environment);
  const envTags = { ...tags, env: environment };
  const resource = (type: string, name: string, body: Partial<ArmResource> = {}): ArmResource => resourceOf(type, name, { tags: envTags, ...body });
  return [
    { type: 'Microsoft.Resources/resourceGroups', name: 'rg-cf-westeu-test-1', id: rgId, location: 'westeurope', tags: envTags },
    resource('Microsoft.Network/virtualNetworks', 'vnet-cf', { properties: { addressSpace: { addressPrefixes: ['10.10.0.0/16'] } } }),
    { type: 'Microsoft.Network/virtualNetworks/subnets', name: 'vnet-cf/snet-db', properties: { addressPrefix: '10.10.2.0/24' } },
    resource('Microsoft.Network/privateDnsZones', 'privatelink.postgres.database.azure.com', { location: 'global' }),
    resource('Microsoft.DBforPostgreSQL/flexibleServers', 'psql-cf', {
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      properties: { version: '16', network: { publicNetworkAccess: 'Disabled' }, storage: { storageSizeGB: 32 } },
    }),
    { type: 'Microsoft.DBforPostgreSQL/flexibleServers/databases', name: 'psql-cf/complianceflow_auth', properties: { charset: 'UTF8' } },
    resource('Microsoft.Cache/redisEnterprise', 'redis-cf', { sku: { name: 'Balanced_B1' }, properties: { minimumTlsVersion: '1.2', publicNetworkAccess: 'Disabled' } }),
    resource('Microsoft.EventHub/namespaces', 'evhns-cf', { sku: { name: 'Standard', tier: 'Standard', capacity: 1 }, properties: { publicNetworkAccess: 'Disabled' } }),
    resource('Microsoft.KeyVault/vaults', 'kv-cf', { properties: { sku: { family: 'A', name: 'standard' }, publicNetworkAccess: 'Disabled' } }),
    { type: 'Microsoft.KeyVault/vaults/secrets', name: 'kv-cf/pg-password', properties: { value: '[reference()]' } },
    resource('Microsoft.Storage/storageAccounts', 'stcfflowlogs', { sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: { publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } } }),
    resource('Microsoft.OperationalInsights/workspaces', 'log-cf', { properties: { retentionInDays, workspaceCapping: { dailyQuotaGb: 1 }, sku: { name: 'PerGB2018' } } }),
    resource('Microsoft.Insights/actionGroups', 'ag-cf', { location: 'global' }),
    resource('Microsoft.ContainerRegistry/registries', 'crcf', { sku: { name: 'Basic' }, properties: { adminUserEnabled: false } }),
  ];
}

function withChange(resources: ArmResource[], type: string, change: (r: ArmResource) => void): ArmResource[] {
  const copy = structuredClone(resources);
  const target = copy.find((r) => r.type === type);
  if (target === undefined) throw new Error(`no ${type}`);
  change(target);
  return copy;
}

describe('policies/ evaluated offline', function () {
  let library: PolicyLibrary;
  before(function () {
    library = loadPolicyLibrary();
  });

  it('loads three mirrored built-ins, our definitions, the initiative and one assignment per environment', function () {
    expect(library.definitions.filter((d) => d.definition.properties.policyType === 'BuiltIn').map((d) => d.definition.properties.displayName).sort())
      .to.deep.equal(['Allowed locations', 'Require a tag on resource groups', 'Require a tag on resources']);
    expect(library.initiatives.map((i) => i.initiative.name)).to.deep.equal(['complianceflow-baseline']);
    expect(library.assignments.map((a) => a.environment).sort()).to.deep.equal(['prod', 'stg', 'test']);
    for (const assignment of library.assignments) expect(assignment.policies).to.have.length(12);
  });

  it('allows exactly the locations of the region registry (deployments/regions.yaml)', function () {
    const regions = parseYaml(readFileSync(path.join(defaultPoliciesDir, '..', 'deployments', 'regions.yaml'), 'utf8')) as Record<string, { location: string }>;
    const expected = Object.values(regions).map((r) => r.location).sort();
    for (const assignment of library.assignments) {
      const allowed = assignment.policies.find((p) => p.referenceId === 'allowed-locations')!.parameters['listOfAllowedLocations'];
      expect((allowed as string[]).slice().sort(), assignment.file).to.deep.equal(expected);
    }
  });

  it('a compliant deployment passes every policy of its environment', function () {
    for (const environment of ['test', 'stg', 'prod']) {
      const resources = compliantDeployment(environment);
      const result = evaluatePolicies(resources, context(environment), { library });
      expect(result.results, environment).to.deep.equal([]);
      expect(result.evaluated).to.be.greaterThan(50);
    }
  });

  describe('built-in mirrors', function () {
    it('Require a tag on resources: a resource without costCenter is denied, child resources without tags are not evaluated (Indexed)', function () {
      const resources = withChange(compliantDeployment(), 'Microsoft.KeyVault/vaults', (r) => {
        r.tags = { ...tags, costCenter: undefined };
        delete r.tags['costCenter'];
      });
      const result = evaluatePolicies(resources, context('test'), { library });
      expect(result.denied).to.equal(1);
      expect(result.results[0]).to.deep.include({ name: 'kv-cf', policy: 'Require a tag on resources', referenceId: 'require-tag-costCenter-resources', effect: 'deny', assignment: 'cf-baseline-test' });
      expect(result.results[0]!.reason).to.contain('tags[costCenter]');
    });

    it('Require a tag on resource groups: a resource group without owner is denied; tag names are case-insensitive', function () {
      const resources = withChange(compliantDeployment(), 'Microsoft.Resources/resourceGroups', (r) => {
        r.tags = { APP: 'complianceflow', Env: 'test', costcenter: 'CC-1001-ENG' };
      });
      const result = evaluatePolicies(resources, context('test'), { library });
      expect(result.results.map((r) => r.referenceId)).to.deep.equal(['require-tag-owner-resource-groups']);
    });

    it('Allowed locations: brazilsouth is denied, global is not, resource groups are not evaluated', function () {
      const moved = withChange(compliantDeployment('prod'), 'Microsoft.KeyVault/vaults', (r) => {
        r.location = 'brazilsouth';
      });
      const result = evaluatePolicies(moved, context('prod'), { library });
      expect(result.results.map((r) => [r.name, r.referenceId, r.effect])).to.deep.equal([['kv-cf', 'allowed-locations', 'deny']]);
      const rgElsewhere = withChange(compliantDeployment('prod'), 'Microsoft.Resources/resourceGroups', (r) => {
        r.location = 'brazilsouth';
      });
      expect(evaluatePolicies(rgElsewhere, context('prod'), { library }).results).to.deep.equal([]);
    });
  });

  describe('premium SKUs', function () {
    it('a test deployment with a General Purpose PostgreSQL server is denied, with resource, policy and reason', function () {
      const gp = (r: ArmResource): void => {
        r.sku = { name: 'Standard_D4s_v3', tier: 'GeneralPurpose' };
      };
      const resources = withChange(compliantDeployment(), 'Microsoft.DBforPostgreSQL/flexibleServers', gp);
      const result = evaluatePolicies(resources, context('test'), { library });
      expect(result.denied).to.equal(1);
      const [denial] = result.results;
      expect(denial).to.deep.include({ resourceType: 'Microsoft.DBforPostgreSQL/flexibleServers', name: 'psql-cf', referenceId: 'deny-premium-skus', effect: 'deny' });
      expect(denial!.reason).to.contain('GeneralPurpose');
      // Staging's allow-list lets the General Purpose tier through; production has the policy disabled.
      for (const environment of ['stg', 'prod']) {
        const later = withChange(compliantDeployment(environment), 'Microsoft.DBforPostgreSQL/flexibleServers', gp);
        expect(evaluatePolicies(later, context(environment), { library }).results, environment).to.deep.equal([]);
      }
    });

    const premium: Array<[string, string, (r: ArmResource) => void]> = [
      ['Managed Redis Balanced_B5', 'Microsoft.Cache/redisEnterprise', (r) => { r.sku = { name: 'Balanced_B5' }; }],
      ['Event Hubs Premium', 'Microsoft.EventHub/namespaces', (r) => { r.sku = { name: 'Premium', tier: 'Premium', capacity: 1 }; }],
      ['Key Vault premium (properties.sku)', 'Microsoft.KeyVault/vaults', (r) => { (r.properties!['sku'] as Record<string, unknown>)['name'] = 'Premium'; }],
      ['premium storage', 'Microsoft.Storage/storageAccounts', (r) => { r.sku = { name: 'Premium_ZRS' }; }],
      ['Container Registry Premium', 'Microsoft.ContainerRegistry/registries', (r) => { r.sku = { name: 'Premium' }; }],
    ];
    for (const [label, type, change] of premium) {
      it(`${label} is denied in test and allowed in prod`, function () {
        const resources = withChange(compliantDeployment(), type, change);
        const test = evaluatePolicies(resources, context('test'), { library });
        expect(test.results.map((r) => [r.resourceType, r.referenceId, r.effect])).to.deep.equal([[type, 'deny-premium-skus', 'deny']]);
        const prodResources = withChange(compliantDeployment('prod'), type, change);
        expect(evaluatePolicies(prodResources, context('prod'), { library }).results).to.deep.equal([]);
      });
    }

    it('an Event Hubs dedicated cluster is denied in test', function () {
      const resources = [...compliantDeployment(), resourceOf('Microsoft.EventHub/clusters', 'evhc-cf', { sku: { name: 'Dedicated', capacity: 1 } })];
      expect(evaluatePolicies(resources, context('test'), { library }).results.map((r) => r.name)).to.deep.equal(['evhc-cf']);
    });

    it('staging allows Managed Redis up to Balanced_B3 but not Balanced_B5', function () {
      const b3 = withChange(compliantDeployment('stg'), 'Microsoft.Cache/redisEnterprise', (r) => { r.sku = { name: 'Balanced_B3' }; });
      const b5 = withChange(compliantDeployment('stg'), 'Microsoft.Cache/redisEnterprise', (r) => { r.sku = { name: 'Balanced_B5' }; });
      expect(evaluatePolicies(b3, context('stg'), { library }).results).to.deep.equal([]);
      expect(evaluatePolicies(withChange(compliantDeployment(), 'Microsoft.Cache/redisEnterprise', (r) => { r.sku = { name: 'Balanced_B3' }; }), context('test'), { library }).denied).to.equal(1);
      expect(evaluatePolicies(b5, context('stg'), { library }).denied).to.equal(1);
    });
  });

  describe('Log Analytics cap and retention', function () {
    it('no daily cap (-1) is denied in test and audited in prod', function () {
      const uncapped = (r: ArmResource): void => {
        r.properties = { retentionInDays: 90, workspaceCapping: { dailyQuotaGb: -1 } };
      };
      const test = evaluatePolicies(withChange(compliantDeployment('test'), 'Microsoft.OperationalInsights/workspaces', uncapped), context('test'), { library });
      expect(test.results.map((r) => [r.referenceId, r.effect])).to.deep.equal([['log-analytics-cap-retention', 'deny']]);
      const prod = evaluatePolicies(withChange(compliantDeployment('prod'), 'Microsoft.OperationalInsights/workspaces', uncapped), context('prod'), { library });
      expect(prod).to.deep.include({ denied: 0, audited: 1 });
      expect(prod.results[0]!.reason).to.contain('workspaceCapping.dailyQuotaGb is -1');
    });

    it('retention outside the environment bounds and a missing retention are reported', function () {
      const long = (r: ArmResource): void => { r.properties!['retentionInDays'] = 120; };
      const short = (r: ArmResource): void => { r.properties!['retentionInDays'] = 30; };
      expect(evaluatePolicies(withChange(compliantDeployment('test'), 'Microsoft.OperationalInsights/workspaces', long), context('test'), { library }).denied).to.equal(1);
      expect(evaluatePolicies(withChange(compliantDeployment('test'), 'Microsoft.OperationalInsights/workspaces', short), context('test'), { library }).denied).to.equal(1);
      expect(evaluatePolicies(withChange(compliantDeployment('stg'), 'Microsoft.OperationalInsights/workspaces', short), context('stg'), { library }).audited).to.equal(1);
      expect(evaluatePolicies(withChange(compliantDeployment('prod'), 'Microsoft.OperationalInsights/workspaces', long), context('prod'), { library }).results).to.deep.equal([]);
      const missing = withChange(compliantDeployment('stg'), 'Microsoft.OperationalInsights/workspaces', (r) => { delete r.properties!['retentionInDays']; });
      expect(evaluatePolicies(missing, context('stg'), { library }).audited).to.equal(1);
    });
  });

  describe('test, stg and prod assigned in one subscription', function () {
    // Every assignment is at subscription scope, so in a shared subscription Azure evaluates every
    // resource against all three; the environment parameter keeps each environment's limits to its own resources.
    const allPolicies = (): PolicyLibrary['assignments'][number]['policies'] => library.assignments.flatMap((a) => a.policies);
    const generalPurposeServer = (env: string): ArmResource => resourceOf('Microsoft.DBforPostgreSQL/flexibleServers', `psql-cf-${env}`, {
      tags: { ...tags, env },
      sku: { name: 'Standard_D4s_v3', tier: 'GeneralPurpose' },
      properties: { version: '16', network: { publicNetworkAccess: 'Disabled' }, storage: { storageSizeGB: 128 } },
    });

    it('a prod General Purpose PostgreSQL server is not denied by any of the three assignments; a test-tagged one is denied by test alone', function () {
      expect(library.assignments.map((a) => a.assignment.properties.scope)).to.deep.equal(['/subscriptions/{subscriptionId}', '/subscriptions/{subscriptionId}', '/subscriptions/{subscriptionId}']);
      expect(evaluate(generalPurposeServer('prod'), allPolicies(), { subscriptionId: sub })).to.deep.equal([]);
      expect(evaluate(generalPurposeServer('stg'), allPolicies(), { subscriptionId: sub })).to.deep.equal([]);
      const test = evaluate(generalPurposeServer('test'), allPolicies(), { subscriptionId: sub });
      expect(test.map((r) => [r.assignment, r.referenceId, r.effect])).to.deep.equal([['cf-baseline-test', 'deny-premium-skus', 'deny']]);
    });

    it("a prod workspace with 365-day retention is outside test's 90-day bound, which reaches test-tagged workspaces only", function () {
      const workspace = compliantDeployment('prod').find((r) => r.type === 'Microsoft.OperationalInsights/workspaces')!;
      workspace.properties!['retentionInDays'] = 365;
      expect(evaluate(workspace, allPolicies(), { subscriptionId: sub })).to.deep.equal([]);
      const testWorkspace = compliantDeployment('test').find((r) => r.type === 'Microsoft.OperationalInsights/workspaces')!;
      testWorkspace.properties!['retentionInDays'] = 365;
      expect(evaluate(testWorkspace, allPolicies(), { subscriptionId: sub }).map((r) => r.assignment)).to.deep.equal(['cf-baseline-test']);
    });

    it('a resource without the env tag escapes none: every assignment denies it for the missing tag', function () {
      const untagged = generalPurposeServer('prod');
      delete untagged.tags!['env'];
      const results = evaluate(untagged, allPolicies(), { subscriptionId: sub });
      expect(results.map((r) => [r.assignment, r.referenceId, r.effect])).to.deep.equal([
        ['cf-baseline-prod', 'require-tag-env-resources', 'deny'],
        ['cf-baseline-stg', 'require-tag-env-resources', 'deny'],
        ['cf-baseline-test', 'require-tag-env-resources', 'deny'],
      ]);
    });

    it('an assignment whose environment parameter disagrees with its environment is refused', function () {
      const root = mkdtempSync(path.join(tmpdir(), 'cf-policies-'));
      try {
        cpSync(defaultPoliciesDir, root, { recursive: true });
        const file = path.join(root, 'assignments', 'stg.json');
        const doc = JSON.parse(readFileSync(file, 'utf8')) as { properties: { parameters: Record<string, { value: unknown }> } };
        doc.properties.parameters['environment'] = { value: 'prod' };
        writeFileSync(file, JSON.stringify(doc));
        expect(() => loadPolicyLibrary(root)).to.throw(PolicyFileError, 'policies/assignments/stg.json: properties.parameters.environment: is "prod" but the assignment is for environment "stg"');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('public network access on data services', function () {
    const open: Array<[string, string, (r: ArmResource) => void]> = [
      ['PostgreSQL (properties.network.publicNetworkAccess)', 'Microsoft.DBforPostgreSQL/flexibleServers', (r) => { r.properties!['network'] = { publicNetworkAccess: 'Enabled' }; }],
      ['Key Vault', 'Microsoft.KeyVault/vaults', (r) => { delete r.properties!['publicNetworkAccess']; }],
      ['Event Hubs', 'Microsoft.EventHub/namespaces', (r) => { r.properties!['publicNetworkAccess'] = 'Enabled'; }],
      ['Managed Redis', 'Microsoft.Cache/redisEnterprise', (r) => { r.properties!['publicNetworkAccess'] = 'enabled'; }],
      ['storage open to all networks', 'Microsoft.Storage/storageAccounts', (r) => { r.properties!['networkAcls'] = { defaultAction: 'Allow' }; }],
    ];
    for (const [label, type, change] of open) {
      it(`${label} open to the public is denied in every environment`, function () {
        for (const environment of ['test', 'stg', 'prod']) {
          const resources = withChange(compliantDeployment(environment), type, change);
          const result = evaluatePolicies(resources, context(environment), { library });
          expect(result.results.map((r) => [r.resourceType, r.referenceId, r.effect]), environment).to.deep.equal([[type, 'deny-public-network-access-data', 'deny']]);
        }
      });
    }
  });

  describe('the committed golden snapshots (deployments/snapshots)', function () {
    const repoRoot = path.join(defaultPoliciesDir, '..');
    const deployments = readdirSync(path.join(repoRoot, 'deployments', 'snapshots')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));

    function load(name: string): { environment: string; location: string; resources: ArmResource[] } {
      const resources = (JSON.parse(readFileSync(path.join(repoRoot, 'deployments', 'snapshots', `${name}.json`), 'utf8')) as { resources: ArmResource[] }).resources;
      const environment = (parseYaml(readFileSync(path.join(repoRoot, 'deployments', `${name}.yaml`), 'utf8')) as { environment: string }).environment;
      const location = resources.find((r) => r.type === 'Microsoft.Resources/resourceGroups')!.location!;
      return { environment, location, resources };
    }

    it('covers all eight deployments', function () {
      expect(deployments).to.have.length(8);
    });

    it('every deployment complies with the assignment of its environment', function () {
      for (const name of deployments) {
        const { environment, location, resources } = load(name);
        const result = evaluatePolicies(resources, { environment, location, subscriptionId: sub }, { library });
        expect(result.results, name).to.deep.equal([]);
      }
    });

    it('every deployment complies with all three assignments at once (test, stg and prod in one subscription)', function () {
      const policies = library.assignments.flatMap((a) => a.policies);
      for (const name of deployments) {
        const { location, resources } = load(name);
        expect(resources.flatMap((r) => evaluate(r, policies, { subscriptionId: sub, location })), name).to.deep.equal([]);
      }
    });

    it('westeu-test-1 with a General Purpose PostgreSQL server is denied', function () {
      const { location, resources } = load('westeu-test-1');
      const changed = withChange(resources, 'Microsoft.DBforPostgreSQL/flexibleServers', (r) => {
        r.sku = { name: 'Standard_D2s_v3', tier: 'GeneralPurpose' };
      });
      const result = evaluatePolicies(changed, { environment: 'test', location, subscriptionId: sub }, { library });
      expect(result.denied).to.equal(1);
      expect(result.results[0]).to.deep.include({ referenceId: 'deny-premium-skus', name: 'psql-cf-westeu-test-1', effect: 'deny' });
    });
  });

  it('evaluate() takes one resource and resolved policies (the ARM emulator path)', function () {
    const policies = library.assignments.find((a) => a.environment === 'test')!.policies;
    const vault = resourceOf('Microsoft.KeyVault/vaults', 'kv-x', { tags: { env: 'test' }, properties: { sku: { name: 'premium' }, publicNetworkAccess: 'Disabled' } });
    const results = evaluate(vault, policies, { subscriptionId: sub });
    expect(results.map((r) => r.referenceId).sort()).to.deep.equal([
      'deny-premium-skus', 'require-tag-app-resources', 'require-tag-costCenter-resources', 'require-tag-owner-resources',
    ]);
  });

  it('evaluateArmAssignments() works on policy resources as ARM stores them, mapping initiative parameters (the emulator path)', function () {
    const stored = [
      ...library.definitions.map(({ definition }) => ({ id: definition.id.replace('{subscriptionId}', sub), name: definition.name, type: 'Microsoft.Authorization/policyDefinitions', body: { properties: definition.properties } })),
      ...library.initiatives.map(({ initiative }) => ({
        id: initiative.id.replace('{subscriptionId}', sub),
        name: initiative.name,
        type: 'Microsoft.Authorization/policySetDefinitions',
        body: { properties: JSON.parse(JSON.stringify(initiative.properties).replaceAll('{subscriptionId}', sub)) as unknown },
      })),
    ];
    const byId = new Map(stored.map((r) => [r.id.toLowerCase(), r]));
    const assignmentOf = (environment: string) => {
      const a = library.assignments.find((x) => x.environment === environment)!.assignment;
      const properties = JSON.parse(JSON.stringify(a.properties).replaceAll('{subscriptionId}', sub)) as Record<string, unknown>;
      return { id: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/${a.name}`, name: a.name, type: 'Microsoft.Authorization/policyAssignments', body: { properties } };
    };
    const vaultIn = (env: string) => ({ id: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-x`, type: 'Microsoft.KeyVault/vaults', name: 'kv-x', body: { location: 'westeurope', tags: { ...tags, env }, properties: { sku: { family: 'A', name: 'premium' }, publicNetworkAccess: 'Disabled' } } });
    const vault = vaultIn('stg');
    const lookup = (id: string) => byId.get(id.toLowerCase());

    const stg = evaluateArmAssignments(vault, [assignmentOf('stg')], lookup);
    expect(stg.denial?.definition.name).to.equal('cf-deny-premium-skus');
    expect(stg.denial?.assignment.name).to.equal('cf-baseline-stg');
    // The initiative passes the assignment's environment through: a prod-tagged vault is out of the stg assignment's reach.
    expect(evaluateArmAssignments(vaultIn('prod'), [assignmentOf('stg')], lookup)).to.deep.equal({ results: [] });
    // prod assigns premiumSkuEffect Disabled through the initiative: the definition's own default (Deny) must not apply.
    expect(evaluateArmAssignments(vaultIn('prod'), [assignmentOf('prod')], lookup)).to.deep.equal({ results: [] });
    const notScoped = assignmentOf('stg');
    (notScoped.body.properties as Record<string, unknown>)['notScopes'] = [rgId];
    expect(evaluateArmAssignments(vault, [notScoped], lookup).results).to.deep.equal([]);
  });

  it('an environment without an assignment is an error naming the ones that exist', function () {
    expect(() => evaluatePolicies([], context('dev'), { library })).to.throw(PolicyFileError, /no policy assignment for environment "dev"/);
  });

  describe('broken policy files', function () {
    let root: string;
    beforeEach(function () {
      root = mkdtempSync(path.join(tmpdir(), 'cf-policies-'));
      cpSync(defaultPoliciesDir, root, { recursive: true });
    });
    afterEach(function () {
      rmSync(root, { recursive: true, force: true });
    });

    function edit(file: string, change: (doc: Record<string, any>) => void): void {
      const full = path.join(root, file);
      const doc = JSON.parse(readFileSync(full, 'utf8')) as Record<string, any>;
      change(doc);
      writeFileSync(full, JSON.stringify(doc));
    }

    function loadError(): PolicyFileError {
      try {
        loadPolicyLibrary(root);
      } catch (error) {
        if (error instanceof PolicyFileError) return error;
        throw error;
      }
      throw new Error('expected loadPolicyLibrary to fail');
    }

    it('invalid JSON names the file, exit code 2', function () {
      writeFileSync(path.join(root, 'definitions/custom/cf-deny-premium-skus.json'), '{ "properties": ');
      const error = loadError();
      expect(error.message).to.match(/^policies\/definitions\/custom\/cf-deny-premium-skus\.json: not valid JSON/);
      expect(error.exitCode).to.equal(ExitCode.BadInput);
    });

    it('an unknown alias names the file, the JSON path and the aliases of the type', function () {
      edit('definitions/custom/cf-log-analytics-cap-retention.json', (d) => {
        d['properties'].policyRule.if.allOf[2].anyOf[0].field = 'Microsoft.OperationalInsights/workspaces/dailyCap';
      });
      const error = loadError();
      expect(error.message).to.equal('policies/definitions/custom/cf-log-analytics-cap-retention.json: properties.policyRule.if.allOf[2].anyOf[0].field: unknown alias "Microsoft.OperationalInsights/workspaces/dailyCap"');
      expect(error.hint).to.contain('Microsoft.OperationalInsights/workspaces/workspaceCapping.dailyQuotaGb');
      expect(error.exitCode).to.equal(ExitCode.BadInput);
    });

    it('an unknown operator names the file, the JSON path and the operators', function () {
      edit('definitions/builtin/AllowedLocations_Deny.json', (d) => {
        d['properties'].policyRule.if.allOf[0] = { field: 'location', notin: '[parameters(\'listOfAllowedLocations\')]', isNot: 'x' };
      });
      const error = loadError();
      expect(error.message).to.equal('policies/definitions/builtin/AllowedLocations_Deny.json: properties.policyRule.if.allOf[0]: unknown operator "isNot"');
      expect(error.hint).to.contain('notIn');
    });

    it('an assignment value outside allowedValues or for an undeclared parameter is refused', function () {
      edit('assignments/test.json', (d) => {
        d['properties'].parameters.premiumSkuEffect.value = 'Block';
      });
      expect(loadError().message).to.contain('policies/assignments/test.json: properties.parameters.premiumSkuEffect: parameter "premiumSkuEffect" of initiative "complianceflow-baseline" is "Block"');
      edit('assignments/test.json', (d) => {
        d['properties'].parameters.premiumSkuEffect.value = 'Deny';
        d['properties'].parameters.allowedSkus = { value: [] };
      });
      expect(loadError().message).to.contain('parameter "allowedSkus" is not declared');
    });

    it('an initiative that references a definition that does not exist is refused', function () {
      edit('initiatives/complianceflow-baseline.json', (d) => {
        d['properties'].policyDefinitions[9].policyDefinitionId = '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/policyDefinitions/cf-nope';
      });
      expect(loadError().message).to.contain('policies/initiatives/complianceflow-baseline.json: properties.policyDefinitions[9].policyDefinitionId: no policy definition');
    });
  });
});

// The deployment registry against real files: the committed registry loads, and each kind of bad
// input is refused with a message that names the file, the field, the value and what is allowed.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, UsageError } from '@complianceflow/core/errors.ts';
import { loadRegistry, resolveDeployment } from '@complianceflow/cli/config/registry.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { deploymentSchemaLine } from '@complianceflow/cli/config/schema-files.ts';

const roots: string[] = [];

/** A copy of the registry (deployments/ and the subnet plan) in a temporary root. */
function copyRegistry(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cf-registry-'));
  roots.push(root);
  cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
  cpSync(path.join(repoRoot, 'bicep', 'shared'), path.join(root, 'bicep', 'shared'), { recursive: true });
  return root;
}

function edit(root: string, file: string, change: (text: string) => string): void {
  const absolute = path.join(root, file);
  const before = readFileSync(absolute, 'utf8');
  const after = change(before);
  expect(after, `the edit of ${file} changed nothing`).to.not.equal(before);
  writeFileSync(absolute, after);
}

function write(root: string, file: string, text: string): void {
  writeFileSync(path.join(root, file), text);
}

/** The problems loadRegistry reports for a root (fails the test when it loads). */
function problemsOf(root: string): string[] {
  try {
    loadRegistry(root);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  expect.fail('loadRegistry accepted a broken registry');
}

/** Asserts that exactly one problem contains every fragment, and returns it. */
function expectProblem(problems: string[], ...fragments: string[]): string {
  const matching = problems.filter((problem) => fragments.every((fragment) => problem.includes(fragment)));
  expect(matching, `no problem contains ${JSON.stringify(fragments)} in:\n${problems.join('\n')}`).to.have.length.greaterThan(0);
  return matching[0]!;
}

/** A new deployment file, with the schema line every deployment file starts with. */
function deployment(name: string, regionCode: string, environment: string, instance: number, addressSpace: string, extra = ''): string {
  return `${deploymentSchemaLine}\nname: ${name}\nregionCode: ${regionCode}\nenvironment: ${environment}\ninstance: ${instance}\naddressSpace: ${addressSpace}\nmanagementSourceRanges: []\n${extra}`;
}

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('deployment registry', () => {
  describe('the committed registry', () => {
    it('loads the eight deployments of Story 2 with their address spaces', () => {
      const registry = loadRegistry();
      const spaces = Object.fromEntries(registry.deployments.map((d) => [d.name, d.addressSpace]));
      expect(spaces).to.deep.equal({
        'eastus-prod-1': '10.40.0.0/16',
        'eastus-stg-1': '10.21.0.0/16',
        'eastus-test-1': '10.11.0.0/16',
        'northeu-prod-1': '10.50.0.0/16',
        'westeu-prod-1': '10.30.0.0/16',
        'westeu-prod-2': '10.31.0.0/16',
        'westeu-stg-1': '10.20.0.0/16',
        'westeu-test-1': '10.10.0.0/16',
      });
    });

    it('resolves westeu-test-1: region, tags, names and subnets without apim', () => {
      const d = resolveDeployment(loadRegistry(), 'westeu-test-1');
      expect(d.location).to.equal('westeurope');
      expect(d.file).to.equal('deployments/westeu-test-1.yaml');
      expect(d.tags).to.deep.equal({ app: 'complianceflow', env: 'test', owner: 'platform-team', costCenter: 'CC-1001-ENG', deployment: 'westeu-test-1', region: 'westeurope' });
      expect(d.names.virtualNetwork).to.equal('vnet-cf-westeu-test-1');
      expect(d.subnets.map((s) => [s.tier, s.name, s.prefix])).to.deep.equal([
        ['containerapps', 'snet-cf-westeu-test-1-containerapps', '10.10.1.0/24'],
        ['db', 'snet-cf-westeu-test-1-db', '10.10.2.0/24'],
        ['redis', 'snet-cf-westeu-test-1-redis', '10.10.3.0/24'],
        ['storage', 'snet-cf-westeu-test-1-storage', '10.10.4.0/24'],
        ['mgmt', 'snet-cf-westeu-test-1-mgmt', '10.10.10.0/24'],
      ]);
      expect(d.settings.database.sku.tier).to.equal('Burstable');
      expect(d.settings.database.pgbouncer).to.equal(false);
    });

    it('gives prod deployments the apim subnet at .5', () => {
      const d = resolveDeployment(loadRegistry(), 'westeu-prod-1');
      expect(d.subnets.find((s) => s.tier === 'apim')).to.include({ name: 'snet-cf-westeu-prod-1-apim', nsgName: 'nsg-cf-westeu-prod-1-apim', prefix: '10.30.5.0/24' });
      expect(Object.keys(d.names.subnets)).to.deep.equal(['containerapps', 'db', 'redis', 'storage', 'apim', 'mgmt']);
    });
  });

  describe('management source ranges (SSH/RDP into the mgmt subnet): required per deployment', () => {
    const allowed = "allowed: a list of the administrators' public IPv4 CIDR blocks allowed to reach the mgmt subnet over SSH (22) and RDP (3389), e.g. [198.51.100.0/24], or [] to close SSH/RDP";

    it('a deployment file without managementSourceRanges is refused, naming the file, the field and what is allowed', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-prod-2.yaml', (text) => text.replace(/^managementSourceRanges: \[\]\n/m, ''));
      const problems = problemsOf(root);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.equal(`deployments/westeu-prod-2.yaml: managementSourceRanges: is missing; required: ${allowed.replace('allowed: ', '')}`);
    });

    it('a range that is not a CIDR block, and a range listed twice, are refused', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-prod-2.yaml', (text) => text.replace('managementSourceRanges: []', 'managementSourceRanges: [198.51.100.0/33, 198.51.100.0/24, 198.51.100.0/24]'));
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/westeu-prod-2.yaml: managementSourceRanges[0]: "198.51.100.0/33" is not allowed; allowed: an IPv4 CIDR block');
      expectProblem(problems, 'deployments/westeu-prod-2.yaml: managementSourceRanges[2]: "198.51.100.0/24" is listed twice');
    });

    it('an environment-wide default in a profile, or an override, is refused: the ranges belong to the deployment file', () => {
      const root = copyRegistry();
      edit(root, 'deployments/profiles/prod.yaml', (text) => text.replace('network:\n', 'network:\n  managementSourceRanges: [203.0.113.0/24]\n'));
      edit(root, 'deployments/westeu-prod-2.yaml', (text) => `${text}overrides:\n  network:\n    managementSourceRanges: [198.51.100.0/24]\n`);
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/profiles/prod.yaml: network.managementSourceRanges: unknown field; known fields of network: flowLogRetentionDays');
      expectProblem(problems, 'deployments/westeu-prod-2.yaml: overrides.network.managementSourceRanges: unknown field');
    });

    it('the deployment\'s ranges reach its settings; [] closes SSH/RDP', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-prod-2.yaml', (text) => text.replace('managementSourceRanges: []', 'managementSourceRanges: [198.51.100.0/24]'));
      const registry = loadRegistry(root);
      expect(resolveDeployment(registry, 'westeu-prod-2').settings.network).to.deep.equal({ flowLogRetentionDays: 90, managementSourceRanges: ['198.51.100.0/24'] });
      expect(resolveDeployment(registry, 'westeu-prod-1').settings.network.managementSourceRanges).to.deep.equal([]);
    });
  });

  describe('registry agent pool (ACR Tasks in the VNet for a private registry)', () => {
    it('prod asks for one, test and stg for none', () => {
      const registry = loadRegistry();
      expect(resolveDeployment(registry, 'westeu-prod-1').settings.registry).to.deep.equal({ sku: 'Premium', buildAgentPool: { tier: 'S1', count: 1 } });
      expect(resolveDeployment(registry, 'westeu-test-1').settings.registry.buildAgentPool).to.equal(null);
    });

    it('an agent pool on a non-Premium registry, an unknown tier and too many instances are refused', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-stg-1.yaml', (text) => `${text}overrides:\n  registry:\n    buildAgentPool:\n      tier: S1\n      count: 1\n`);
      edit(root, 'deployments/profiles/prod.yaml', (text) => text.replace('    tier: S1\n    count: 1', '    tier: S4\n    count: 9'));
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/westeu-stg-1.yaml: overrides.registry.buildAgentPool: an agent pool is not allowed with sku Standard; allowed: null, or sku Premium');
      expectProblem(problems, 'deployments/profiles/prod.yaml: registry.buildAgentPool.tier: "S4" is not allowed; allowed: one of S1, S2, S3');
      expectProblem(problems, 'deployments/profiles/prod.yaml: registry.buildAgentPool.count: 9 is out of range; allowed: instances from 1 to 4');
    });
  });

  describe('overrides', () => {
    it('deep-merges a deployment\'s overrides into its profile: mappings merge, lists replace', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-prod-2.yaml', (text) => `${text}overrides:\n  database:\n    storageSizeGb: 256\n  monitoring:\n    alertEmails: [prod2@complianceflow.example]\n`);
      const d = resolveDeployment(loadRegistry(root), 'westeu-prod-2');
      expect(d.settings.database.storageSizeGb).to.equal(256);
      expect(d.settings.database.backupRetentionDays).to.equal(30);
      expect(d.settings.monitoring.alertEmails).to.deep.equal(['prod2@complianceflow.example']);
      expect(d.settings.monitoring.logAnalytics.retentionDays).to.equal(90);
      expect(resolveDeployment(loadRegistry(root), 'westeu-prod-1').settings.database.storageSizeGb).to.equal(128);
    });
  });

  describe('bad input', () => {
    it('unknown deployment: UsageError naming the closest and the known deployments', () => {
      const registry = loadRegistry();
      expect(() => resolveDeployment(registry, 'westeu-tset-1')).to.throw(UsageError, /unknown deployment "westeu-tset-1"; did you mean "westeu-test-1"\? Known deployments: eastus-prod-1, .*westeu-test-1\./);
    });

    it('unknown deployment with a malformed name says what a name looks like', () => {
      expect(() => resolveDeployment(loadRegistry(), 'prod')).to.throw(UsageError, /unknown deployment "prod" \(deployment names are \{regionCode\}-\{environment\}-\{instance\}/);
    });

    /** One edit to one file of a copy of the registry, and the problems loading it must report. */
    const editCases: Array<{ title: string; file: string; change: (text: string) => string; problems: string[] }> = [
      {
        title: 'malformed name',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('name: westeu-test-1', 'name: westeu_test_1'),
        problems: ['deployments/westeu-test-1.yaml: name: "westeu_test_1" is not allowed; allowed: {regionCode}-{environment}-{instance}'],
      },
      {
        title: 'name that does not match region, environment and instance',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('instance: 1', 'instance: 2'),
        problems: ['deployments/westeu-test-1.yaml: name: "westeu-test-1" does not match its fields; allowed: "westeu-test-2"'],
      },
      {
        title: 'CIDR with host bits set',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('10.10.0.0/16', '10.10.7.0/16'),
        problems: ['addressSpace: "10.10.7.0/16" is not a network address: host bits are set (the /16 block is 10.10.0.0/16)'],
      },
      {
        title: 'address space that is not a /16',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('10.10.0.0/16', '10.10.0.0/24'),
        problems: ['deployments/westeu-test-1.yaml: addressSpace: "10.10.0.0/24" is a /24; every deployment gets exactly one /16 (e.g. 10.10.0.0/16)'],
      },
      {
        title: 'public address space',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('10.10.0.0/16', '100.10.0.0/16'),
        problems: ['deployments/westeu-test-1.yaml: addressSpace: "100.10.0.0/16" is not a private range; allowed: inside RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)'],
      },
      {
        title: 'two deployments with the same /16: names both',
        file: 'deployments/westeu-stg-1.yaml',
        change: (text) => text.replace('10.20.0.0/16', '10.10.0.0/16'),
        problems: ['addressSpace: westeu-stg-1 (10.10.0.0/16) is the same block as westeu-test-1 (10.10.0.0/16); address spaces must not overlap'],
      },
      {
        title: 'invalid YAML: file, line and column',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('instance: 1', 'instance: [1'),
        problems: ['deployments/westeu-test-1.yaml:7:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
      },
      {
        title: 'duplicate key in YAML',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => `${text}instance: 2\n`,
        problems: ['deployments/westeu-test-1.yaml:12:1: invalid YAML: Map keys must be unique'],
      },
      {
        title: 'unknown field: suggests the closest known field',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('addressSpace:', 'adressSpace:'),
        problems: [
          'deployments/westeu-test-1.yaml: adressSpace: unknown field (did you mean "addressSpace"?); known fields: name, regionCode',
          'deployments/westeu-test-1.yaml: addressSpace: is missing; required: a private IPv4 /16',
        ],
      },
      {
        title: 'unknown field inside overrides: suggests the profile field',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => `${text}overrides:\n  database:\n    pgbouncr: false\n`,
        problems: ['deployments/westeu-test-1.yaml: overrides.database.pgbouncr: unknown field (did you mean "pgbouncer"?)'],
      },
      {
        title: 'override with a value of the wrong type',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => `${text}overrides:\n  keyVault:\n    purgeProtection: "yes"\n`,
        problems: ['deployments/westeu-test-1.yaml: overrides.keyVault.purgeProtection: "yes" is a string; allowed: true or false'],
      },
      {
        title: 'instance that is not a positive integer',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => text.replace('instance: 1', 'instance: 0'),
        problems: ['deployments/westeu-test-1.yaml: instance: 0 is out of range; allowed: a positive integer'],
      },
      {
        title: 'bad email address',
        file: 'deployments/profiles/prod.yaml',
        change: (text) => text.replace('oncall@complianceflow.example', 'oncall-at-complianceflow'),
        problems: ['deployments/profiles/prod.yaml: monitoring.alertEmails[1]: "oncall-at-complianceflow" is not allowed; allowed: an email address'],
      },
      {
        title: 'Log Analytics retention out of range',
        file: 'deployments/profiles/test.yaml',
        change: (text) => text.replace('retentionDays: 90', 'retentionDays: 7'),
        problems: ['deployments/profiles/test.yaml: monitoring.logAnalytics.retentionDays: 7 is out of range; allowed: days from 30 to 730'],
      },
      {
        title: 'PostgreSQL backup retention out of range, in an override',
        file: 'deployments/westeu-prod-1.yaml',
        change: (text) => `${text}overrides:\n  database:\n    backupRetentionDays: 40\n`,
        problems: ['deployments/westeu-prod-1.yaml: overrides.database.backupRetentionDays: 40 is out of range; allowed: an integer from 7 to 35'],
      },
      {
        title: 'PgBouncer on the Burstable tier, from an override',
        file: 'deployments/westeu-test-1.yaml',
        change: (text) => `${text}overrides:\n  database:\n    pgbouncer: true\n`,
        problems: ['deployments/westeu-test-1.yaml: overrides.database.pgbouncer: true is not allowed on the Burstable tier (PgBouncer is not available there)'],
      },
      {
        title: 'PgBouncer on the Burstable tier, in a profile',
        file: 'deployments/profiles/test.yaml',
        change: (text) => text.replace('pgbouncer: false', 'pgbouncer: true'),
        problems: ['deployments/profiles/test.yaml: database.pgbouncer: true is not allowed on the Burstable tier'],
      },
      {
        title: 'compute size of another tier',
        file: 'deployments/profiles/test.yaml',
        change: (text) => text.replace('name: Standard_B1ms', 'name: Standard_D2s_v3'),
        problems: ['deployments/profiles/test.yaml: database.sku.name: "Standard_D2s_v3" does not belong to tier Burstable; allowed: Standard_B* sizes'],
      },
      {
        title: 'PostgreSQL version older than 16 and a storage size Azure does not sell',
        file: 'deployments/profiles/stg.yaml',
        change: (text) => text.replace('version: "16"', 'version: "15"').replace('storageSizeGb: 64', 'storageSizeGb: 100'),
        problems: [
          'deployments/profiles/stg.yaml: database.version: "15" is not allowed; allowed: one of 16, 17, 18',
          'deployments/profiles/stg.yaml: database.storageSizeGb: 100 is not allowed; allowed: one of 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767',
        ],
      },
      {
        title: 'a version written as a number and a size written as a string',
        file: 'deployments/profiles/prod.yaml',
        change: (text) => text.replace('version: "16"', 'version: 16').replace('storageSizeGb: 128', 'storageSizeGb: "128"'),
        problems: [
          'deployments/profiles/prod.yaml: database.version: 16 is a number; write it as a string ("16"); allowed: one of 16, 17, 18',
          'deployments/profiles/prod.yaml: database.storageSizeGb: "128" is a string; write it as a number (128); allowed: one of 32, 64, 128',
        ],
      },
      {
        title: 'bad event hub name',
        file: 'deployments/catalog.yaml',
        change: (text) => text.replace('name: user-events', 'name: -user-events'),
        problems: ['deployments/catalog.yaml: eventHubs[0].name: "-user-events" is not allowed; allowed: an event hub name of 1-256 characters: alphanumerics, periods, hyphens and underscores; start and end with letter or number'],
      },
      {
        title: 'too many partitions',
        file: 'deployments/catalog.yaml',
        change: (text) => text.replace('partitions: 4', 'partitions: 64'),
        problems: ['deployments/catalog.yaml: eventHubs[1].partitions: 64 is out of range; allowed: partitions from 1 to 32'],
      },
      {
        title: 'consumer that is not a known service',
        file: 'deployments/catalog.yaml',
        change: (text) => text.replace('consumers: [analytics]', 'consumers: [analytcs]'),
        problems: ['deployments/catalog.yaml: eventHubs[5].consumers[0]: "analytcs" is not a known service (did you mean "analytics"?)'],
      },
      {
        title: 'Event Hubs throughput above the Standard tier and auto-inflate maximum below it',
        file: 'deployments/profiles/prod.yaml',
        change: (text) => text.replace('throughputUnits: 2', 'throughputUnits: 12'),
        problems: ['deployments/profiles/prod.yaml: messaging.maxThroughputUnits: 10 is not allowed with autoInflate: true; allowed: from throughputUnits (12) to 40'],
      },
      {
        title: 'Event Hubs retention beyond 7 days on Standard',
        file: 'deployments/profiles/prod.yaml',
        change: (text) => text.replace('messageRetentionHours: 168', 'messageRetentionHours: 240'),
        problems: ['deployments/profiles/prod.yaml: messaging.messageRetentionHours: 240 is out of range for Standard; allowed: 1 to 168 hours'],
      },
      {
        title: 'Event Hubs Basic cannot give each consumer its consumer group',
        file: 'deployments/profiles/test.yaml',
        change: (text) => text.replace(/messaging:\n  sku: Standard/, 'messaging:\n  sku: Basic'),
        problems: ['deployments/profiles/test.yaml: messaging.sku: "Basic" allows 1 consumer group(s) per event hub including $Default, but event hub user-events'],
      },
      {
        title: 'flow log retention and daily cap out of range',
        file: 'deployments/profiles/prod.yaml',
        change: (text) => text.replace('flowLogRetentionDays: 90', 'flowLogRetentionDays: 400').replace('dailyCapGb: 50', 'dailyCapGb: 0'),
        problems: [
          'deployments/profiles/prod.yaml: network.flowLogRetentionDays: 400 is out of range; allowed: days from 0 (keep forever) to 365',
          'deployments/profiles/prod.yaml: monitoring.logAnalytics.dailyCapGb: 0 is out of range; allowed: a daily ingestion cap in whole GB (1 or more), or -1 for no cap',
        ],
      },
      {
        title: 'profile whose environment does not match its file name',
        file: 'deployments/profiles/stg.yaml',
        change: (text) => text.replace('environment: stg', 'environment: staging'),
        problems: ['deployments/profiles/stg.yaml: environment: "staging" does not match the file name; allowed: "stg"'],
      },
    ];
    for (const { title, file, change, problems } of editCases) {
      it(title, () => {
        const root = copyRegistry();
        edit(root, file, change);
        const found = problemsOf(root);
        for (const problem of problems) expectProblem(found, problem);
      });
    }

    it('a file in deployments/ whose name is not a deployment name', () => {
      const root = copyRegistry();
      write(root, 'deployments/westeu_test_3.yaml', deployment('westeu-test-3', 'westeu', 'test', 3, '10.12.0.0/16'));
      expect(problemsOf(root)).to.deep.equal([
        'deployments/westeu_test_3.yaml: the file name is not a deployment name (it contains "_" (U+005F) at position 7, which is not a lower-case ASCII letter, digit or hyphen); allowed: deployments/{regionCode}-{environment}-{instance}.yaml (e.g. westeu-test-1.yaml), or one of the shared files regions.yaml, catalog.yaml, bootstrap.yaml, what-if-rules.yaml',
      ]);
    });

    it('file name different from the name', () => {
      const root = copyRegistry();
      renameSync(path.join(root, 'deployments/westeu-test-1.yaml'), path.join(root, 'deployments/westeu-test-9.yaml'));
      expectProblem(problemsOf(root), 'deployments/westeu-test-9.yaml: name: "westeu-test-1" does not match the file name westeu-test-9.yaml; allowed: "westeu-test-9"');
    });

    it('unknown region code, with a suggestion', () => {
      const root = copyRegistry();
      write(root, 'deployments/westus-test-1.yaml', deployment('westus-test-1', 'westus', 'test', 1, '10.12.0.0/16'));
      expectProblem(problemsOf(root), 'deployments/westus-test-1.yaml: regionCode: "westus" is not a region in deployments/regions.yaml (did you mean "westeu"?); allowed: westeu, eastus, northeu');
    });

    it('unknown environment', () => {
      const root = copyRegistry();
      write(root, 'deployments/westeu-dev-1.yaml', deployment('westeu-dev-1', 'westeu', 'dev', 1, '10.12.0.0/16'));
      expectProblem(problemsOf(root), 'deployments/westeu-dev-1.yaml: environment: "dev" has no profile in deployments/profiles/', 'allowed: prod, stg, test');
    });

    it('malformed CIDR', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-test-1.yaml', (text) => text.replace('10.10.0.0/16', '10.10.0/16'));
      expectProblem(problemsOf(root), 'deployments/westeu-test-1.yaml: addressSpace: "10.10.0" is not an IPv4 address', 'allowed: a private IPv4 /16');
    });

    it('a /12 that covers other deployments\' /16s: a partial overlap, names both', () => {
      const root = copyRegistry();
      write(root, 'deployments/westeu-test-2.yaml', deployment('westeu-test-2', 'westeu', 'test', 2, '10.16.0.0/12'));
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/westeu-test-2.yaml: addressSpace: "10.16.0.0/12" is a /12');
      expectProblem(problems, 'deployments/westeu-test-2.yaml: addressSpace: westeu-prod-1 (10.30.0.0/16) lies inside westeu-test-2 (10.16.0.0/12); address spaces must not overlap');
      expectProblem(problems, 'deployments/westeu-test-2.yaml: addressSpace: westeu-stg-1 (10.20.0.0/16) lies inside westeu-test-2 (10.16.0.0/12)');
      expectProblem(problems, 'eastus-stg-1 (10.21.0.0/16) lies inside westeu-test-2 (10.16.0.0/12)');
      expect(problems.filter((problem) => problem.includes('westeu-test-1 ('))).to.deep.equal([]);
    });

    it('a derived name over its limit is refused with Azure\'s rule quoted', () => {
      const root = copyRegistry();
      edit(root, 'deployments/regions.yaml', (text) => `${text}australiae:\n  location: australiaeast\n  displayName: Australia East\n`);
      write(root, 'deployments/australiae-prod-1.yaml', deployment('australiae-prod-1', 'australiae', 'prod', 1, '10.60.0.0/16'));
      expectProblem(
        problemsOf(root),
        'deployments/australiae-prod-1.yaml: name: the derived name keyVault is refused: Microsoft.KeyVault/vaults name "kv-cf-australiaeprod1-',
        'is 27 characters long; allowed: 3-24',
        'Alphanumerics and hyphens. Start with a letter. End with letter or number. Can\'t contain consecutive hyphens.',
      );
    });

    it('unknown Managed Redis SKU, with a suggestion', () => {
      const root = copyRegistry();
      edit(root, 'deployments/profiles/stg.yaml', (text) => text.replace('sku: Balanced_B3', 'sku: Balanced_B4'));
      expectProblem(problemsOf(root), 'deployments/profiles/stg.yaml: redis.sku: "Balanced_B4" is not allowed; allowed: one of Balanced_B0, Balanced_B1', '(did you mean "Balanced_B0"?)');
    });

    it('a service without an Event Hubs protocol, a protocol for an unknown service, a protocol that is not kafka or amqp', () => {
      const root = copyRegistry();
      edit(root, 'deployments/catalog.yaml', (text) => text.replace('  review: kafka\n', '').replace('  case: kafka\n', '  case: kafka\n  reviw: kafka\n'));
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/catalog.yaml: protocols: service "review" has no protocol: add "review: kafka" or "review: amqp" (how it talks to Event Hubs)');
      expectProblem(problems, 'deployments/catalog.yaml: protocols.reviw: "reviw" is not a known service (did you mean "review"?)');
      const other = copyRegistry();
      edit(other, 'deployments/catalog.yaml', (text) => text.replace('  user: kafka\n', '  user: http\n'));
      expectProblem(problemsOf(other), 'deployments/catalog.yaml: protocols.user: "http" is not allowed; allowed: one of kafka, amqp');
    });

    it('Key Vault soft-delete retention, stack settings and budget out of range', () => {
      const root = copyRegistry();
      edit(root, 'deployments/profiles/stg.yaml', (text) =>
        text.replace('softDeleteRetentionDays: 90', 'softDeleteRetentionDays: 100').replace('resources: detach', 'resources: keep').replace('mode: denyDelete', 'mode: denyAll').replace('monthlyUsd: 600', 'monthlyUsd: 0'),
      );
      const problems = problemsOf(root);
      expectProblem(problems, 'deployments/profiles/stg.yaml: keyVault.softDeleteRetentionDays: 100 is out of range; allowed: an integer from 7 to 90');
      expectProblem(problems, 'deployments/profiles/stg.yaml: stack.actionOnUnmanage.resources: "keep" is not allowed; allowed: one of delete, detach');
      expectProblem(problems, 'deployments/profiles/stg.yaml: stack.denySettings.mode: "denyAll" is not allowed; allowed: one of none, denyDelete, denyWriteAndDelete');
      expectProblem(problems, 'deployments/profiles/stg.yaml: budget.monthlyUsd: 0 is not allowed; allowed: a positive amount in USD');
    });

    it('region without a location', () => {
      const root = copyRegistry();
      edit(root, 'deployments/regions.yaml', (text) => text.replace('  location: northeurope\n', ''));
      expect(problemsOf(root)).to.deep.equal([
        'deployments/regions.yaml: northeu.location: is missing; required: an Azure location name such as westeurope (lower-case letters and digits)',
      ]);
    });

    it('reports every problem at once, in one ConfigError', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-test-1.yaml', (text) => text.replace('10.10.0.0/16', '10.10.0.0/24'));
      edit(root, 'deployments/profiles/prod.yaml', (text) => text.replace('retentionDays: 90', 'retentionDays: 1000'));
      edit(root, 'deployments/catalog.yaml', (text) => text.replace('partitions: 2', 'partitions: 0'));
      try {
        loadRegistry(root);
        expect.fail('loadRegistry accepted a broken registry');
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        expect((error as ConfigError).problems, (error as ConfigError).problems.join('\n')).to.have.length(3);
        expect((error as ConfigError).message).to.match(/^3 problems in the deployment registry:\n {2}- /);
      }
    });

    it('writes nothing while validating', () => {
      const root = copyRegistry();
      edit(root, 'deployments/westeu-test-1.yaml', (text) => text.replace('10.10.0.0/16', '10.10.0.0/8'));
      const snapshot = () =>
        readdirSync(root, { recursive: true, encoding: 'utf8' })
          .sort()
          .map((file) => `${file}:${statSync(path.join(root, file)).mtimeMs}`);
      const before = snapshot();
      problemsOf(root);
      expect(snapshot()).to.deep.equal(before);
    });
  });
});

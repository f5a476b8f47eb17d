// The generated blocks of the docs (architecture tables from the registry, the cost table from the
// estimator): the committed documents are current, and the block machinery replaces exactly what it owns.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { loadRegistry } from '@complianceflow/cli/config/registry.ts';
import { architectureDoc, architectureRenderers } from '@complianceflow/docs-tools/blocks.ts';
import { generatedDocuments } from '@complianceflow/docs-tools/generate.ts';
import { renderBlocks } from '@complianceflow/docs-tools/markers.ts';
import { bicepOutputTemplate, splitBicepString } from '@complianceflow/docs-tools/connection-strings.ts';
import { templateSecrets } from '@complianceflow/docs-tools/secret-table.ts';
import { deploymentCostRows } from '@complianceflow/cli/cost/doc-table.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { postDeploySecretNames } from '@complianceflow/cli/secrets/names.ts';

const documents = await generatedDocuments();

/** Asserts that a rendered table contains every one of the rows (or row fragments). */
function expectRows(table: string, rows: string[]): void {
  for (const row of rows) expect(table).to.include(row);
}

describe('generated docs', () => {
  for (const { file, renderers } of documents) {
    it(`${file}: every generated block is current`, () => {
      const result = renderBlocks(readFileSync(path.join(repoRoot, file), 'utf8'), renderers);
      expect(result.missing, 'markers missing from the document').to.deep.equal([]);
      expect(result.unknown, 'markers without a renderer').to.deep.equal([]);
      expect(result.changed, `${file} is stale: run \`npm run docs:generate\` and commit the result`).to.deep.equal([]);
    });
  }

  it('the CIDR table lists every deployment with its /16 and the next free block per region', () => {
    const table = architectureRenderers(loadRegistry())['cidr-table']!();
    expect(table).to.include('| `westeu-prod-2` | westeu | West Europe (`westeurope`) | prod | `10.31.0.0/16` | `cf-westeu-prod-2` |');
    expect(table).to.include('| westeu | `10.32.0.0/16` |');
    expect(table.match(/^\| `[a-z]+-[a-z]+-\d+` \|/gm)).to.have.length(8);
  });

  it('the subnet plan table shows apim in prod only', () => {
    const table = architectureRenderers(loadRegistry())['subnet-plan']!();
    expect(table).to.include('| apim | `10.X.5.0/24` | `snet-cf-{d}-apim` | `nsg-cf-{d}-apim` | yes | no | no |');
    expect(table).to.include('| mgmt | `10.X.10.0/24` |');
  });

  it('the naming table shows the pattern, an example and the quoted rule', () => {
    const table = architectureRenderers(loadRegistry())['naming-table']!();
    expect(table).to.include('| `keyVault` | Microsoft.KeyVault/vaults | `kv-cf-{compact}-{suffix}` | `kv-cf-westeutest1-1v2yo` | 24 / 3-24 | global |');
    expect(table).to.include('| `databases.*` | Microsoft.DBforPostgreSQL/flexibleServers/databases | `complianceflow_{key}_{d_}` |');
  });

  describe('platform tables', () => {
    const registry = loadRegistry();
    const render = (name: string) => architectureRenderers(registry)[name]!();

    it('private endpoints: subnet, group id and DNS zone per service; the registry only in prod (Premium)', () => {
      const table = render('private-endpoints');
      expectRows(table, [
        '| `pe-cf-{d}-postgres` | Microsoft.DBforPostgreSQL/flexibleServers | `snet-cf-{d}-db` | `postgresqlServer` | `privatelink.postgres.database.azure.com` | yes | yes | yes |',
        '| `pe-cf-{d}-redis` | Microsoft.Cache/redisEnterprise | `snet-cf-{d}-redis` | `redisEnterprise` | `privatelink.redis.azure.net` | yes | yes | yes |',
        '| `pe-cf-{d}-keyvault` | Microsoft.KeyVault/vaults | `snet-cf-{d}-storage` | `vault` | `privatelink.vaultcore.azure.net` |',
        '| `pe-cf-{d}-registry` | Microsoft.ContainerRegistry/registries | `snet-cf-{d}-storage` | `registry` | `privatelink.azurecr.io` | yes | no | no |',
        '| prod (westeu-prod-1) | stg (westeu-stg-1) | test (westeu-test-1) |',
      ]);
    });

    it('secrets: template secrets from the Bicep modules (hubs collapsed), post-deploy ones from secrets/names.ts', () => {
      const table = render('secret-names');
      expect(templateSecrets().map((s) => s.name)).to.have.members([
        'applicationinsights-connection-string', 'redis-primary-key', 'eventhub-<hub>-send-connection-string', 'eventhub-<hub>-listen-connection-string',
      ]);
      expect(table).to.match(/^\| `eventhub-<hub>-send-connection-string` \| .* \| template: \[bicep\/modules\/messaging\]\(\.\.\/bicep\/modules\/messaging\/README\.md\) \| yes \| yes \| yes \|$/m);
      expect(table).to.match(/^\| `redis-primary-key` \| .* when `accessKeysAuthenticationEnabled` \| no \| no \| no \|$/m);
      for (const name of ['postgresql-admin-password', 'postgresql-<service>-password', 'jwt-signing-key', 'jwt-refresh-signing-key', 'azuread-client-secret']) {
        expect(table).to.match(new RegExp(`^\\| \`${name}\` \\| .* \\| post-deploy step`, 'm'));
      }
      expect(table).to.not.match(/eventhub-user-events-/);
    });

    it('post-deploy secret names: one password per catalogue service, no clash with a template secret', () => {
      const names = postDeploySecretNames(registry.catalog.services);
      expect(names).to.have.length(4 + registry.catalog.services.length);
      expect(names).to.include.members(['postgresql-admin-password', 'postgresql-user-password', 'postgresql-analytics-password', 'azuread-client-secret']);
      expect(new Set(names).size).to.equal(names.length);
      const templateNames = templateSecrets().flatMap((s) => registry.catalog.eventHubs.map((hub) => s.name.replace('<hub>', hub.name)));
      expect(names.filter((name) => templateNames.includes(name))).to.deep.equal([]);
    });

    it('a snapshot secret that no Bicep module declares fails the render, naming it', () => {
      const root = mkdtempSync(path.join(tmpdir(), 'cf-docs-'));
      try {
        cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
        cpSync(path.join(repoRoot, 'bicep', 'shared'), path.join(root, 'bicep', 'shared'), { recursive: true });
        const file = path.join(root, 'deployments', 'snapshots', 'westeu-test-1.json');
        const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { resources: Array<{ type: string; name: string }> };
        snapshot.resources.push({ type: 'Microsoft.KeyVault/vaults/secrets', name: 'kv-cf-westeutest1-1v2yo/stray-secret' });
        writeFileSync(file, JSON.stringify(snapshot));
        const renderers = architectureRenderers(loadRegistry(root));
        expect(() => renderers['secret-names']!()).to.throw(ConfigError, /westeu-test-1\.json: secret stray-secret is declared by no Key Vault secret resource/);
        expect(renderers['private-endpoints']!()).to.include('`pe-cf-{d}-postgres`');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('connection strings: the documented PostgreSQL template is the database output with its expression as a placeholder', () => {
      const bicep = readFileSync(path.join(repoRoot, 'bicep', 'modules', 'database', 'main.bicep'), 'utf8');
      const line = /^output connectionStringTemplate string = '(.*)'$/m.exec(bicep)![1]!;
      const literals = line.split(/\$\{[^}]*\}/);
      expect(literals).to.deep.equal(['postgresql://{user}:{password}@', ':5432/{database}?sslmode=verify-full&sslrootcert=system&connect_timeout=10']);
      const documented = readFileSync(path.join(repoRoot, architectureDoc), 'utf8');
      expect(documented).to.include(`| PostgreSQL | \`${literals.join('<fullyQualifiedDomainName>')}\` |`);
      expect(documented).to.include(`| PostgreSQL via PgBouncer | \`${literals.join('<fullyQualifiedDomainName>').replace(':5432/', ':6432/')}\` |`);
      expect(bicepOutputTemplate('redis', 'connectionStringTemplate')).to.equal('rediss://{user}:{password}@<hostName>:10000');
      expect(bicepOutputTemplate('messaging', 'kafkaBootstrapServer')).to.equal('<namespace>.servicebus.windows.net:9093');
      expect(() => bicepOutputTemplate('database', 'noSuchOutput')).to.throw(ConfigError, /database\/main\.bicep: no string output noSuchOutput/);
    });

    it('splits Bicep strings at interpolations, quotes inside an expression included', () => {
      expect(splitBicepString("a${split(x, '/')[2]}:9093' trailing")).to.deep.equal([{ literal: 'a' }, { expression: "split(x, '/')[2]" }, { literal: ':9093' }]);
      expect(splitBicepString("it\\'s ${y}'")).to.deep.equal([{ literal: "it's " }, { expression: 'y' }]);
    });

    it('SKUs per environment from the profiles, estimates from the cost rows of the reference deployments', () => {
      const table = render('sku-per-environment');
      expectRows(table, [
        '| Setting | prod | stg | test |',
        '| PostgreSQL SKU (tier) | `Standard_D4s_v3` (GeneralPurpose) | `Standard_D2s_v3` (GeneralPurpose) | `Standard_B1ms` (Burstable) |',
        '| PostgreSQL zone-redundant HA | yes | no | no |',
        '| Event Hubs auto-inflate (max TUs) | yes (10) | no | no |',
        '| Key Vault SKU / purge protection | standard / yes | standard / no | standard / no |',
      ]);
      const prod = deploymentCostRows().find((row) => row.name === 'westeu-prod-1')!;
      expect(table).to.include(`**${prod.estimate.monthlyTotal.toFixed(2)}** (westeu-prod-1)`);
    });

    it('a changed profile value changes only the SKU table', () => {
      const root = mkdtempSync(path.join(tmpdir(), 'cf-docs-'));
      try {
        cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
        cpSync(path.join(repoRoot, 'bicep', 'shared'), path.join(root, 'bicep', 'shared'), { recursive: true });
        const file = path.join(root, 'deployments', 'profiles', 'test.yaml');
        writeFileSync(file, readFileSync(file, 'utf8').replace('backupRetentionDays: 7', 'backupRetentionDays: 9'));
        const result = renderBlocks(readFileSync(path.join(repoRoot, architectureDoc), 'utf8'), architectureRenderers(loadRegistry(root)));
        expect(result.changed).to.deep.equal(['sku-per-environment']);
        expect(result.text).to.include('| PostgreSQL backup days / geo-redundant | 30 / yes | 14 / no | 9 / no |');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('blocks', () => {
    const renderers = { one: () => 'fresh\n', two: () => 'two' };

    it('rewrites only the text between the markers and reports what changed', () => {
      const text = 'intro\n<!-- generated:one -->\nold\n<!-- /generated:one -->\nmiddle\n<!-- generated:two -->\ntwo\n<!-- /generated:two -->\nend\n';
      const result = renderBlocks(text, renderers);
      expect(result.text).to.equal('intro\n<!-- generated:one -->\nfresh\n<!-- /generated:one -->\nmiddle\n<!-- generated:two -->\ntwo\n<!-- /generated:two -->\nend\n');
      expect(result.changed).to.deep.equal(['one']);
      expect(renderBlocks(result.text, renderers).changed).to.deep.equal([]);
    });

    it('reports missing markers and markers without a renderer', () => {
      const result = renderBlocks('<!-- generated:three -->\nx\n<!-- /generated:three -->\n', renderers);
      expect(result.missing).to.deep.equal(['one', 'two']);
      expect(result.unknown).to.deep.equal(['three']);
    });
  });

  it('renders from the registry it is given: a changed address space changes the table', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cf-docs-'));
    try {
      cpSync(path.join(repoRoot, 'deployments'), path.join(root, 'deployments'), { recursive: true });
      cpSync(path.join(repoRoot, 'bicep', 'shared'), path.join(root, 'bicep', 'shared'), { recursive: true });
      const file = path.join(root, 'deployments', 'northeu-prod-1.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('10.50.0.0/16', '10.55.0.0/16'));
      const text = readFileSync(path.join(repoRoot, architectureDoc), 'utf8');
      const result = renderBlocks(text, architectureRenderers(loadRegistry(root)));
      expect(result.changed).to.deep.equal(['cidr-table']);
      expect(result.text).to.include('`10.55.0.0/16`');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

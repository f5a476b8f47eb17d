// The generated blocks added for Story 11: README's command and exit-code tables, the ports table, the
// network topology diagram and the cost by service table — each from its source, each can go stale.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { scratchCheckout } from '../../support/scratch-checkout.ts';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { cliCommands, cliScripts, commandInfo, commandTable } from '@complianceflow/docs-tools/command-table.ts';
import { costByServiceTable } from '@complianceflow/docs-tools/cost-by-service.ts';
import { exitCodeTable } from '@complianceflow/docs-tools/exit-code-table.ts';
import { generatedDocuments } from '@complianceflow/docs-tools/generate.ts';
import { renderBlocks } from '@complianceflow/docs-tools/markers.ts';
import { parseMermaid } from '@complianceflow/docs-tools/mermaid.ts';
import { networkDiagram } from '@complianceflow/docs-tools/network-diagram.ts';
import { portTable } from '@complianceflow/docs-tools/port-table.ts';
import { lintCleanMarkdown } from '@complianceflow/docs-tools/prose.ts';
import { referenceDeployments, snapshotOf } from '@complianceflow/docs-tools/references.ts';
import { deploymentCostRows } from '@complianceflow/cli/cost/doc-table.ts';

const registry = loadRegistry();
const deployments = resolveAll(registry);
const references = referenceDeployments(registry, deployments);
const prod = references.find((r) => r.environment === 'prod')!.deployment;

/** A copy of what the renderers read, to change one source and see one block go stale. */
function scratchRepo(): string {
  return scratchCheckout('cf-docs-', ['deployments', 'bicep/shared', 'bicep/modules', 'local']);
}

describe('docs: generated tables from the code', function () {
  this.timeout(60_000);

  it('README commands: one row per entry of the CLI command table, with its --help synopsis, summary and npm scripts', async () => {
    const commands = cliCommands();
    expect(commands.map((c) => c.name)).to.include.members(['plan', 'deploy', 'what-if', 'local', 'validate']);
    const info = await commandInfo();
    const deploy = cliCommands().find((c) => c.name === 'deploy')!.summary;
    const table = commandTable(info, cliScripts());
    expect(table).to.include(`| \`cf-infra deploy <deployment> [--emulator [--as <identity>] \\| --subscription <id>] [options]\` | \`npm run deploy\` | ${deploy} |`);
    expect(table).to.include('| `cf-infra plan <deployment>... \\| --all [options]` | `npm run plan` |');
    expect(table).to.match(/^\| `cf-infra local <up\\\|down\\\|status\\\|reset\\\|logs\\\|lockstore> \[options\]` \| `npm run local:up` \/ `npm run local:down` \/ /m);
    expect(table.split('\n')).to.have.length(commands.length + 2);
    for (const { name } of commands) {
      expect(info.get(name)?.summary, name).to.be.a('string').and.not.equal('');
      expect(info.get(name)?.usage, name).to.match(new RegExp(`^cf-infra ${name}\\b`));
    }
  });

  it('README commands: a new command in the command table makes the README block stale', async () => {
    const info = await commandInfo();
    const table = commandTable(new Map([...info, ['new-thing', { summary: 'Something new', usage: 'cf-infra new-thing [--json]' }]]), cliScripts());
    expect(table).to.match(/^\| `cf-infra new-thing \[--json\]` \| — \| Something new \|$/m);
    const readme = renderBlocks(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), { 'readme-commands': () => table, 'exit-codes': exitCodeTable });
    expect(readme.changed).to.deep.equal(['readme-commands']);
  });

  it('exit codes: every code of exit-codes.ts in order, with its name', () => {
    const rows = exitCodeTable().split('\n').slice(2);
    expect(rows.map((row) => Number(row.split(' | ')[0]!.slice(2)))).to.deep.equal(Object.values(ExitCode).sort());
    expect(rows[3]).to.equal('| 3 | The deployment is locked by another run (the message names the holder) | `ExitCode.Locked` |');
  });

  it('ports: local ports from local/.env.example, emulator defaults, Azure ports admitted by the NSGs', () => {
    const table = portTable(repoRoot, { name: prod.name, resources: snapshotOf(repoRoot, prod.name) });
    expect(table).to.include('| local (127.0.0.1) | postgres | 5432 | `POSTGRES_PORT` in `local/.env`');
    expect(table).to.include('| local (127.0.0.1) | redis | 6379 |');
    expect(table).to.include('| local (127.0.0.1) | ARM emulator (HTTPS) | 8443 | `ARM_EMULATOR_PORT`');
    expect(table).to.include('| local (127.0.0.1) | Azurite blob service (the deployment lock store) | 10000 | `AZURITE_BLOB_PORT`');
    expect(table).to.match(/\| PostgreSQL Flexible Server \| 5432 \| .*admitted by `nsg-cf-\{d\}-db` AllowPostgresFromContainerApps \|/);
    expect(table).to.match(/\| PostgreSQL via PgBouncer .* \| 6432 \|/);
    expect(table).to.match(/\| Azure Managed Redis \(TLS\) \| 10000 \| .*`nsg-cf-\{d\}-redis`/);
    expect(table).to.match(/\| Event Hubs, Kafka endpoint \| 9093 \| .*`nsg-cf-\{d\}-storage`/);
  });

  it('ports: a changed .env.example default changes the table; a port no NSG admits is an error', () => {
    const root = scratchRepo();
    try {
      const env = path.join(root, 'local/.env.example');
      writeFileSync(env, readFileSync(env, 'utf8').replace('REDIS_PORT=6379', 'REDIS_PORT=6380'));
      const resources = snapshotOf(root, prod.name);
      expect(portTable(root, { name: prod.name, resources })).to.include('| local (127.0.0.1) | redis | 6380 |');
      const redis = path.join(root, 'bicep/modules/redis/main.bicep');
      writeFileSync(redis, readFileSync(redis, 'utf8').replace(/^var port = 10000$/m, 'var port = 6380'));
      expect(() => portTable(root, { name: prod.name, resources })).to.throw(ConfigError, /no NSG rule admits port 6380 \(Azure Managed Redis/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('network topology: the prod /16, every subnet with its CIDR, NSG and private endpoints; the diagram parses', async () => {
    const diagram = networkDiagram(registry, prod, snapshotOf(repoRoot, prod.name));
    expect(diagram).to.match(/^```mermaid\nflowchart TB\n/);
    expect(diagram).to.include(`subgraph vnet["vnet-cf-${prod.name} · ${prod.addressSpace}"]`);
    const octet = prod.addressSpace.split('.')[1];
    for (const subnet of registry.subnetPlan.subnets) {
      expect(diagram).to.include(`subgraph ${subnet.tier}["snet-cf-${prod.name}-${subnet.tier} · 10.${octet}.${subnet.thirdOctet}.0/24"]`);
      expect(diagram).to.include(`${subnet.tier}_nsg[/"NSG nsg-cf-${prod.name}-${subnet.tier}"/]`);
    }
    expect(diagram).to.include(`db_pe0["pe-cf-${prod.name}-postgres → PostgreSQL"]`);
    expect(diagram).to.include('containerapps -- "Tcp 5432, 6432" --> db');
    expect(diagram).to.include('The `apim` subnet exists only in prod.');
    const source = /```mermaid\n([\s\S]*?)```/.exec(diagram)![1]!;
    const [outcome] = await parseMermaid([source]);
    expect(outcome, outcome?.message).to.include({ ok: true, diagramType: 'flowchart-v2' });
  });

  it('network topology: a snapshot subnet that disagrees with the subnet plan is an error naming both', () => {
    const resources = structuredClone(snapshotOf(repoRoot, prod.name));
    const vnet = resources.find((r) => r.type === 'Microsoft.Network/virtualNetworks')! as unknown as { properties: { subnets: Array<{ name: string; properties: { addressPrefix: string } }> } };
    vnet.properties.subnets.find((s) => s.name.endsWith('-redis'))!.properties.addressPrefix = '10.30.33.0/24';
    expect(() => networkDiagram(registry, prod, resources as never)).to.throw(ConfigError, /subnet redis is 10\.30\.33\.0\/24, the subnet plan gives 10\.30\.3\.0\/24/);
  });

  it('cost by service: per reference deployment, services add up to the estimator\'s total', () => {
    const table = costByServiceTable(references, repoRoot);
    const rows = deploymentCostRows();
    const lines = table.split('\n');
    expect(lines[0]).to.equal(`| Service (USD/month) | ${references.map((r) => `${r.environment} (${r.deployment.name})`).join(' | ')} |`);
    const serviceRows = lines.slice(2).filter((l) => l.startsWith('| ') && !l.startsWith('| **Total**') && !l.startsWith('| Budget'));
    expect(serviceRows.map((l) => l.split(' | ')[0]!.slice(2))).to.include.members(['PostgreSQL Flexible Server', 'Azure Managed Redis', 'Event Hubs', 'Log Analytics', 'Key Vault']);
    references.forEach((reference, column) => {
      const sum = serviceRows.reduce((total, l) => total + Number(l.slice(1, -1).split('|')[column + 1]!.trim()), 0);
      const estimate = rows.find((r) => r.name === reference.deployment.name)!.estimate.monthlyTotal;
      expect(sum).to.be.closeTo(estimate, 0.05);
      expect(table).to.include(`**${estimate.toFixed(2)}**`);
    });
  });

  it('generated blocks come out lint-clean: prose wrapped at 120, compact delimiter rows, placeholders in code', () => {
    const text = lintCleanMarkdown(`|a|b|\n|---|---:|\n| 1 | 2 |\n\n${'word '.repeat(40).trim()} <name>.x and \`<kept>\`\n\n\`\`\`\n${'x '.repeat(80)}\n\`\`\``);
    const lines = text.split('\n');
    expect(lines[1]).to.equal('| --- | ---: |');
    expect(lines.filter((l) => !l.startsWith('x ')).every((l) => l.length <= 120)).to.equal(true);
    expect(text).to.include('`<name>.x`').and.include('`<kept>`').and.not.include('``<kept>``');
    expect(lines.some((l) => l.length > 120 && l.startsWith('x '))).to.equal(true);
  });

  it('every generated document names blocks that exist (README included)', async () => {
    const files = (await generatedDocuments()).map((d) => d.file);
    expect(files).to.include.members(['README.md', 'docs/Infrastructure_Architecture.md', 'docs/infrastructure/Cost_Optimization.md', 'docs/infrastructure/Architecture.md']);
  });
});

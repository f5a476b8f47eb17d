// The generated blocks of the docs (architecture tables from the registry, the cost table from the
// estimator): the committed documents are current, and the block machinery replaces exactly what it owns.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../src/config/paths.ts';
import { loadRegistry } from '../src/config/registry.ts';
import { architectureDoc, architectureRenderers } from '../src/docs/blocks.ts';
import { generatedDocuments } from '../src/docs/generate.ts';
import { renderBlocks } from '../src/docs/markers.ts';

describe('generated docs', () => {
  for (const { file, renderers } of generatedDocuments()) {
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

  it('`docs:generate --check` passes on the committed document and writes nothing', () => {
    const before = readFileSync(path.join(repoRoot, architectureDoc), 'utf8');
    const run = spawnSync(process.execPath, ['orchestrator/src/docs/generate.ts', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`${architectureDoc}: up to date`);
    expect(readFileSync(path.join(repoRoot, architectureDoc), 'utf8')).to.equal(before);
  });
});

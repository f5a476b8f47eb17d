// The tests of every tier module under bicep/modules/, read with the real Bicep CLI:
// - AVM-style test templates (tests/e2e/<case>/main.test.bicep) compile and pass the project's
//   linter with zero warnings;
// - module snapshots (tests/<profile>.bicepparam and the <profile>.snapshot.json `bicep snapshot`
//   wrote next to it) still say what the module predicts today: a stale one fails, naming the command
//   that rewrites it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

const modulesDir = path.join(repoRoot, 'bicep/modules');
const modules = readdirSync(modulesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
/** The metadata the module snapshots were written with (the modules' READMEs show the command). */
const snapshotMetadata = { tenantId: '11111111-1111-1111-1111-111111111111', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg-cf', location: 'westeurope' };

/** The files under bicep/modules/<module>/tests ending with `suffix`, relative to the repository. */
function testFiles(module: string, suffix: string): string[] {
  const dir = path.join(modulesDir, module, 'tests');
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix));
  return entries.map((f) => path.relative(repoRoot, path.join(dir, f))).sort();
}

const rewriteCommand = (file: string): string =>
  `.tools/bicep/bicep snapshot ${file} --subscription-id ${snapshotMetadata.subscriptionId} --resource-group ${snapshotMetadata.resourceGroup} --location ${snapshotMetadata.location} --tenant-id ${snapshotMetadata.tenantId} --mode overwrite`;

describe('tier module tests (bicep/modules/*/tests, real Bicep CLI)', function () {
  this.timeout(240_000);
  let bicep: Bicep;

  before(async () => {
    bicep = await openBicep({ onWarning: () => {} });
  });
  after(async () => bicep?.dispose());

  it('every module has tests: an AVM-style test template or module snapshots', () => {
    expect(modules).to.include.members(['monitoring', 'networking', 'security', 'database', 'redis', 'messaging', 'containerapps']);
    const untested = modules.filter((m) => testFiles(m, '.test.bicep').length === 0 && testFiles(m, '.bicepparam').length === 0);
    expect(untested).to.deep.equal([]);
  });

  for (const module of modules) {
    describe(module, () => {
      for (const file of testFiles(module, '.test.bicep')) {
        it(`${file} compiles with zero warnings`, async () => {
          const compiled = await bicep.compile(path.join(repoRoot, file), { strict: true });
          expect(compiled.template).to.have.property('resources');
        });
      }

      for (const file of testFiles(module, '.bicepparam')) {
        it(`${file}: the module predicts what its snapshot says`, async () => {
          const stored = JSON.parse(readFileSync(path.join(repoRoot, file.replace(/\.bicepparam$/, '.snapshot.json')), 'utf8')) as unknown;
          const now = await bicep.snapshot(path.join(repoRoot, file), snapshotMetadata);
          expect(now, `stale snapshot; rewrite it with: ${rewriteCommand(file)}`).to.deep.equal(stored);
        });
      }

      it('has no snapshot without its parameters file', () => {
        const params = new Set(testFiles(module, '.bicepparam'));
        expect(testFiles(module, '.snapshot.json').filter((s) => !params.has(s.replace(/\.snapshot\.json$/, '.bicepparam')))).to.deep.equal([]);
      });
    });
  }
});

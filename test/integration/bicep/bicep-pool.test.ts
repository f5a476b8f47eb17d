import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandTemplate, openBicep, type Bicep, type BicepSession } from '@complianceflow/core/bicep/index.ts';
import { projectBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { bicepPool } from '@complianceflow/core/bicep/pool.ts';
import { warmUpTemplate } from '@complianceflow/core/bicep/warm-up.ts';

const zero = '00000000-0000-0000-0000-000000000000';

describe('two Bicep processes as one session (core/bicep/pool.ts, real Bicep CLI)', () => {
  let dir: string;
  let a: Bicep;
  let b: Bicep;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-pool-'));
    writeFileSync(path.join(dir, 'rg.bicep'), `targetScope = 'subscription'\nparam name string\nresource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {\n  name: name\n  location: 'westeurope'\n}\n`);
    for (const n of [1, 2, 3, 4]) writeFileSync(path.join(dir, `rg${n}.bicepparam`), `using './rg.bicep'\nparam name = 'rg-${n}'\n`);
    const locate = { env: { BICEP_PATH: projectBicepPath } };
    [a, b] = await Promise.all([openBicep({ locate }), openBicep({ locate })]);
  });
  after(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The real session, counting the requests it is sent. */
  function counted(session: Bicep, counts: Record<string, number>): BicepSession {
    const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
    return {
      bicepPath: session.bicepPath,
      compile: (f, o) => (count('compile'), session.compile(f, o)),
      compileParams: (f, o) => (count('compileParams'), session.compileParams(f, o)),
      snapshot: (f, m) => (count('snapshot'), session.snapshot(f, m)),
      format: (f) => (count('format'), session.format(f)),
      dispose: async () => {},
    };
  }

  it('compiles on the first process, spreads snapshots sent at once over both, each answer the one of its own request', async () => {
    const first: Record<string, number> = {};
    const second: Record<string, number> = {};
    const pool = bicepPool([counted(a, first), counted(b, second)]);
    try {
      expect((await pool.compile(path.join(dir, 'rg.bicep'))).template).to.have.property('resources');
      const metadata = { tenantId: zero, subscriptionId: zero, location: 'westeurope', deploymentName: 'pool' };
      const snapshots = await Promise.all([1, 2, 3, 4].map((n) => pool.snapshot(path.join(dir, `rg${n}.bicepparam`), metadata)));
      expect(snapshots.map((s) => s.predictedResources.map((r) => r['name']))).to.deep.equal([['rg-1'], ['rg-2'], ['rg-3'], ['rg-4']]);
      expect(first).to.deep.equal({ compile: 1, snapshot: 2 });
      // The second process also took the warm-up snapshot.
      expect(second).to.deep.equal({ snapshot: 3 });
    } finally {
      await pool.dispose();
    }
  });

  it('the warm-up template expands without a diagnostic (otherwise the warm-up would warm nothing)', async () => {
    const snapshot = await expandTemplate(a, { template: warmUpTemplate, parameters: { name: 'cf-warm-up', env: 'prod' }, metadata: { tenantId: zero, subscriptionId: zero, location: 'westeurope', deploymentName: 'cf-warm-up' } });
    expect(snapshot.diagnostics).to.deep.equal([]);
    expect(snapshot.predictedResources.map((r) => r['type'])).to.include.members(['Microsoft.Resources/resourceGroups', 'Microsoft.Network/virtualNetworks', 'Microsoft.Authorization/locks']);
  });
});

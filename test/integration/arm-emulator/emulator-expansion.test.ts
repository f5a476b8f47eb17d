// The emulator's template expansion keeps its last results by input: a no-change deploy expands the
// same template and parameters three times (what-if, PUT, the what-if after it) and pays once.
import { expect } from 'chai';
import { openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { bicepExpander, TemplateError, type ExpandInput } from '@complianceflow/arm-emulator/expansion.ts';
import { tinyTemplate } from '../../support/arm-emulator/helpers.ts';

describe('ARM emulator: template expansion', function () {
  this.timeout(120_000);
  let snapshots = 0;
  const expander = bicepExpander(async () => {
    const bicep = await openBicep({ onWarning: () => {} });
    const snapshot = bicep.snapshot.bind(bicep);
    return Object.assign(bicep, { snapshot: (...args: Parameters<Bicep['snapshot']>) => (snapshots++, snapshot(...args)) });
  });
  after(() => expander.dispose());

  const input = (rgName: string, template = tinyTemplate()): ExpandInput => ({
    template,
    parameters: { rgName: { value: rgName }, location: { value: 'westeurope' } },
    metadata: { subscriptionId: '00000000-0000-0000-0000-000000000001', tenantId: '00000000-0000-0000-0000-000000000002', location: 'westeurope', deploymentName: 'cf-expansion' },
  });

  it('the same input is expanded once; each caller gets its own copy; another input is expanded anew', async () => {
    const first = await expander.expand(input('rg-expansion'));
    const count = snapshots;
    first.resources[0]!.declared.tags = { changed: 'by the caller' };
    const second = await expander.expand(input('rg-expansion'));
    expect(snapshots).to.equal(count);
    expect(second.resources[0]!.declared.tags).to.deep.equal({ env: 'test' });
    expect(second.resources.map((r) => r.id)).to.include('/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-expansion');
    await expander.expand(input('rg-other'));
    expect(snapshots).to.equal(count + 1);
  });

  it('a failed expansion is not kept: the same input is tried again', async () => {
    const broken = { ...tinyTemplate(), resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: "[parameters('missing')]", location: 'westeurope' }] };
    const before = snapshots;
    for (let i = 0; i < 2; i++) {
      const error = await expander.expand(input('rg-broken', broken)).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(TemplateError);
    }
    expect(snapshots).to.equal(before + 2);
  });
});

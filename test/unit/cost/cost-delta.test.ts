// The cost change of a pull request: delta and per cent, the budget's headroom or overrun, the line
// items that changed, and the line the comment prints.
import { expect } from 'chai';
import { changedLineItems, checkBudget, costChangeCell, costDelta, costLine, type CostLineItem } from '@complianceflow/cli/cost/index.ts';

const item = (name: string, monthly: number): CostLineItem => ({ resourceId: `/subscriptions/s/resourceGroups/rg/providers/T/x/${name}`, name, type: 'T/x', monthly });
const head = (items: CostLineItem[]) => ({ monthlyTotal: Math.round(items.reduce((sum, i) => sum + i.monthly, 0) * 100) / 100, byResource: items.map((i) => ({ ...i, tier: 't', region: 'westeurope', lines: [], notes: [] })) });

describe('cost: the change against a base', () => {
  const base = [item('psql', 120.5), item('redis', 35.36)];
  const now = [item('psql', 124.69), item('redis', 35.36)];

  it('prints base → head, the change in dollars and per cent, and the budget headroom', () => {
    const h = head(now);
    const delta = costDelta(h, checkBudget(h, 200), { source: 'origin/main', monthlyTotal: 155.86, byResource: base });
    expect(costLine(delta)).to.equal('Cost: $155.86 → $160.05 / month (+$4.19, +2.7 %); budget $200.00, $39.95 to spare');
    expect(costChangeCell(delta)).to.equal('+$4.19 (+2.7 %)');
  });

  it('says how far over budget, and prints decreases with a minus', () => {
    const h = head([item('psql', 100)]);
    const delta = costDelta(h, checkBudget(h, 80), { source: 'run r1', monthlyTotal: 155.86 });
    expect(costLine(delta)).to.equal('Cost: $155.86 → $100.00 / month (-$55.86, -35.8 %); budget $80.00, $20.00 over budget');
    expect(delta.changed, 'a base without line items has no line-item diff').to.equal(undefined);
  });

  it('without a base: the head figure and why there is no base; from a $0 base: no per cent', () => {
    const h = head(now);
    expect(costLine(costDelta(h, checkBudget(h, 200), { none: 'no successful run of westeu-test-1' }))).to.equal(
      'Cost: $160.05 / month (no base: no successful run of westeu-test-1); budget $200.00, $39.95 to spare',
    );
    expect(costLine(costDelta(h, checkBudget(h, 200), { source: 'x', monthlyTotal: 0 }))).to.match(/\$0\.00 → \$160\.05 \/ month \(\+\$160\.05\);/);
    expect(costLine(costDelta(h, checkBudget(h, 200), { source: 'x', monthlyTotal: 160.05 }))).to.include('(no change)');
  });

  it('lists added, removed and repriced line items, the largest change first; unchanged ones are left out', () => {
    const changes = changedLineItems([item('a', 10), item('b', 5), item('gone', 3)], [item('a', 10), item('b', 7.5), item('new', 40)]);
    expect(changes.map((c) => [c.name, c.before, c.after, c.diff])).to.deep.equal([
      ['new', undefined, 40, 40],
      ['gone', 3, undefined, -3],
      ['b', 5, 7.5, 2.5],
    ]);
  });
});

// The emulator's state file stays cheap as it ages: one write per request that changes something
// (however many changes the request makes), nothing written for reads, and a finished operation
// keeps what ARM answers for it, not the plan it carried out.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { call, fast, pollLocation, tinyStack, useTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

interface StoredState {
  operations: Record<string, { status: string; payload?: unknown; result?: unknown }>;
}

describe('ARM emulator: state saves', () => {
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));

  const stored = () => JSON.parse(readFileSync(path.join(emu.stateDir, 'state.json'), 'utf8')) as StoredState;

  it('a request that changes state writes the file once, before it answers; a read writes nothing', async () => {
    const before = emu.saves();
    const put = await call(emu, 'PUT', `/subscriptions/${emu.subscriptionId}/resourcegroups/rg-saves?api-version=2025-04-01`, { location: 'westeurope', tags: { a: '1' } });
    expect(put.status).to.be.oneOf([200, 201]);
    expect(emu.saves()).to.equal(before + 1);
    expect(readFileSync(path.join(emu.stateDir, 'state.json'), 'utf8')).to.include('rg-saves');
    await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups/rg-saves?api-version=2025-04-01`);
    await call(emu, 'GET', `/subscriptions/${emu.subscriptionId}/resourcegroups?api-version=2025-04-01`);
    expect(emu.saves()).to.equal(before + 1);
  });

  it('a stack of many resources costs a handful of writes, and its finished operation keeps no payload', async () => {
    const before = emu.saves();
    const storageNames = ['stsaves1', 'stsaves2', 'stsaves3', 'stsaves4', 'stsaves5', 'stsaves6'];
    const stack = await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-saves', tinyStack('rg-stack-saves', { storageNames }), fast);
    expect(stack.properties?.resources).to.have.length(storageNames.length + 1);
    // The PUT, the finish and a few polls that find the operation done: never one write per resource.
    expect(emu.saves() - before).to.be.within(1, 4);
    const operations = Object.values(stored().operations);
    expect(operations.filter((op) => op.status === 'Succeeded')).to.not.be.empty;
    expect(operations.filter((op) => op.status !== 'InProgress' && op.payload !== undefined)).to.deep.equal([]);
  });

  it('a what-if result is answered once, then dropped: a second read is 404', async () => {
    const run = await call(emu, 'POST', `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deployments/cf-once/whatIf?api-version=2025-04-01`, {
      location: 'westeurope',
      properties: { mode: 'Incremental', ...tinyStack('rg-once').properties },
    });
    expect(run.status).to.equal(202);
    const first = await pollLocation(emu, run.headers.location as string);
    expect(first.status).to.equal(200);
    expect(first.body.properties.changes).to.not.be.empty;
    const again = await call(emu, 'GET', run.headers.location as string);
    expect([again.status, again.body.error.code]).to.deep.equal([404, 'OperationNotFound']);
    expect(again.body.error.message).to.include('already read');
  });

  it('50 deploys (a what-if and a stack PUT each): the state file stays flat, no result is kept after its read', async () => {
    const sizes: number[] = [];
    const file = path.join(emu.stateDir, 'state.json');
    for (let i = 1; i <= 50; i++) {
      const stack = tinyStack('rg-ageing', { storageNames: ['stage1', 'stage2', 'stage3'] });
      stack.properties.template.resources[0].tags = { round: String(i) };
      await emu.clients.deployments.deployments.beginWhatIfAtSubscriptionScopeAndWait('cf-ageing', { location: 'westeurope', properties: { mode: 'Incremental', template: stack.properties.template, parameters: stack.properties.parameters } }, fast);
      await emu.clients.stacks.deploymentStacks.beginCreateOrUpdateAtSubscriptionAndWait('cf-ageing', stack, fast);
      if (i === 10 || i === 50) sizes.push(readFileSync(file).length);
    }
    // A finished operation is a few hundred bytes of status; 40 more deploys stay within 40 KB.
    expect(sizes[1]! - sizes[0]!, `state.json after 10 deploys: ${sizes[0]} bytes, after 50: ${sizes[1]}`).to.be.below(40_000);
    expect(Object.values(stored().operations).filter((op) => op.result !== undefined)).to.deep.equal([]);
  });
});

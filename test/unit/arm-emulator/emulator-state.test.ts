// packages/arm-emulator/src/state.ts: a save serializes only the sections it names, and the file is
// still the whole state, scrubbed of every remembered secret; the check mode catches a save that
// named too few sections.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StateStore, type StoredResource } from '@complianceflow/arm-emulator/state.ts';
import { secureValuePlaceholder } from '@complianceflow/arm-emulator/secure.ts';

const resource = (name: string, extra: Record<string, unknown> = {}): StoredResource => ({
  id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
  type: 'Microsoft.Storage/storageAccounts',
  name,
  apiVersion: '2024-01-01',
  declared: { location: 'westeurope', ...extra },
  body: { name, ...extra },
});

describe('ARM emulator state: saves by section', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cf-state-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What a store written in full (every section serialized) holds for the same data. */
  function writtenWhole(store: StateStore): string {
    const whole = new StateStore(path.join(dir, 'whole'));
    whole.data = structuredClone(store.data);
    for (const secret of store.secrets) whole.secrets.add(secret);
    whole.save();
    whole.flush();
    return readFileSync(whole.file, 'utf8');
  }

  it('writes what a whole save writes, though it serializes only the sections named', () => {
    const store = new StateStore(dir);
    store.data.resources['a'] = resource('a');
    store.save();
    store.flush();
    store.data.operations['op'] = { id: 'op', kind: 'stackWhatIf', target: 't', startedAt: 1, readyAt: 1, status: 'Succeeded' };
    store.save('operations');
    store.flush();
    const text = readFileSync(store.file, 'utf8');
    expect(JSON.parse(text).operations).to.have.property('op');
    expect(text).to.equal(writtenWhole(store));
    expect(Object.keys(JSON.parse(text)).at(-1)).to.equal('keyVaultSecrets');
    // Read back, the state is the same.
    expect(new StateStore(dir).data).to.deep.equal(store.data);
  });

  it('scrubs every section again once a new secret is remembered, named in the save or not', () => {
    const store = new StateStore(dir);
    store.data.resources['a'] = resource('a', { connection: 'Password=hunter2-secret;' });
    store.save();
    store.flush();
    expect(readFileSync(store.file, 'utf8')).to.include('hunter2-secret');
    store.rememberSecrets(['hunter2-secret']);
    store.save('operations');
    store.flush();
    const text = readFileSync(store.file, 'utf8');
    expect(text).not.to.include('hunter2-secret');
    expect(JSON.parse(text).resources.a.declared.connection).to.equal(`Password=${secureValuePlaceholder};`);
  });

  it('with checkSaves, a save that did not name a section it changed fails, naming the section, and writes nothing', () => {
    const store = new StateStore(dir, { checkSaves: true });
    store.data.resources['a'] = resource('a');
    store.save();
    store.flush();
    const before = readFileSync(store.file, 'utf8');
    store.data.resources['b'] = resource('b');
    store.save('operations');
    expect(() => store.flush()).to.throw("state section 'resources' changed, but no save() named it");
    expect(readFileSync(store.file, 'utf8')).to.equal(before);
  });

  it('without checkSaves, a section no save named keeps its last written JSON (why the check exists)', () => {
    const store = new StateStore(dir);
    store.save();
    store.flush();
    store.data.resources['b'] = resource('b');
    store.save('operations');
    store.flush();
    expect(JSON.parse(readFileSync(store.file, 'utf8')).resources).to.deep.equal({});
  });
});

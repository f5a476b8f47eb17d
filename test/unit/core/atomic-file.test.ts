// core/atomic-file.ts: a file is replaced whole, with the mode asked for, and a failed write leaves
// what was there and no temp file behind.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomically } from '@complianceflow/core/atomic-file.ts';

describe('writeFileAtomically', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'cf-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file whole, with the mode asked for, and leaves no temp file', () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, 'old');
    writeFileAtomically(file, 'new', { fsync: true, mode: 0o600 });
    expect(readFileSync(file, 'utf8')).to.equal('new');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir)).to.deep.equal(['state.json']);
  });

  it('a rename that fails (a non-empty directory in the way) throws, keeps what was there and removes its temp file', () => {
    const target = path.join(dir, 'state.json');
    mkdirSync(target);
    writeFileSync(path.join(target, 'inside'), 'kept');
    expect(() => writeFileAtomically(target, 'new')).to.throw();
    expect(readdirSync(dir)).to.deep.equal(['state.json']);
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).to.equal('kept');
  });

  it('a missing directory throws and creates nothing', () => {
    expect(() => writeFileAtomically(path.join(dir, 'no-such-dir', 'state.json'), 'new')).to.throw(/ENOENT/);
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});

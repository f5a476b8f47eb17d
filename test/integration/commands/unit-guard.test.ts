// The unit suite's root hook (test/support/unit-guard.ts) fails a test that starts a process or
// listens on a port, also when the code under test catches the error; a test doing neither passes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { repoRoot } from '../../support/cli.ts';

interface MochaJson {
  passes: { title: string }[];
  failures: { title: string; err: { message: string } }[];
}

function runFixture(): Promise<MochaJson & { code: number | null }> {
  const mocha = path.join(repoRoot, 'node_modules/mocha/bin/mocha.js');
  const args = [mocha, '--no-config', '--extension', 'ts', '--require', 'test/support/unit-guard.ts', '--reporter', 'json', 'test/fixtures/unit-guard/violations.test.ts'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ ...(JSON.parse(out) as MochaJson), code }));
  });
}

describe('unit guard: no process, no port in test/unit', () => {
  it('fails each test that spawns, runs zx or listens, and passes the one that does neither', async () => {
    const report = await runFixture();
    const failed = report.failures.map((t) => t.title).sort();
    expect(failed).to.deep.equal(['listens on a port (http)', 'listens on a port (net)', 'runs a command through zx', 'spawns a process', 'starts a process and swallows the error']);
    expect(report.passes.map((t) => t.title)).to.include('stays in the process');
    expect(report.code).to.equal(5);
    for (const f of report.failures) expect(f.err.message).to.match(/unit tests must not (start a process|listen on a port)/);
  });
});

// The process layer (packages/core/src/process.ts) with real programs: arguments reach the program as
// they are, input, exit codes, and the one conversion of a failed run into the user's error.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '@complianceflow/core/errors.ts';
import { processError, run, runAttached, runNothrow, runSync, runSyncNothrow, signalProcess, startProcess } from '@complianceflow/core/process.ts';

/** Running (a zombie waiting for its reaper counts as gone). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('process layer (zx)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'cf-process-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every argument through unchanged (spaces, quotes, backslashes, $, empty) and returns stdout', async () => {
    const args = ['a b', "it's", '\\getenv x', '$HOME', '', '-c port=1 -c x=\'\''];
    const out = await run(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]);
    expect(JSON.parse(out)).to.deep.equal(args);
    expect(JSON.parse(runSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]))).to.deep.equal(args);
  });

  it('gives input on stdin, the environment and directory asked for, and closes stdin without input', async () => {
    expect(await run('cat', [], { input: 'hello' })).to.equal('hello');
    expect(await run('cat', [])).to.equal('');
    expect(await run('bash', ['-c', 'printf %s "$ONLY:$(pwd)"'], { env: { ONLY: 'this', PATH: process.env.PATH }, cwd: dir })).to.equal(`this:${dir}`);
  });

  it('nothrow: the exit code, stdout, stderr and both interleaved', async () => {
    const result = await runNothrow('bash', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(result).to.include({ code: 3, stdout: 'out\n', stderr: 'err\n', output: 'out\nerr\n', timedOut: false, notFound: false, signal: null });
    expect(runSyncNothrow('bash', ['-c', 'exit 4']).code).to.equal(4);
  });

  it('a failed run is a CliError naming the program and its first argument (never the rest) with the end of stderr', async () => {
    const error = await run('bash', ['-c', 'for i in $(seq 1 20); do echo line$i >&2; done; exit 5', 'secret-arg']).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    const message = (error as Error).message;
    expect(message).to.match(/^bash failed \(exit code 5\):\nline11\n/);
    expect(message).to.match(/line20$/).and.not.include('line10\n').and.not.include('secret-arg');
    expect(() => runSync('bash', ['-c', 'exit 2'], { label: 'the probe' })).to.throw(CliError, /^the probe failed \(exit code 2\)$/);
  });

  it('a missing program: not found, nothing run, the error says what to install', async () => {
    const result = await runNothrow('cf-no-such-program', ['x']);
    expect(result).to.include({ notFound: true, code: 127 });
    const error = processError('cf-no-such-program', ['x'], result, { install: 'the Debian package cf' });
    expect(error.message).to.equal('cannot run cf-no-such-program x: cf-no-such-program is not on PATH.');
    expect(error.hint).to.equal('install the Debian package cf');
    const absent = path.join(dir, 'absent');
    expect(() => runSync(absent, [])).to.throw(CliError, `${absent} does not exist or is not executable`);
    expect(await runAttached('cf-no-such-program', []).catch((e: unknown) => e)).to.be.instanceOf(CliError);
    expect(() => startProcess('cf-no-such-program', [])).to.throw(CliError);
  });

  it('a timeout stops the program (and, detached, what it started) and says so', async () => {
    const wrapper = path.join(dir, 'wrapper.sh');
    writeFileSync(wrapper, '#!/bin/sh\nsleep 600 &\necho $! > "$1"\nwait\n');
    chmodSync(wrapper, 0o755);
    const pidFile = path.join(dir, 'child.pid');
    const result = await runNothrow(wrapper, [pidFile], { timeoutMs: 500, detached: true });
    expect(result).to.include({ timedOut: true, signal: 'SIGKILL' });
    expect(processError(wrapper, [pidFile], result, { timeoutMs: 500, label: 'the wrapper' }).message).to.equal('the wrapper did not finish within 0.5 s and was stopped');
    const child = Number((await run('cat', [pidFile])).trim());
    expect(alive(child), 'the wrapper\'s child is gone too').to.equal(false);
  });

  it('does not wait for pipes a daemon it forked still holds once the program has exited', async () => {
    const result = await runNothrow('bash', ['-c', 'sleep 600 & echo $!']);
    const daemon = Number(result.stdout.trim());
    try {
      expect(result.code).to.equal(0);
      expect(alive(daemon)).to.equal(true);
    } finally {
      process.kill(daemon, 'SIGKILL');
    }
  });

  it('startProcess: a long-lived program with its pid (the program itself), streams, and an end that never rejects', async () => {
    const p = startProcess(process.execPath, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)']);
    const pid = await new Promise<number>((resolve) => p.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    expect(pid).to.equal(p.pid);
    signalProcess(p, 'SIGTERM');
    const output = await p;
    expect(output.signal).to.equal('SIGTERM');
  });
});

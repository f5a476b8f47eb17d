// Nothing hangs (issue 16, item 3): with PostgreSQL and Redis frozen (SIGSTOP: the kernel still
// accepts connections, the server never answers), every check ends within its bounded time, the
// summary is printed, and the process then exits by itself — no client or socket is left open.
// Real servers of the native local environment, started by this test on free ports.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeLayout } from '@complianceflow/cli/local/layout.ts';
import { nativeDown, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import { postgresPid } from '@complianceflow/cli/local/postgres-native.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { settingsOnFreePorts, tempRoot } from '../../support/local-helpers.ts';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../support/validate-checks-child.ts');

describe('validate with PostgreSQL and Redis frozen (SIGSTOP): bounded checks, then the process exits', function () {
  this.timeout(180_000);
  let dataRoot: string;
  let settings: LocalSettings;
  const frozen: number[] = [];

  before(async () => {
    settings = await settingsOnFreePorts();
    dataRoot = tempRoot('cf-validate-frozen-');
    await nativeUp({ dataRoot, settings, catalog: loadCatalog(), seed: false });
    const layout = nativeLayout(dataRoot);
    frozen.push(postgresPid(layout)!, Number(readFileSync(layout.redisPid, 'utf8').trim()));
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  });

  after(async () => {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    if (dataRoot !== undefined) {
      await nativeDown({ dataRoot }).catch(() => undefined);
      rmSync(dataRoot, { recursive: true, force: true });
    }
  });

  it('every check fails with its reason, the summary is printed, and the process ends by itself (exit 0)', async () => {
    const run = spawn(process.execPath, [child, JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    run.stdout.on('data', (c: Buffer) => (output += c.toString()));
    run.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    const summary = new Promise<void>((resolve) => run.stdout.on('data', () => output.includes('SUMMARY PRINTED') && resolve()));
    await Promise.race([summary, exited]);
    expect(output, 'the summary is printed').to.include('SUMMARY PRINTED');
    // After its summary the process must end on its own: a client left open would keep it alive.
    const grace = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000).unref());
    const end = await Promise.race([exited, grace]);
    if (end === 'still running') run.kill('SIGKILL');
    expect(end, `the process did not exit after its summary:\n${output}`).to.equal(0);
    expect(output).to.match(/^redis: PING +FAIL .*timed out/im);
    expect(output).to.match(/^postgres: \S+ reaches \S+ \(SELECT 1\) +FAIL /m);
    expect(output).to.match(/^0 passed, \d+ failed, \d+ skipped$/m);
  });
});

// `npm run dev` of the sample service on the host (no Docker), as Local_Development.md says: it reads
// local/.env over local/.env.example for its ports (service, debugger, the local environment's), and
// restarts with the new config when config/greeting.json changes. Run in a scratch copy of local/.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import { repoRoot } from '../../support/cli.ts';

let stopped = false;

/** Asks again until the answer is there (the process may still be starting or restarting), or the test has ended. */
async function until<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  while (!stopped) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the test ended while waiting');
}

async function json(url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(url);
  return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
}

describe('sample service: npm run dev without Docker', function () {
  this.timeout(60000);
  let scratch: string;
  let dev: ChildProcess | undefined;

  beforeEach(() => {
    stopped = false;
    scratch = mkdtempSync(path.join(os.tmpdir(), 'cf-sample-dev-'));
    cpSync(path.join(repoRoot, 'local/sample-service'), path.join(scratch, 'local/sample-service'), { recursive: true });
    cpSync(path.join(repoRoot, 'local/.env.example'), path.join(scratch, 'local/.env.example'));
  });

  afterEach(async () => {
    stopped = true;
    if (dev?.pid !== undefined && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev!.once('exit', resolve));
      process.kill(-dev.pid, 'SIGTERM');
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it('listens on SAMPLE_SERVICE_PORT from local/.env, debugs on SAMPLE_DEBUG_PORT, points at the local ports, reloads config', async () => {
    const [servicePort, debugPort] = [await findFreePort(), await findFreePort()];
    writeFileSync(path.join(scratch, 'local/.env'), `SAMPLE_SERVICE_PORT=${servicePort}\nSAMPLE_DEBUG_PORT=${debugPort}\nPOSTGRES_PORT=15432\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}` };
    for (const key of ['PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS', 'SAMPLE_SERVICE_PORT', 'SAMPLE_DEBUG_PORT', 'POSTGRES_PORT']) delete env[key];
    dev = spawn('npm', ['run', 'dev'], { cwd: path.join(scratch, 'local/sample-service'), env, detached: true, stdio: 'ignore' });

    const body = await until(() => json(`http://127.0.0.1:${servicePort}/`));
    expect(body.greeting).to.equal((JSON.parse(readFileSync(path.join(repoRoot, 'local/sample-service/config/greeting.json'), 'utf8')) as { greeting: string }).greeting);
    // local/.env wins over local/.env.example; the password stays hidden.
    expect(body.database).to.equal('postgres://cf_user:***@127.0.0.1:15432/complianceflow_user_local');
    expect(body.redis).to.equal(`redis://127.0.0.1:${/^REDIS_PORT=(\d+)$/m.exec(readFileSync(path.join(repoRoot, 'local/.env.example'), 'utf8'))![1]}`);
    const inspector = await until(() => json(`http://127.0.0.1:${debugPort}/json/version`));
    expect(String(inspector.Browser)).to.match(/^node\.js\//);

    writeFileSync(path.join(scratch, 'local/sample-service/config/greeting.json'), '{ "greeting": "reloaded" }\n');
    const reloaded = await until(async () => ((await json(`http://127.0.0.1:${servicePort}/`))?.greeting === 'reloaded' ? true : undefined));
    expect(reloaded).to.equal(true);
  });
});

// `cf-infra validate` as a process (scripts/validate-infrastructure.sh): bad input, the --json and
// table output against an emulator started for the command (no stack yet) and a real local native
// environment, exit codes, and no secret in any output.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import { nativeDown, nativeUp } from '@complianceflow/cli/local/native-stack.ts';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { paths, settingsOnFreePorts, tempRoot } from '../../support/local-helpers.ts';

const script = path.join(paths.repoRoot, 'scripts', 'validate-infrastructure.sh');

describe('cf-infra validate (the command, through scripts/validate-infrastructure.sh)', function () {
  this.timeout(180_000);
  const catalog = loadCatalog();
  let root: string;
  let settings: LocalSettings;
  let env: NodeJS.ProcessEnv;

  const envFile = (overrides: Record<string, string | number>): string => {
    const file = path.join(root, `env-${Object.keys(overrides).join('-')}`);
    writeFileSync(file, Object.entries({ POSTGRES_PORT: settings.ports.postgres, REDIS_PORT: settings.ports.redis, ...overrides }).map(([k, v]) => `${k}=${v}`).join('\n'));
    return file;
  };
  const validate = (args: string[]) => spawnSync('bash', [script, ...args], { env, encoding: 'utf8', timeout: 150_000 });

  before(async () => {
    root = tempRoot('cf-validate-cli-');
    settings = await settingsOnFreePorts();
    await nativeUp({ dataRoot: path.join(root, 'data'), settings, catalog, seed: false });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ARM_EMULATOR_|CF_EMULATOR_URL$|AZURE_SUBSCRIPTION_ID$)/.test(k)));
    // Nothing listens on this port: the command starts its own emulator on an empty state directory.
    env = { ...inherited, ARM_EMULATOR_PORT: String(await findFreePort()), ARM_EMULATOR_STATE_DIR: path.join(root, 'emulator'), ARM_EMULATOR_LATENCY_MS: 'default=0' };
  });

  after(async () => {
    await nativeDown({ dataRoot: path.join(root, 'data') }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('bad input: exit 2 with a clear message and no stack trace', () => {
    for (const [args, message] of [
      [[], 'give exactly one deployment name (got none)'],
      [['nope-test-9', '--emulator'], 'unknown deployment "nope-test-9"'],
      [['westeu-test-1', '--emulator', '--from-here'], '--from-here is for Azure'],
      [['westeu-test-1', '--env-path', 'x', '--subscription', '00000000-0000-0000-0000-000000000000'], '--env-path is the local environment'],
      [['westeu-test-1', '--emulator', '--nope'], "Unknown option '--nope'"],
      [['westeu-test-1', '--emulator', '--monitoring-wait', '60'], '--monitoring-wait is for the monitoring check: use it with --from-here'],
      [['westeu-test-1', '--from-here', '--monitoring-wait', '5m', '--subscription', '00000000-0000-0000-0000-000000000000'], '--monitoring-wait "5m" must be whole seconds from 1 to 3600'],
    ] as const) {
      const run = validate([...args]);
      expect(run.status, run.stderr).to.equal(2);
      expect(run.stderr).to.include(message).and.not.match(/\n\s+at /);
    }
  });

  it('--json: the checks as {"checks": [...]}; exit 1 as the stack is missing; local PostgreSQL and Redis pass; no secret', () => {
    const run = validate(['westeu-test-1', '--emulator', '--json', '--env-path', envFile({})]);
    expect(run.status, run.stderr).to.equal(1);
    const { checks } = JSON.parse(run.stdout) as { checks: { name: string; status: string; reason: string; durationMs: number }[] };
    for (const c of checks) expect(Object.keys(c)).to.deep.equal(['name', 'status', 'reason', 'durationMs']);
    expect(checks.find((c) => c.name === 'arm: every managed resource Succeeded')).to.include({ status: 'fail' });
    expect(checks.find((c) => c.name === 'arm: every managed resource Succeeded')!.reason).to.match(/^stack cf-westeu-test-1 was not found in .*: deploy it first \(cf-infra deploy westeu-test-1 --emulator\)$/);
    expect(checks.filter((c) => /^(postgres|redis): /.test(c.name) && c.status === 'pass')).to.have.length(2 * catalog.services.length + 1 + 3);
    expect(checks.filter((c) => c.status === 'fail')).to.have.length(1);
    expect(run.stdout + run.stderr).not.to.include(settings.serviceDbPassword).and.not.to.include(settings.postgresSuperuserPassword);
  });

  it('table: a wrong password fails the PostgreSQL checks naming the login, the password is not shown', () => {
    const wrong = 'not-the-password-4f2a';
    const run = validate(['westeu-test-1', '--emulator', '--env-path', envFile({ SERVICE_DB_PASSWORD: wrong })]);
    expect(run.status).to.equal(1);
    expect(run.stdout).to.match(/^CHECK\s+RESULT\s+TIME\s+REASON/m);
    expect(run.stdout).to.match(/postgres: cf_\w+ reaches \S+ \(SELECT 1\)\s+FAIL .*login cf_\w+ was refused .*password authentication failed/);
    expect(run.stdout).to.include('redis: PING').and.include('see docs/infrastructure/Validation.md#postgres-login');
    expect(run.stdout + run.stderr).not.to.include(wrong).and.not.to.include(settings.serviceDbPassword);
  });
});

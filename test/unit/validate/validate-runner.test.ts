// The validation runner and output: independent checks with timeouts, masking, the three renderings.
import { expect } from 'chai';
import { anyFailed, fail, pass, skippedCheck, type CheckDefinition } from '@complianceflow/cli/validate/model.ts';
import { renderJson, renderMarkdown, renderTable } from '@complianceflow/cli/validate/render.ts';
import { maskSecrets, runChecks } from '@complianceflow/cli/validate/runner.ts';
import { redisPolicyName } from '@complianceflow/cli/validate/targets.ts';

describe('validate: runner and output', () => {
  const secret = 'sup3r-secret-value';
  const checks: CheckDefinition[] = [
    { name: 'throws', troubleshooting: 'postgres-login', run: async () => { throw new Error(`connect failed with password ${secret}`); } },
    { name: 'hangs', troubleshooting: 'redis-ping', timeoutMs: 200, run: () => new Promise(() => undefined) },
    { name: 'fine', troubleshooting: 'redis-ping', run: async () => pass('PONG') },
    { name: 'says no', troubleshooting: 'redis-eviction', run: async () => fail('policy | wrong') },
    skippedCheck('not here', 'event-hubs', 'no local counterpart'),
  ];

  it('runs every check independently: a throwing or hanging check fails alone, the others report', async () => {
    const results = await runChecks(checks, { secrets: [secret] });
    expect(results.map((r) => [r.name, r.status])).to.deep.equal([['throws', 'fail'], ['hangs', 'fail'], ['fine', 'pass'], ['says no', 'fail'], ['not here', 'skipped']]);
    expect(results[0]!.reason).to.equal('connect failed with password ***');
    expect(results[1]!.reason).to.equal('timed out after 0 s');
    expect(results[0]!.troubleshooting).to.equal('docs/infrastructure/Validation.md#postgres-login');
    expect(anyFailed(results)).to.equal(true);
    expect(anyFailed(results.filter((r) => r.status !== 'fail'))).to.equal(false);
  });

  it('renders JSON with exactly name, status, reason, durationMs; a table and markdown with the troubleshooting links', async () => {
    const results = await runChecks(checks, { secrets: [secret] });
    const json = JSON.parse(renderJson(results)) as { checks: Record<string, unknown>[] };
    expect(json.checks).to.have.length(5);
    for (const c of json.checks) expect(Object.keys(c)).to.deep.equal(['name', 'status', 'reason', 'durationMs']);
    const table = renderTable(results);
    expect(table).to.match(/^CHECK\s+RESULT\s+TIME\s+REASON/);
    expect(table).to.include('see docs/infrastructure/Validation.md#redis-eviction').and.include('1 passed, 3 failed, 1 skipped');
    const markdown = renderMarkdown(results);
    expect(markdown).to.include('| says no | fail |').and.include('policy \\| wrong').and.include('(docs/infrastructure/Validation.md#redis-eviction)');
    for (const output of [renderJson(results), table, markdown]) expect(output).not.to.include(secret);
  });

  it('masks every occurrence of every secret, and maps the profile eviction policy to the Redis name', () => {
    expect(maskSecrets('a-b a-b c', ['a-b', 'c', ''])).to.equal('*** *** ***');
    expect(redisPolicyName('AllKeysLRU')).to.equal('allkeys-lru');
    expect(redisPolicyName('VolatileTTL')).to.equal('volatile-ttl');
    expect(redisPolicyName('NoEviction')).to.equal('noeviction');
  });
});

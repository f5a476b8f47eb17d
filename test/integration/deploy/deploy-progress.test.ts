// Live per-resource progress of a deploy: the pipeline follows the stack deployment's operations (nested
// module deployments included) in an emulator whose PostgreSQL server is made slow, and prints a line
// per resource state change while the stack runs. The order of the lines is what is asserted (a line
// printed before the stack finished was printed while it ran), never a time.
import { expect } from 'chai';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { deployInto, startEmulatorWorld, startServices, type EmulatorWorld, type Services } from '../../support/world.ts';

const postgres = 'Microsoft.DBforPostgreSQL/flexibleServers';
const redis = 'Microsoft.Cache/redisEnterprise';

/** Index of the first line matching `pattern`; fails the test when there is none. */
function lineIndex(lines: readonly string[], pattern: RegExp): number {
  const index = lines.findIndex((l) => pattern.test(l));
  expect(index, `no line matches ${pattern}:\n${lines.join('\n')}`).to.be.at.least(0);
  return index;
}

describe('deploy: live per-resource progress (emulator with a slow type)', function () {
  this.timeout(240_000);
  let services: Services;
  const worlds: EmulatorWorld[] = [];
  const world = async (options: Parameters<typeof startEmulatorWorld>[1]): Promise<EmulatorWorld> => {
    const w = await startEmulatorWorld(services, options);
    worlds.push(w);
    return w;
  };

  before(async () => {
    services = await startServices();
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await services?.close();
  });

  it('prints a resource\'s Running line while the stack runs, and a fast resource\'s Succeeded line before the slow one\'s', async () => {
    const slow = await world({ latency: { defaultMs: 0, perType: { [postgres]: 2500 } } });
    const result = await deployInto(services, slow, 'westeu-test-1');
    const lines = result.lines;
    expect(result.exitCode, lines.join('\n')).to.equal(ExitCode.Success);
    const slowRunning = lineIndex(lines, /^\d\d:\d\d:\d\d {3}database psql-cf-westeu-test-1 \(Microsoft\.DBforPostgreSQL\/flexibleServers\): Running, /);
    const slowDone = lineIndex(lines, /^\d\d:\d\d:\d\d {3}database psql-cf-westeu-test-1 \(Microsoft\.DBforPostgreSQL\/flexibleServers\): Succeeded, (\d+\.\d) s$/);
    const fastDone = lineIndex(lines, /^\d\d:\d\d:\d\d {3}networking vnet-cf-westeu-test-1 \(Microsoft\.Network\/virtualNetworks\): Succeeded, /);
    const stackDone = lineIndex(lines, /stack cf-westeu-test-1: succeeded; managed per tier/);
    expect(fastDone).to.be.below(slowDone);
    expect(slowRunning).to.be.below(slowDone);
    expect(slowRunning).to.be.below(stackDone);
    // The server's duration as ARM reports it: at least its type's latency.
    expect(Number(/Succeeded, (\d+\.\d) s$/.exec(lines[slowDone]!)![1])).to.be.at.least(2.5);
    // One line per state change: the server is never reported Running twice in a row.
    expect(lines.filter((l) => / psql-cf-westeu-test-1 \(/.test(l))).to.have.length(2);
    // Its configurations start once the server is done (the emulator orders child after parent).
    const child = lineIndex(lines, /database psql-cf-westeu-test-1\/[\w.]+ \(Microsoft\.DBforPostgreSQL\/flexibleServers\/configurations\): Succeeded/);
    expect(child).to.be.above(slowDone);
  });

  it('shows a failed resource\'s ARM error at once, before the stack has finished; in GitHub Actions in a group per tier with an ::error::', async () => {
    const failing = await world({ latency: { defaultMs: 0, perType: { [postgres]: 2500 } }, faults: { failingTypes: { [redis]: 'SkuNotAvailable' } } });
    const result = await deployInto(services, failing, 'westeu-test-1', { progressMode: 'github' });
    const lines = result.lines;
    expect(result.exitCode, lines.join('\n')).to.equal(ExitCode.Failed);
    const failed = lineIndex(lines, /^\d\d:\d\d:\d\d {3}cache redis-cf-westeu-test-1 \(Microsoft\.Cache\/redisEnterprise\): Failed, [\d.]+ s: SkuNotAvailable: /);
    const slowDone = lineIndex(lines, / psql-cf-westeu-test-1 \(Microsoft\.DBforPostgreSQL\/flexibleServers\): Succeeded/);
    const applyFailed = lineIndex(lines, /create\/update stack cf-westeu-test-1: failed/);
    expect(failed).to.be.below(slowDone);
    expect(slowDone).to.be.below(applyFailed);
    expect(lines[failed + 1]).to.match(/^::error::cache redis-cf-westeu-test-1 .*SkuNotAvailable/);
    // The line is inside the cache tier's group, and every group is closed before the phase ends.
    const opened = lines.slice(0, failed).reverse().find((l) => l.startsWith('::group::') || l === '::endgroup::');
    expect(opened).to.match(/^::group::cache: /);
    const groupLines = lines.filter((l) => l.startsWith('::group::') || l === '::endgroup::');
    expect(groupLines.filter((l) => l === '::endgroup::')).to.have.length(groupLines.length / 2);
    expect(lines.slice(applyFailed).some((l) => l.startsWith('::group::'))).to.equal(false);
  });
});

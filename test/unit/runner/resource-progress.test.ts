// Per-resource progress (runner/resource-progress.ts): the line of an event, the per-tier board a
// terminal shows, one line per state change in CI, a live ::group:: per tier in GitHub Actions; and
// a step with `resources` handing its events to the renderer (run-steps.ts, progress.ts).
import { expect } from 'chai';
import { GroupedLines, plainLines, ResourceBoard, resourceLine, type ResourceEvent } from '@complianceflow/cli/runner/resource-progress.ts';
import { createProgress } from '@complianceflow/cli/runner/progress.ts';
import { runSteps } from '@complianceflow/cli/runner/run-steps.ts';
import { newRunState, type RunnerContext } from '@complianceflow/cli/runner/steps.ts';

const event = (name: string, tier: string, state: string, elapsedMs: number, error?: string): ResourceEvent => ({
  id: `/subscriptions/s/resourceGroups/rg/providers/X.Y/things/${name}`,
  name,
  type: 'X.Y/things',
  tier,
  state,
  elapsedMs,
  ...(error === undefined ? {} : { error }),
});
const stamp = (): string => 'T';

describe('per-resource progress', () => {
  it('a line names tier, resource, type, state and elapsed time, and ARM\'s error when it failed', () => {
    expect(resourceLine(event('psql', 'database', 'Running', 12_340))).to.equal('database psql (X.Y/things): Running, 12.3 s');
    expect(resourceLine(event('redis', 'cache', 'Failed', 3000, 'SkuNotAvailable: not here'))).to.equal('cache redis (X.Y/things): Failed, 3.0 s: SkuNotAvailable: not here');
  });

  it('the board counts a tier\'s resources and lists the running and failed ones', () => {
    const board = new ResourceBoard();
    expect(board.apply(event('a', 'database', 'Running', 0))).to.equal(true);
    expect(board.apply(event('a', 'database', 'Running', 5000))).to.equal(false);
    board.apply(event('b', 'database', 'Succeeded', 1000));
    board.apply(event('c', 'database', 'Failed', 2000, 'Conflict: no'));
    board.apply(event('v', 'networking', 'Succeeded', 1000));
    expect(board.tierNames()).to.deep.equal(['database', 'networking']);
    expect(board.tierTitle('database')).to.equal('database: 1 of 3 done, 1 running, 1 failed');
    expect(board.tierTitle('networking')).to.equal('networking: 1 of 1 done');
    expect(board.tierDetail('database')).to.equal('a (X.Y/things): Running, 5.0 s\nc (X.Y/things): Failed, 2.0 s: Conflict: no');
    expect(board.tierDetail('networking')).to.equal('');
  });

  it('in CI, one timestamped line per state change', () => {
    const lines: string[] = [];
    const sink = plainLines((l) => lines.push(l), stamp);
    sink(event('a', 'database', 'Running', 0));
    sink(event('a', 'database', 'Running', 4000));
    sink(event('a', 'database', 'Succeeded', 9000));
    expect(lines).to.deep.equal(['T   database a (X.Y/things): Running, 0.0 s', 'T   database a (X.Y/things): Succeeded, 9.0 s']);
  });

  it('in GitHub Actions, each change at once in its tier\'s group; another tier closes it; a failure is also an ::error::', () => {
    const lines: string[] = [];
    const groups = new GroupedLines((l) => lines.push(l), stamp);
    groups.event(event('a', 'database', 'Running', 0));
    groups.event(event('b', 'database', 'Running', 0));
    groups.event(event('a', 'database', 'Running', 3000));
    groups.event(event('r', 'cache', 'Failed', 1000, 'SkuNotAvailable: 50%\nnot here'));
    groups.event(event('a', 'database', 'Succeeded', 5000));
    groups.end();
    groups.end();
    expect(lines).to.deep.equal([
      '::group::database: 0 of 1 done, 1 running',
      'T   database a (X.Y/things): Running, 0.0 s',
      'T   database b (X.Y/things): Running, 0.0 s',
      '::endgroup::',
      '::group::cache: 0 of 1 done, 1 failed',
      'T   cache r (X.Y/things): Failed, 1.0 s: SkuNotAvailable: 50%\nnot here',
      '::error::cache r (X.Y/things): Failed, 1.0 s: SkuNotAvailable: 50%25%0Anot here',
      '::endgroup::',
      '::group::database: 1 of 2 done, 1 running',
      'T   database a (X.Y/things): Succeeded, 5.0 s',
      '::endgroup::',
    ]);
  });

  it('a step with `resources` gets a sink; its lines come between the phase\'s start and end, groups closed in Actions', async () => {
    for (const mode of ['plain', 'github'] as const) {
      const lines: string[] = [];
      const ctx: RunnerContext = { run: newRunState('start') };
      const progress = createProgress(mode, {}, (l) => lines.push(l));
      const steps = [
        { name: 'apply', title: 'apply', resources: true, run: async (_c: RunnerContext, task: { resource: (e: ResourceEvent) => void }) => task.resource(event('a', 'database', 'Succeeded', 1000)) },
        { name: 'after', title: 'after', run: async (_c: RunnerContext, task: { resource: (e: ResourceEvent) => void }) => task.resource(event('z', 'database', 'Succeeded', 1000)) },
      ];
      await runSteps({ steps, finally: [] }, ctx, { progress });
      const body = lines.map((l) => l.replace(/^\d\d:\d\d:\d\d /, '').replace(/\(\d+\.\d s\)/, '(…)'));
      const resourceLines = mode === 'github' ? ['::group::database: 1 of 1 done', '  database a (X.Y/things): Succeeded, 1.0 s', '::endgroup::'] : ['  database a (X.Y/things): Succeeded, 1.0 s'];
      expect(body.map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))).to.deep.equal(['apply ...', ...resourceLines, 'apply: done (…)', 'after ...', 'after: done (…)']);
    }
  });
});

describe('per-resource progress on a terminal (tier-slots.ts)', () => {
  it('a sub-task per tier, titled with its counts and its running or failed resources; unused slots stay untitled', async () => {
    const { Listr } = await import('listr2');
    const { tierSlots } = await import('@complianceflow/cli/runner/tier-slots.ts');
    let detail = '';
    const list = new Listr(
      [
        {
          title: 'apply',
          task: (_ctx: unknown, task: any) =>
            tierSlots(task, async (update, resource) => {
              update('stack: deploying');
              detail = String(task.output);
              resource(event('psql', 'database', 'Running', 2000));
              resource(event('vnet', 'networking', 'Succeeded', 1000));
              resource(event('redis', 'cache', 'Failed', 3000, 'SkuNotAvailable: no'));
              resource(event('psql', 'database', 'Running', 4000));
            }),
        },
      ],
      { renderer: 'silent' },
    );
    await list.run();
    const titled = list.tasks[0]!.subtasks.filter((t) => t.hasTitle()).map((t) => t.title);
    expect(titled).to.deep.equal([
      'database: 0 of 1 done, 1 running\npsql (X.Y/things): Running, 4.0 s',
      'networking: 1 of 1 done',
      'cache: 0 of 1 done, 1 failed\nredis (X.Y/things): Failed, 3.0 s: SkuNotAvailable: no',
    ]);
    expect(detail).to.equal('stack: deploying');
  });

  it('the phase fails with the run\'s error, not a slot\'s', async () => {
    const { Listr } = await import('listr2');
    const { tierSlots } = await import('@complianceflow/cli/runner/tier-slots.ts');
    const list = new Listr([{ title: 'apply', task: (_ctx: unknown, task: any) => tierSlots(task, async () => Promise.reject(new Error('stack failed'))) }], { renderer: 'silent', exitOnError: true });
    let message = '';
    await list.run().catch((error: Error) => (message = error.message));
    expect(message).to.equal('stack failed');
  });
});

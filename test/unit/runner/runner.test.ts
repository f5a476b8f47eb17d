// The step runner (packages/cli/src/runner): steps in order over one context, finally-steps after a
// failure or an interrupt, phase records, sub-steps, the renderer chosen once, plain lines in CI.
import { expect } from 'chai';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { InterruptedError, type InterruptWatch } from '@complianceflow/cli/runner/interrupt.ts';
import { createProgress, progressModeFor, rendererFor } from '@complianceflow/cli/runner/progress.ts';
import { runSteps } from '@complianceflow/cli/runner/run-steps.ts';
import { newRunState, type RunnerContext, type Step, type StepList } from '@complianceflow/cli/runner/steps.ts';

interface Ctx extends RunnerContext {
  log: string[];
}

const newCtx = (): Ctx => ({ run: newRunState('start'), log: [] });
const silent = { progress: createProgress('silent') };
const step = (name: string, extra: Partial<Step<Ctx>> = {}): Step<Ctx> => ({
  name,
  title: `step ${name}`,
  async run(ctx) {
    ctx.log.push(name);
  },
  ...extra,
});
const failing = (name: string, error: Error): Step<Ctx> => step(name, {
  async run(ctx) {
    ctx.log.push(name);
    throw error;
  },
});
const outcomes = (ctx: Ctx) => ctx.run.phases.map((p) => `${p.name}:${p.outcome}`);

/** A signal delivered by the test: like watchInterrupts, without touching the process's handlers. */
function fakeInterrupts(): InterruptWatch & { send(signal: NodeJS.Signals): void } {
  let received: NodeJS.Signals | undefined;
  let reject: (error: InterruptedError) => void = () => {};
  const interrupted = new Promise<never>((_, r) => (reject = r));
  interrupted.catch(() => undefined);
  return {
    get signal() {
      return received;
    },
    race: (work) => Promise.race([work, interrupted]),
    finish: () => {},
    send(signal) {
      received = signal;
      reject(new InterruptedError(signal));
    },
  };
}

describe('step runner', function () {
  it('runs the steps in order, then the finally-steps, with a phase record per named step', async () => {
    const ctx = newCtx();
    await runSteps({ steps: [step('a'), { async run(c) { c.log.push('quiet'); } }, step('b')], finally: [step('unlock')] }, ctx, silent);
    expect(ctx.log).to.deep.equal(['a', 'quiet', 'b', 'unlock']);
    expect(outcomes(ctx)).to.deep.equal(['a:done', 'b:done', 'unlock:done']);
    expect(ctx.run.failure).to.equal(undefined);
    expect(ctx.run.current).to.equal('unlock');
  });

  it('after a failing step, runs no further step but every finally-step, which see the failure', async () => {
    const ctx = newCtx();
    const boom = new Error('boom');
    const seen: unknown[] = [];
    const list: StepList<Ctx> = {
      steps: [step('a'), failing('b', boom), step('c')],
      finally: [step('unlock', { async run(c) { seen.push(c.run.failure); c.log.push('unlock'); } }), step('report')],
    };
    await runSteps(list, ctx, silent);
    expect(ctx.log).to.deep.equal(['a', 'b', 'unlock', 'report']);
    expect(outcomes(ctx)).to.deep.equal(['a:done', 'b:failed', 'unlock:done', 'report:done']);
    expect(ctx.run.failure).to.equal(boom);
    expect(seen).to.deep.equal([boom]);
  });

  it('a failing step\'s error surfaces unchanged, with its exit code', async () => {
    const ctx = newCtx();
    const locked = new CliError('westeu-test-1 is locked by another run', { exitCode: ExitCode.Locked });
    await runSteps({ steps: [failing('lock', locked)], finally: [] }, ctx, silent);
    expect(ctx.run.failure).to.equal(locked);
    expect((ctx.run.failure as CliError).exitCode).to.equal(3);
    expect(ctx.run.current).to.equal('lock');
  });

  it('a finally-step that fails does not stop the next one; its error is thrown once all ran', async () => {
    const ctx = newCtx();
    const broken = new Error('report store gone');
    let thrown: unknown;
    await runSteps({ steps: [step('a')], finally: [failing('unlock', broken), step('report')] }, ctx, silent).catch((e: unknown) => (thrown = e));
    expect(thrown).to.equal(broken);
    expect(ctx.log).to.deep.equal(['a', 'unlock', 'report']);
  });

  it('skips by predicate, records a skipped group under its name, and records sub-steps and "skipped" results', async () => {
    const ctx = newCtx();
    const list: StepList<Ctx> = {
      steps: [
        step('not-this', { skip: () => true }),
        { recordSkipAs: 'apply', skip: () => true, run: async () => {} },
        {
          async run(c, task) {
            await task.sub(step('first'));
            await task.sub(step('second'));
          },
        },
        step('databases', { run: async () => 'skipped' }),
        step('confirm', { unrecorded: true }),
      ],
      finally: [],
    };
    await runSteps(list, ctx, silent);
    expect(ctx.log).to.deep.equal(['first', 'second', 'confirm']);
    expect(outcomes(ctx)).to.deep.equal(['apply:skipped', 'first:done', 'second:done', 'databases:skipped']);
    expect(ctx.run.current).to.equal('confirm');
  });

  it('a signal ends the running step as interrupted, starts no further step, and the finally-steps still run', async () => {
    const ctx = newCtx();
    const interrupts = fakeInterrupts();
    const list: StepList<Ctx> = {
      steps: [
        step('apply', {
          async run(c) {
            c.log.push('apply');
            interrupts.send('SIGINT');
            await new Promise(() => {}); // ARM keeps going; the run stops waiting
          },
        }),
        step('validate'),
      ],
      finally: [step('unlock'), step('report')],
    };
    await runSteps(list, ctx, { ...silent, interrupts });
    expect(ctx.run.failure).to.be.instanceOf(InterruptedError);
    expect((ctx.run.failure as InterruptedError).signal).to.equal('SIGINT');
    expect(ctx.log).to.deep.equal(['apply', 'unlock', 'report']);
    expect(outcomes(ctx)).to.deep.equal(['apply:interrupted', 'unlock:done', 'report:done']);
  });

  it('a signal that came between steps: the next step does not start', async () => {
    const ctx = newCtx();
    const interrupts = fakeInterrupts();
    await runSteps({ steps: [step('a', { async run() { interrupts.send('SIGTERM'); } }), step('b')], finally: [step('unlock')] }, ctx, { ...silent, interrupts });
    expect((ctx.run.failure as InterruptedError).signal).to.equal('SIGTERM');
    expect(outcomes(ctx)).to.deep.equal(['a:done', 'unlock:done']);
  });

  it('plain mode (CI, piped): a timestamped line per start, changed detail and end, through listr2', async () => {
    const lines: string[] = [];
    const progress = createProgress('plain', {}, (line) => void lines.push(line));
    const ctx = newCtx();
    const list: StepList<Ctx> = {
      steps: [
        step('what-if', { async run(_c, task) { task.output('3 to create'); task.output('3 to create'); task.output('done'); } }),
        { async run() {} },
        failing('apply', new Error('409')),
      ],
      finally: [],
    };
    await runSteps(list, ctx, { progress });
    const shapes = lines.map((l) => l.replace(/^\d\d:\d\d:\d\d /, 'T ').replace(/\(\d+\.\d s\)/, '(N s)'));
    expect(shapes).to.deep.equal(['T step what-if ...', 'T   3 to create', 'T   done', 'T step what-if: done (N s)', 'T step apply ...', 'T step apply: failed (N s)']);
  });

  it('GitHub Actions: notices and errors are annotations, one line each', () => {
    const lines: string[] = [];
    const progress = createProgress('github', {}, (line) => void lines.push(line));
    progress.notice('westeu-test-1: succeeded');
    progress.error('westeu-test-1: 2 checks failed:\n  - a: 100%');
    expect(lines).to.deep.equal(['::notice::westeu-test-1: succeeded', '::error::westeu-test-1: 2 checks failed:%0A  - a: 100%25']);
  });
});

describe('renderer choice', function () {
  it('follows the terminal, CI and GitHub Actions', () => {
    expect(progressModeFor({}, true)).to.equal('tty');
    expect(progressModeFor({}, false)).to.equal('plain');
    expect(progressModeFor({ CI: 'true' }, true)).to.equal('plain');
    expect(progressModeFor({ CI: '1' }, true)).to.equal('plain');
    expect(progressModeFor({ GITHUB_ACTIONS: 'true', CI: 'true' }, false)).to.equal('github');
  });

  it('--format json or markdown: plain lines on stderr, whatever the terminal (stdout is the result alone)', () => {
    expect(rendererFor('text', {}, true).mode).to.equal('tty');
    expect(rendererFor('text', { GITHUB_ACTIONS: 'true' }, true).mode).to.equal('github');
    for (const format of ['json', 'markdown'] as const) {
      const chosen = rendererFor(format, { GITHUB_ACTIONS: 'true' }, true);
      expect(chosen.mode).to.equal('plain');
      const original = console.error;
      const written: string[] = [];
      console.error = (line: string) => void written.push(line);
      try {
        chosen.write('progress line');
      } finally {
        console.error = original;
      }
      expect(written).to.deep.equal(['progress line']);
    }
  });
});

// parseCommandArgs: the argument handling every command shares (commands/args.ts).
import { expect } from 'chai';
import { deploymentPositional, parseCommandArgs, positionalProblem, targetOptions } from '@complianceflow/cli/commands/args.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { thrownBy } from '../../support/thrown.ts';

const usageErrorOf = (run: () => unknown): UsageError => thrownBy(run, UsageError);

function captureLog<T>(run: () => T): { result: T; printed: string[] } {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  try {
    return { result: run(), printed };
  } finally {
    console.log = log;
  }
}

describe('parseCommandArgs (commands/args.ts)', () => {
  const spec = { help: 'Usage: cf-infra demo <deployment>', positionals: deploymentPositional, options: { ...targetOptions, format: { type: 'string' }, yes: { type: 'boolean', short: 'y', default: false } } } as const;

  it('returns the values typed from the options (defaults applied) and the positionals', () => {
    const parsed = parseCommandArgs('demo', ['westeu-test-1', '-y', '--format', 'json'], spec);
    if (parsed.help) throw new Error('not help');
    // Compile-time: these are boolean / string | undefined, as with parseArgs.
    const yes: boolean = parsed.values.yes;
    const emulator: boolean = parsed.values.emulator;
    const format: string | undefined = parsed.values.format;
    expect({ yes, emulator, format, positionals: parsed.positionals }).to.deep.equal({ yes: true, emulator: false, format: 'json', positionals: ['westeu-test-1'] });
    expect(parsed.values).not.to.have.property('help');
  });

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints the help and returns the help marker, without checking the positionals`, () => {
      const { result, printed } = captureLog(() => parseCommandArgs('demo', [flag], spec));
      expect(result).to.deep.equal({ help: true });
      expect(printed).to.deep.equal(['Usage: cf-infra demo <deployment>']);
    });
  }

  it('an unknown option: UsageError naming the command, exit 2, hint at its --help', () => {
    const error = usageErrorOf(() => parseCommandArgs('demo', ['westeu-test-1', '--frobnicate'], spec));
    expect(error.message).to.equal("demo: Unknown option '--frobnicate'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--frobnicate\"");
    expect(error.exitCode).to.equal(ExitCode.BadInput);
    expect(error.hint).to.equal('see `cf-infra demo --help`');
  });

  it('an option without its value', () => {
    expect(usageErrorOf(() => parseCommandArgs('demo', ['westeu-test-1', '--format'], spec)).message).to.match(/^demo: Option '--format <value>' argument missing/);
  });

  it('an unknown option wins over --help (as parseArgs does)', () => {
    expect(usageErrorOf(() => parseCommandArgs('demo', ['--help', '--bogus'], spec)).message).to.match(/^demo: Unknown option '--bogus'/);
  });

  it('a wrong number of deployment names', () => {
    const none = usageErrorOf(() => parseCommandArgs('demo', [], spec));
    expect(none.message).to.equal('demo: give exactly one deployment name (got none)');
    expect(none.hint).to.equal('cf-infra list shows the deployments');
    expect(usageErrorOf(() => parseCommandArgs('demo', ['a', 'b'], spec)).message).to.equal('demo: give exactly one deployment name (got a, b)');
  });

  it('a command without positionals refuses one (parseArgs\'s message)', () => {
    const error = usageErrorOf(() => parseCommandArgs('list', ['extra'], { help: '', options: { json: { type: 'boolean' } } }));
    expect(error.message).to.match(/^list: Unexpected argument 'extra'/);
    expect(error.hint).to.equal('see `cf-infra list --help`');
  });

  it('positionalProblem: exact, at least, a range', () => {
    expect(positionalProblem({ name: 'deployment name', min: 1, max: 1 }, ['x'])).to.equal(undefined);
    expect(positionalProblem({ name: 'deployment name', min: 1 }, [])).to.equal('give at least one deployment name (got none)');
    expect(positionalProblem({ name: 'service', min: 1, max: 2 }, ['a', 'b', 'c'])).to.equal('give 1 to 2 services (got a, b, c)');
    expect(positionalProblem({ name: 'deployment name' }, ['a', 'b', 'c'])).to.equal(undefined);
  });
});

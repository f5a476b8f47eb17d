// The argument handling every command shares: node:util parseArgs (strict) with -h/--help added,
// --help printed, and parse errors and a wrong number of positionals turned into a UsageError that
// names the command and points at its --help. The types of `values` flow from the options object,
// as they do with parseArgs itself.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from '@complianceflow/core/errors.ts';

/** How many positionals a command takes and what they are (for the messages). */
export interface PositionalRule {
  /** One positional, e.g. "deployment name". */
  name: string;
  /** Default 0. */
  min?: number;
  /** Default: no limit. */
  max?: number;
  /** Printed under a wrong-count error, e.g. "cf-infra list shows the deployments". */
  hint?: string;
}

export interface CommandArgsSpec<O extends ParseArgsOptionsConfig> {
  /** The command's options; -h/--help is added. */
  options: O;
  /** Printed for -h/--help. */
  help: string;
  /** Without it the command takes no positionals (parseArgs refuses them). */
  positionals?: PositionalRule;
}

const helpOption = { help: { type: 'boolean', short: 'h', default: false } } as const;

type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof helpOption; strict: true; allowPositionals: true }>>;

export type CommandArgs<O extends ParseArgsOptionsConfig> =
  | { help: true }
  | { help: false; values: Omit<Parsed<O>['values'], 'help'>; positionals: string[] };

/** The options of a command that targets Azure or the local ARM emulator (see deploy/services.ts checkTargetFlags; --as: arm/identities.ts). */
export const targetOptions = {
  emulator: { type: 'boolean', default: false },
  subscription: { type: 'string' },
  as: { type: 'string' },
} as const;

/** The one deployment name most commands take. */
export const deploymentPositional: PositionalRule = { name: 'deployment name', min: 1, max: 1, hint: 'cf-infra list shows the deployments' };

/** --json, the short form of --format json; both with another format is refused. */
export function formatOrJson(command: string, values: { format?: string | undefined; json: boolean }): string | undefined {
  if (values.json && values.format !== undefined && values.format !== 'json') throw new UsageError(`${command}: --json and --format ${values.format} ask for two formats; give one`);
  return values.json ? 'json' : values.format;
}

export function helpHint(command: string): string {
  return `see \`cf-infra ${command} --help\``;
}

/** "give exactly one deployment name (got none)", or undefined when the count is allowed. */
export function positionalProblem(rule: PositionalRule, got: readonly string[]): string | undefined {
  const min = rule.min ?? 0;
  const max = rule.max ?? Number.POSITIVE_INFINITY;
  if (got.length >= min && got.length <= max) return undefined;
  const count = (n: number): string => (n === 1 ? 'one' : String(n));
  const noun = (n: number): string => (n === 1 ? rule.name : `${rule.name}s`);
  const wanted = min === max ? `exactly ${count(min)} ${noun(min)}` : max === Number.POSITIVE_INFINITY ? `at least ${count(min)} ${noun(min)}` : `${min} to ${max} ${noun(max)}`;
  return `give ${wanted} (got ${got.length === 0 ? 'none' : got.join(', ')})`;
}

/**
 * Parses a command's arguments. Returns `{ help: true }` after printing the help, else the typed
 * values and the positionals; throws UsageError ("<command>: <what was wrong>", hint: its --help).
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(command: string, args: readonly string[], spec: CommandArgsSpec<O>): CommandArgs<O> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], strict: true, allowPositionals: spec.positionals !== undefined, options: { ...spec.options, ...helpOption } });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`, helpHint(command));
  }
  if (parsed.values['help'] === true) {
    console.log(spec.help);
    return { help: true };
  }
  if (spec.positionals !== undefined) {
    const problem = positionalProblem(spec.positionals, parsed.positionals);
    if (problem !== undefined) throw new UsageError(`${command}: ${problem}`, spec.positionals.hint ?? helpHint(command));
  }
  const { help: _help, ...values } = parsed.values;
  return { help: false, values: values as Omit<Parsed<O>['values'], 'help'>, positionals: parsed.positionals };
}

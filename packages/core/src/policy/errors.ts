import { CliError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

/**
 * A policy file that cannot be evaluated: invalid JSON, an unknown alias, operator or template
 * function, a missing parameter. Names the file, the JSON path inside it and what is allowed.
 */
export class PolicyFileError extends CliError {
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, problem: string, hint?: string) {
    super(`${file}${path === '' ? '' : `: ${path}`}: ${problem}`, { exitCode: ExitCode.BadInput, ...(hint === undefined ? {} : { hint }) });
    this.file = file;
    this.path = path;
  }
}

/** A problem found while evaluating a rule, before the file and path are known (rethrown as PolicyFileError). */
export class RuleError extends Error {
  readonly path: string;
  readonly hint: string | undefined;

  constructor(path: string, message: string, hint?: string) {
    super(message);
    this.name = 'RuleError';
    this.path = path;
    this.hint = hint;
  }
}

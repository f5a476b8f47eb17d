import { ExitCode } from './exit-codes.ts';

/**
 * An error meant for the person running the command: its message is printed as it is (no stack
 * trace) and the process exits with its exit code.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** What to do about it, printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.Failed;
    this.hint = options.hint;
  }
}

/** Bad input (configuration, arguments): nothing was touched. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.BadInput, ...(hint === undefined ? {} : { hint }) });
  }
}

/**
 * One or more problems in the deployment registry or a profile. Each problem names the file,
 * the field path, the value and what is allowed.
 */
export class ConfigError extends CliError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in the deployment registry:\n  - ${problems.join('\n  - ')}`, {
      exitCode: ExitCode.BadInput,
    });
    this.problems = problems;
  }
}

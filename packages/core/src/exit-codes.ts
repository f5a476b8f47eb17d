/** The exit codes of every cf-infra command (documented in README.md, "Exit codes"). */
export const ExitCode = {
  /** The command did what was asked. */
  Success: 0,
  /** An operation failed (ARM error, failed check, failed test of the environment). */
  Failed: 1,
  /** Bad input: the command refused before touching anything. */
  BadInput: 2,
  /** The deployment is locked by another run. */
  Locked: 3,
  /** `--detailed-exitcode` / `--check`: changes are pending. */
  ChangesPending: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

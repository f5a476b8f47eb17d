// The exit-code table of README.md, from packages/core/src/exit-codes.ts. The record type makes a new
// exit code a type error until it is described here.
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

export const exitCodeMeanings: Record<keyof typeof ExitCode, string> = {
  Success: 'Success',
  Failed: 'An operation failed (ARM error, failed check, policy deny or over budget in the plan)',
  BadInput: 'Bad input: the command refused before touching anything',
  Locked: 'The deployment is locked by another run (the message names the holder)',
  ChangesPending: 'Changes pending (`what-if --detailed-exitcode`, `plan --check`)',
};

export function exitCodeTable(): string {
  const rows = (Object.entries(ExitCode) as Array<[keyof typeof ExitCode, number]>)
    .sort((a, b) => a[1] - b[1])
    .map(([name, code]) => [String(code), exitCodeMeanings[name], `\`ExitCode.${name}\``]);
  return markdownTable(['Code', 'Meaning', 'In the code'], rows);
}

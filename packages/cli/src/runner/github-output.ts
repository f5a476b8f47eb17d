// Step outputs for GitHub Actions: `name=value` lines appended to the file $GITHUB_OUTPUT names; a
// value with a line break goes in the multi-line form `name<<DELIMITER … DELIMITER` with a random
// delimiter that the value does not contain (docs.github.com/actions/reference/workflows-and-actions/
// workflow-commands#multiline-strings).
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { envString } from '@complianceflow/core/env.ts';
import { UsageError } from '@complianceflow/core/errors.ts';

/** The lines for these outputs (pure: the delimiter comes from `random`). */
export function githubOutputText(outputs: readonly (readonly [string, string])[], random: () => string = () => randomBytes(12).toString('hex')): string {
  return outputs
    .map(([name, value]) => {
      if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
      let delimiter = `ghadelimiter_${random()}`;
      while (value.includes(delimiter)) delimiter = `ghadelimiter_${random()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/** The file to append to, checked before the command does anything: $GITHUB_OUTPUT must be set. */
export function githubOutputFile(command: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = envString('GITHUB_OUTPUT', env);
  if (file === undefined) throw new UsageError(`${command}: --github-output needs $GITHUB_OUTPUT (GitHub Actions sets it in every step); it is not set here`, 'outside GitHub Actions leave out --github-output, or set GITHUB_OUTPUT to the file to append to');
  return file;
}

export function appendGithubOutput(file: string, outputs: readonly (readonly [string, string])[]): void {
  appendFileSync(file, githubOutputText(outputs));
}

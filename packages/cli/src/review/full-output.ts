// Where the whole what-if is when the comment leaves some of it out: the GitHub Actions run (its job
// summary and artifact), from the variables GitHub sets in every job; else the --details-file.
import { displayPath } from '@complianceflow/core/bicep/diagnostics.ts';

/** The run's URL from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID, when all three are set and well-formed. */
export function actionsRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const server = env['GITHUB_SERVER_URL'];
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  if (server === undefined || repository === undefined || runId === undefined) return undefined;
  if (!/^https:\/\/[^\s/]+$/.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^\d+$/.test(runId)) return undefined;
  return `${server}/${repository}/actions/runs/${runId}`;
}

/** The comment's pointer to the whole output: a link to the run, the details file, or how to get it. */
export function fullOutputPointer(env: NodeJS.ProcessEnv, detailsFile: string | undefined): string {
  const run = actionsRunUrl(env);
  if (run !== undefined) return `[the job summary and the what-if artifact of this run](${run})`;
  if (detailsFile !== undefined) return `\`${displayPath(detailsFile)}\``;
  return 'rerun with `--details-file <file>` to write it to a file';
}

// The validation job's entry point (the container's command; the emulator's job runner runs it as a
// local process): reads its configuration from the environment (job/config.ts), runs the data
// checks with the runner, and appends each result to the run's results blob as it finishes (the
// write-only SAS URL the start request passed), then a final `done` line. Exit 0 when every result
// was delivered — a failing check is a result, not a job failure; non-zero when the job itself
// could not run or deliver (validate then reports the missing checks as failed).
import { checkEnvironment } from '../env.ts';
import { jobChecks } from './job/checks.ts';
import { readJobConfiguration } from './job/config.ts';
import { ResultsWriter } from './job/results-blob.ts';
import { sasSecrets } from './job/sas.ts';
import { maskSecrets, runChecks } from './runner.ts';

async function main(): Promise<number> {
  let secrets: string[] = [];
  try {
    checkEnvironment(process.env, 'job');
    const config = readJobConfiguration(process.env);
    secrets = sasSecrets(config.resultsUrl);
    const writer = new ResultsWriter(config.resultsUrl);
    const suite = await jobChecks(config);
    secrets = [...secrets, ...suite.secrets];
    const runId = config.runId;
    await writer.write({ kind: 'plan', runId, checks: suite.checks.map((c) => maskSecrets(c.name, secrets)) });
    console.log(`cf-validate job ${runId}: ${suite.checks.length} checks for ${config.deployment} (${config.target})`);
    const delivered: Promise<void>[] = [];
    const results = await runChecks(suite.checks, {
      secrets,
      onResult: (result) => {
        delivered.push(writer.write({ kind: 'result', runId, result }));
        console.log(`${result.name}: ${result.status}`);
      },
    });
    await Promise.all(delivered);
    await writer.write({ kind: 'done', runId, count: results.length });
    return 0;
  } catch (error) {
    console.error(`cf-validate job: ${maskSecrets(error instanceof Error ? error.message : String(error), secrets)}`);
    return 1;
  }
}

// Explicit exit: a client library's idle socket must not keep a finished job running.
process.exit(await main());

// The validation job's entry point (the container's command; the emulator's job runner runs it as a
// local process): reads its configuration from the environment (job/config.ts), runs the data
// checks (task validate) or the deploy's database step (task databases, job/database-job.ts) with the runner, and appends each result to the run's results blob as it finishes (the
// write-only SAS URL the start request passed), then a final `done` line. Exit 0 when every result
// was delivered — a failing check is a result, not a job failure; non-zero when the job itself
// could not run or deliver (validate then reports the missing checks as failed).
import { checkEnvironment } from '@complianceflow/core/env.ts';
import { jobChecks } from './job/checks.ts';
import { jobSetUpCheckName, readJobConfiguration, type JobConfiguration } from './job/config.ts';
import { troubleshootingLink } from './model.ts';
import { databaseJobChecks } from './job/database-job.ts';
import { ResultsWriter } from './job/results-blob.ts';
import { sasSecrets } from './job/sas.ts';
import { maskSecrets, runChecks } from './runner.ts';

async function main(): Promise<number> {
  let secrets: string[] = [];
  let config: JobConfiguration | undefined;
  let writer: ResultsWriter | undefined;
  let planned = false;
  try {
    checkEnvironment(process.env, 'job');
    config = readJobConfiguration(process.env);
    secrets = sasSecrets(config.resultsUrl);
    const out = new ResultsWriter(config.resultsUrl);
    writer = out;
    const suite = config.task === 'databases' ? await databaseJobChecks(config) : await jobChecks(config);
    secrets = [...secrets, ...suite.secrets];
    const runId = config.runId;
    await out.write({ kind: 'plan', runId, checks: suite.checks.map((c) => maskSecrets(c.name, secrets)) });
    planned = true;
    console.log(`cf-validate job ${runId}: ${config.task}: ${suite.checks.length} checks for ${config.deployment} (${config.target})`);
    const delivered: Promise<void>[] = [];
    const results = await runChecks(suite.checks, {
      secrets,
      onResult: (result) => {
        delivered.push(out.write({ kind: 'result', runId, result }));
        console.log(`${result.name}: ${result.status}`);
      },
    });
    await Promise.all(delivered);
    await out.write({ kind: 'done', runId, count: results.length });
    return 0;
  } catch (error) {
    const reason = maskSecrets(error instanceof Error ? error.message : String(error), secrets);
    console.error(`cf-validate job: ${reason}`);
    // Set-up failed before any check was announced: say why through the results too, so the caller
    // shows the reason (not only the console log in Log Analytics). Best effort: the exit code stands.
    const out = writer;
    if (out !== undefined && config !== undefined && !planned) {
      const { runId, task } = config;
      const name = jobSetUpCheckName(task);
      const result = { name, status: 'fail' as const, reason, durationMs: 0, troubleshooting: troubleshootingLink(task === 'databases' ? 'database-step' : 'validation-job') };
      await out.write({ kind: 'plan', runId, checks: [name] })
        .then(() => out.write({ kind: 'result', runId, result }))
        .then(() => out.write({ kind: 'done', runId, count: 1 }))
        .catch(() => undefined);
    }
    return 1;
  }
}

// Explicit exit: a client library's idle socket must not keep a finished job running.
process.exit(await main());

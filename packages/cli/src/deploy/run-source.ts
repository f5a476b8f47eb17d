// Deploying a stored run again: `deploy <d> --template-from-run <run-id>` (that run's template, <d>'s
// own parameters) and `rollback <d> [--to <run-id>]` (<d>'s last good run: template and parameters).
// A run is refused — bad input, nothing deployed — when it does not exist, did not succeed, kept no
// template, belongs to another project or its files do not match the hashes its report recorded.
import { UsageError } from '@complianceflow/core/errors.ts';
import { parseJsonObject, isJsonObject } from '@complianceflow/core/json.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { fedBackParameters } from '../config/fed-back.ts';
import { projectIdentity, sha256 } from '../report/artifacts.ts';
import type { RunOrigin, RunReport } from '../report/model.ts';
import { findRun, runIdPattern, runsOf, type RunSources, type StoredRun } from '../report/stored-runs.ts';

/** What a deploy sends instead of a fresh compile (and, for a rollback, instead of the registry's parameters). */
export interface DeploySource {
  origin: RunOrigin;
  template: Record<string, unknown>;
  /** rollback: main.bicep's parameters as that run sent them (secure and fed-back ones left out). */
  parameters?: Record<string, JsonValue>;
}

export type SourceChoice = { kind: 'template-from-run'; runId: string } | { kind: 'rollback'; to?: string };

const succeeded = (report: RunReport): boolean => report.outcome === 'succeeded' || report.outcome === 'no-changes';

/** A run id as newRunId makes them (also keeps it from naming a path outside .runs/). */
export function checkRunId(runId: string, option: string, command: string): void {
  if (!runIdPattern.test(runId)) throw new UsageError(`${command}: ${option} "${runId}" is not a run id (like 20261205T120000Z-a1b2c3: the name of a directory in .runs/<deployment>/)`, 'cf-infra list shows the last run of each deployment; its report names the run id');
}

/** Why a run's report rules it out (undefined: usable), before its files are read. */
export function reportProblem(report: RunReport, project: string): string | undefined {
  const run = `run ${report.runId} (${report.deployment})`;
  if (!report.command.startsWith('deploy') && !report.command.startsWith('rollback')) return `${run} is not a deploy ("${report.command}")`;
  if (!succeeded(report)) return `${run} did not succeed (outcome "${report.outcome}"): only a successful run's template is deployed again`;
  if (report.artifact === undefined || !report.artifact.stored) return `${run} kept no template (a run from before templates were stored with the report)`;
  if (report.artifact.project !== project) return `${run} belongs to another project ("${report.artifact.project}"; this checkout is "${project}")`;
  return undefined;
}

interface LoadedRun {
  report: RunReport;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/** The run's template and parameters, refused with the reason when they are missing or do not match its report. */
async function loadRun(run: StoredRun, project: string): Promise<LoadedRun> {
  const { report } = run;
  const problem = reportProblem(report, project);
  if (problem !== undefined) throw new UsageError(`${problem}; nothing was deployed.`);
  const files = await run.files();
  const artifact = report.artifact!;
  for (const [name, text, hash] of [['template.json', files.template, artifact.templateSha256], ['parameters.json', files.parameters, artifact.parametersSha256]] as const) {
    if (text === undefined) throw new UsageError(`run ${report.runId} (${report.deployment}) has no ${name} ${run.where}; nothing was deployed.`);
    if (sha256(text) !== hash) throw new UsageError(`run ${report.runId} (${report.deployment}): ${name} ${run.where} does not match the sha256 its report recorded; nothing was deployed.`);
  }
  const template = parseJsonObject(files.template!);
  const parameters = parseJsonObject(files.parameters!)?.['parameters'];
  if (template === undefined || !isJsonObject(parameters)) throw new UsageError(`run ${report.runId} (${report.deployment}): its template.json or parameters.json ${run.where} is not a JSON object; nothing was deployed.`);
  return { report, template, parameters };
}

/** ARM's { name: { value } } back to main.bicep's parameters, without the ones the stack's outputs give (fed back on every deploy). */
function mainParametersOf(parameters: Record<string, unknown>): Record<string, JsonValue> {
  const fedBack = new Set(fedBackParameters.map((p) => p.parameter));
  return Object.fromEntries(Object.entries(parameters).filter(([name]) => !fedBack.has(name)).map(([name, p]) => [name, (p as { value: JsonValue }).value]));
}

/** A run shaped the stack when its apply ran (done, failed or interrupted part-way). */
const applied = (report: RunReport): boolean => report.phases.some((p) => p.name === 'apply' && p.outcome !== 'skipped');
const sameContent = (a: RunReport, b: RunReport): boolean => a.artifact !== undefined && b.artifact !== undefined && a.artifact.templateSha256 === b.artifact.templateSha256 && a.artifact.parametersSha256 === b.artifact.parametersSha256;

/**
 * <d>'s last good run before the current state: the current state is the newest run whose apply ran;
 * the target is the newest successful run before it with a kept template — when the current run
 * succeeded, one whose template or parameters differ from it (else the rollback would change nothing).
 */
export async function rollbackRun(deployment: string, sources: RunSources, project: string): Promise<StoredRun> {
  let current: RunReport | undefined;
  const skipped: string[] = [];
  for await (const run of runsOf(deployment, sources)) {
    if (current === undefined) {
      if (applied(run.report)) current = run.report;
      continue;
    }
    const problem = reportProblem(run.report, project);
    if (problem !== undefined) {
      if (succeeded(run.report)) skipped.push(problem);
      continue;
    }
    if (succeeded(current) && sameContent(run.report, current)) continue;
    return run;
  }
  if (current === undefined) throw new UsageError(`rollback: no run of ${deployment} that changed its stack was found (locally in .runs/${deployment}/ or in the artifacts account); nothing was deployed.`, 'name the run to go back to with --to <run-id>');
  const why = skipped.length === 0 ? '' : `; successful runs ruled out:\n  - ${skipped.join('\n  - ')}`;
  throw new UsageError(`rollback: no successful run of ${deployment} with a kept template before the current state (run ${current.runId}, ${current.outcome})${why}\nnothing was deployed.`, 'name the run to go back to with --to <run-id>');
}

async function chosenRun(deployment: string, choice: SourceChoice, sources: RunSources, project: string): Promise<StoredRun> {
  if (choice.kind === 'rollback' && choice.to === undefined) return rollbackRun(deployment, sources, project);
  const runId = choice.kind === 'rollback' ? choice.to! : choice.runId;
  const run = await findRun(runId, sources);
  if (run === undefined) throw new UsageError(`run ${runId} was not found: not in ${sources.runsDir}/*/${runId}/${sources.store === undefined ? '' : ` nor in the artifacts account (runs/*/${runId}/)`}; nothing was deployed.`);
  if (choice.kind === 'rollback' && run.report.deployment !== deployment) {
    throw new UsageError(`rollback: run ${runId} is a run of ${run.report.deployment}, not ${deployment}; nothing was deployed.`, `to deploy its template with ${deployment}'s parameters: cf-infra deploy ${deployment} --template-from-run ${runId}`);
  }
  return run;
}

/** The template (and for a rollback the parameters) to deploy, or a UsageError saying why not. */
export async function loadDeploySource(deployment: string, choice: SourceChoice, sources: RunSources, project: string = projectIdentity()): Promise<DeploySource> {
  const loaded = await loadRun(await chosenRun(deployment, choice, sources, project), project);
  const origin: RunOrigin = { kind: choice.kind, runId: loaded.report.runId, deployment: loaded.report.deployment };
  return { origin, template: loaded.template, ...(choice.kind === 'rollback' ? { parameters: mainParametersOf(loaded.parameters) } : {}) };
}

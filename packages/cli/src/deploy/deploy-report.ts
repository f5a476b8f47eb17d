// The deploy's run report: built from the context once the steps and the unlock ran, written to
// .runs/, uploaded next to the lock, printed in the run's format, and in the job summary.
import os from 'node:os';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { currentActor } from '../lock/index.ts';
import { maskDeep } from '../report/mask.ts';
import type { RunReport } from '../report/model.ts';
import { renderReportJson, renderReportMarkdown, renderReportText } from '../report/render.ts';
import { defaultRunsDir, uploadRunReport, writeRunReport } from '../report/store.ts';
import type { Resource } from '../plan/resources.ts';
import { summaryLine } from '../whatif/index.ts';
import type { DeployContext } from './deploy-context.ts';
import { must } from './locked-run.ts';
import type { Preflight } from './preflight.ts';
import { artifactRecord } from './run-artifacts.ts';

/** The plan of the shape this run sent (the follow-up's from the second deploy on). */
function planRecord(preflight: Preflight, resources: readonly Resource[]): NonNullable<RunReport['plan']> {
  const byType: Record<string, number> = {};
  for (const r of resources) byType[String(r.type)] = (byType[String(r.type)] ?? 0) + 1;
  return {
    resources: resources.length,
    byType,
    policy: { evaluated: preflight.policy.evaluated, denied: preflight.policy.denied, audited: preflight.policy.audited },
    cost: {
      monthlyUsd: preflight.cost.monthlyTotal,
      budgetUsd: preflight.budget.budgetUsd,
      message: preflight.budget.message,
      byResource: preflight.cost.byResource.map(({ resourceId, name, type, monthly }) => ({ resourceId, name, type, monthly })),
    },
  };
}

function outputsOf(stack: DeploymentStack): Record<string, unknown> {
  const outputs = (stack.properties?.outputs ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, (o as { value?: unknown })?.value ?? o]));
}

function resultRecord(ctx: DeployContext, stack: DeploymentStack): NonNullable<RunReport['result']> {
  const { validation, checks } = ctx;
  return {
    provisioningState: stack.properties?.provisioningState ?? 'unknown',
    managedResources: stack.properties?.resources?.length ?? 0,
    outputs: outputsOf(stack),
    ...(validation === undefined ? {} : { validation }),
    ...(checks === undefined ? {} : { checks: checks.map(({ name, status, reason, durationMs }) => ({ name, status, reason, durationMs })) }),
  };
}

export function buildDeployReport(ctx: DeployContext): RunReport {
  const preflight = must(ctx.preflight, 'the plan');
  const arm = must(ctx.arm, 'the ARM session');
  const { whatIf: model, stack, secrets, databases, error } = ctx;
  return maskDeep({
    runId: ctx.runId,
    command: ctx.request.command,
    deployment: ctx.request.deployment,
    environment: preflight.environment,
    location: preflight.location,
    stack: preflight.stack.name,
    target: arm.where,
    subscriptionId: arm.clients.subscriptionId,
    who: currentActor(),
    host: os.hostname(),
    startedAt: ctx.startedAt,
    finishedAt: new Date().toISOString(),
    outcome: ctx.outcome,
    exitCode: ctx.exitCode,
    phases: ctx.run.phases,
    plan: planRecord(preflight, ctx.shape?.resources ?? preflight.plan.resources),
    ...(model === undefined
      ? {}
      : { whatIf: { source: model.source, summary: model.summary, summaryLine: summaryLine(model.summary), changes: model.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore').map((c) => ({ kind: c.kind, resourceId: c.resourceId })) } }),
    ...(stack === undefined ? {} : { result: resultRecord(ctx, stack) }),
    ...(secrets === undefined ? {} : { secrets: { vault: secrets.vaultUrl, created: secrets.created, kept: secrets.kept, operatorMissing: secrets.operatorMissing, failed: secrets.failed, ...(secrets.notRun === undefined ? {} : { notRun: secrets.notRun }) } }),
    ...(ctx.noise === undefined ? {} : { noise: ctx.noise }),
    ...(databases === undefined ? {} : { databases: { ran: databases.ran, ...(databases.notRun === undefined ? {} : { notRun: databases.notRun }), results: databases.results.map(({ name, status, reason }) => ({ name, status, reason })) } }),
    ...artifactRecord(ctx),
    ...(error === undefined ? {} : { error }),
  } satisfies RunReport);
}

/** Writes, uploads and prints the report; the last lines say how the run ended. */
export async function publishDeployReport(ctx: DeployContext): Promise<void> {
  const { request, services } = ctx;
  const { progress } = services;
  const report = buildDeployReport(ctx);
  const reportDir = await writeRunReport(report, services.runsDir ?? defaultRunsDir);
  const uploaded = await uploadRunReport(report, must(ctx.store, 'the lock store')).catch(() => undefined);
  ctx.report = report;
  ctx.reportDir = reportDir;

  if (request.format === 'json') progress.print(renderReportJson(report).trimEnd());
  else if (request.format === 'markdown') progress.print(renderReportMarkdown(report));
  else progress.print(`\n${renderReportText(report)}`);
  // JSON: stdout carries the report alone (for jq); where it was written is in report.json's runId.
  if (request.format !== 'json') progress.print(`Run report: ${reportDir}${uploaded ? ` (uploaded to ${uploaded})` : ''}`);
  progress.summary(renderReportMarkdown(report));
  if (ctx.outcome === 'interrupted') progress.notice(`${request.deployment}: interrupted; lock released, run report written`);
  else if (ctx.outcome === 'failed') progress.error(`${request.deployment}: ${ctx.error?.message.split('\n')[0] ?? 'failed'}`);
  else progress.notice(`${request.deployment}: ${ctx.outcome === 'no-changes' ? 'no changes' : ctx.outcome}`);
}

// The offline plan of one or more deployments: compile + lint main.bicep once (or take the result
// from the compile cache), then per deployment write its .bicepparam `using` the compiled JSON, take
// the snapshot (real template engine, modules expanded), normalize, summarize and run the plan
// stages. One Bicep session (one jsonrpc process) serves them all.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compileCached, snapshotCached } from '@complianceflow/core/bicep/compile-cache.ts';
import { mapConcurrently } from '@complianceflow/core/concurrency.ts';
import type { BicepSession, Snapshot, SnapshotMetadata } from '@complianceflow/core/bicep/index.ts';
import { bicepConfigFile, defaultCacheDir, defaultCompileCacheDir, mainTemplate } from './paths.ts';
import { followUpPlaceholders } from '../config/fed-back.ts';
import type { JsonValue } from '@complianceflow/core/bicep/bicep-literal.ts';
import { followUpDelta } from './follow-up.ts';
import { writeParametersFile } from '@complianceflow/core/bicep/parameters-file.ts';
import { normalizeResources, type Resource } from './resources.ts';
import { planStages } from './checks.ts';
import type { PlanStage } from './stages.ts';
import { summarize, type PlanSummary } from './summary.ts';
import { placeholderId, type PlanTarget } from './target.ts';
import { stackName } from '../naming/derive.ts';

export { mainTemplate, defaultCacheDir, defaultCompileCacheDir };
export { placeholderId };

export interface DeploymentPlan {
  deployment: string;
  parameters: Record<string, JsonValue>;
  resources: Resource[];
  summary: PlanSummary;
  /** Stage key → result. */
  stages: Record<string, unknown>;
  /** Keys of the stages whose result fails the plan. */
  failedStages: string[];
  /** The shape of every deploy after the first (outputs fed back, config/fed-back.ts); absent with followUp: false. */
  followUp?: FollowUpPlan;
}

/** The follow-up deploy's plan: the fed-back parameters at their placeholders, its resources and stage results. */
export interface FollowUpPlan {
  /** Only the fed-back parameters (the rest are the plan's own). */
  parameters: Record<string, JsonValue>;
  resources: Resource[];
  stages: Record<string, unknown>;
  failedStages: string[];
}

export interface PlanOptions {
  bicep: BicepSession;
  templateFile?: string;
  cacheDir?: string;
  stages?: readonly PlanStage[];
  /** Called before each deployment is planned (progress output). */
  onDeployment?: (deployment: string, index: number, total: number) => void;
  /** Also plan the follow-up deploy's shape (default true). */
  followUp?: boolean;
  /** The compile and snapshot cache's directory; null bypasses it (--no-cache). Default: defaultCompileCacheDir. */
  compileCacheDir?: string | null;
  /** The compiled template, when the caller compiled it already (compilePlanTemplate). */
  compiled?: CompiledPlanTemplate;
}

export interface CompiledPlanTemplate {
  /** The ARM template JSON of main.bicep. */
  template: Record<string, unknown>;
  /** Where it is written: the deployments' .bicepparam files `using` it. */
  file: string;
}

const resultCacheDir = (options: PlanOptions): string | undefined => (options.compileCacheDir === null ? undefined : (options.compileCacheDir ?? defaultCompileCacheDir));

/** Compiles and lints the template (warnings are errors), through the compile cache, and writes its JSON for the .bicepparam files. */
export async function compilePlanTemplate(options: PlanOptions): Promise<CompiledPlanTemplate> {
  const cacheDir = resultCacheDir(options);
  const { template } = await compileCached(options.bicep, options.templateFile ?? mainTemplate, { cacheDir, strict: true, configFile: bicepConfigFile });
  const file = path.join(options.cacheDir ?? defaultCacheDir, 'main.json');
  await mkdir(path.dirname(file), { recursive: true });
  // Concurrent plans share .cache/plan: each writes its own temp file and renames it into place.
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, JSON.stringify(template));
  await rename(temp, file);
  return { template, file };
}

export function snapshotMetadata(target: PlanTarget): SnapshotMetadata {
  return { tenantId: placeholderId, subscriptionId: placeholderId, location: target.location, deploymentName: stackName(target.deployment) };
}

export function parametersFilePath(deployment: string, cacheDir: string = defaultCacheDir): string {
  return path.join(cacheDir, deployment, 'main.bicepparam');
}

/** The follow-up shape's parameters file, next to the first deploy's. */
export function followUpParametersFilePath(deployment: string, cacheDir: string = defaultCacheDir): string {
  return path.join(cacheDir, deployment, 'follow-up.bicepparam');
}

async function planShape(target: PlanTarget, paramsFile: string, header: string, options: PlanOptions & { compiled: CompiledPlanTemplate }): Promise<Omit<DeploymentPlan, 'deployment' | 'parameters' | 'followUp'>> {
  await writeParametersFile(options.compiled.file, paramsFile, target.parameters, header);
  const inputs = { paramsFile, templateFile: options.compiled.file, metadata: snapshotMetadata(target), cacheDir: resultCacheDir(options), configFile: bicepConfigFile };
  const snapshot: Snapshot = await snapshotCached(options.bicep, inputs);
  const resources = normalizeResources(snapshot.predictedResources);
  const summary = summarize(resources);
  const stages: Record<string, unknown> = {};
  const failedStages: string[] = [];
  for (const stage of options.stages ?? planStages) {
    const value = await stage.run({ target, resources, summary, snapshot });
    stages[stage.key] = value;
    if (stage.failed?.(value) === true) failedStages.push(stage.key);
  }
  return { resources, summary, stages, failedStages };
}

async function planDeployment(target: PlanTarget, options: PlanOptions & { compiled: CompiledPlanTemplate }): Promise<DeploymentPlan> {
  const header = `Generated by \`cf-infra plan ${target.deployment}\` from deployments/. Do not edit.`;
  const fedBack = followUpPlaceholders(target.location);
  const followUpTarget: PlanTarget = { ...target, parameters: { ...target.parameters, ...fedBack } };
  // Both shapes at once: the Bicep process answers them in turn (measured: 8 snapshots sent at once
  // take as long as 8 sent one by one), so this only keeps it from idling between requests.
  const [first, followUp] = await Promise.all([
    planShape(target, parametersFilePath(target.deployment, options.cacheDir), header, options),
    options.followUp === false ? undefined : planShape(followUpTarget, followUpParametersFilePath(target.deployment, options.cacheDir), `${header}\nThe follow-up deploy's shape: the stack outputs fed back (placeholders).`, options),
  ]);
  const plan: DeploymentPlan = { deployment: target.deployment, parameters: target.parameters, ...first };
  if (followUp === undefined) return plan;
  return { ...plan, followUp: { parameters: fedBack, resources: followUp.resources, stages: followUp.stages, failedStages: followUp.failedStages } };
}

/** How many deployments are planned at once (each takes two snapshots at once): requests queue, never idle. */
const deploymentsPlannedAtOnce = 2;

/** Compiles the template once (compilePlanTemplate, unless given), then plans the targets, a few at once; the plans in the targets' order. */
export async function planDeployments(targets: readonly PlanTarget[], options: PlanOptions): Promise<DeploymentPlan[]> {
  const compiled = options.compiled ?? (await compilePlanTemplate(options));
  return mapConcurrently(targets, deploymentsPlannedAtOnce, (target, index) => {
    options.onDeployment?.(target.deployment, index, targets.length);
    return planDeployment(target, { ...options, compiled });
  });
}

/**
 * `plan --json` of one deployment: { deployment, parameters, resources, summary, <stage keys>...,
 * followUp: { parameters, resources (added or changed), removed, <stage keys>... } }.
 */
export function planJson(plan: DeploymentPlan): Record<string, unknown> {
  const followUp = plan.followUp === undefined ? {} : { followUp: { parameters: plan.followUp.parameters, ...followUpDelta(plan.resources, plan.followUp.resources), ...plan.followUp.stages } };
  return { deployment: plan.deployment, parameters: plan.parameters, resources: plan.resources, summary: plan.summary, ...plan.stages, ...followUp };
}

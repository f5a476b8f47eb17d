// The offline half of a deploy (no ARM call): config, compile + lint, parameters, snapshot, policy
// check and cost against the budget. A policy deny or an estimate over budget fails (exit 1, as in plan).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BicepSession } from '@complianceflow/core/bicep/index.ts';
import { fedBackFromOutputs } from '../config/fed-back.ts';
import type { ResolvedDeployment } from '../config/resolve.ts';
import type { BudgetCheck, CostEstimate } from '../cost/index.ts';
import { CliError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import type { CostResult } from '../plan/checks.ts';
import { compilePlanTemplate, planDeployments, type CompiledPlanTemplate, type DeploymentPlan } from '../plan/pipeline.ts';
import type { Resource } from '../plan/resources.ts';
import type { PlanTarget } from '../plan/target.ts';
import { resolveTargets } from '../plan/targets.ts';
import type { PolicyEvaluation } from '@complianceflow/core/policy/index.ts';
import type { StackSettings } from '../arm/stack-definition.ts';

export interface Preflight {
  deployment: string;
  location: string;
  environment: string;
  resolved: ResolvedDeployment;
  plan: DeploymentPlan;
  /** The compiled ARM template of bicep/main.bicep. */
  template: Record<string, unknown>;
  /** ARM parameters: { name: { value } }. */
  parameters: Record<string, unknown>;
  policy: PolicyEvaluation;
  cost: CostEstimate;
  budget: BudgetCheck;
  stack: StackSettings;
  /** The resources of a deploy with the stack's outputs fed back (every deploy after the first). */
  followUpResources: Resource[];
}

/** What one deploy (or what-if) sends and expects, given the stack as it is now. */
export interface DeployShape {
  /** ARM parameters: the preflight's, plus the outputs of the existing stack fed back. */
  parameters: Record<string, unknown>;
  /** The planned resources of that shape (their types and api-versions are what matter). */
  resources: Resource[];
  /** The fed-back parameter names (none on a first deploy). */
  fedBack: string[];
}

/** The first deploy's shape without a stack; with one, its outputs fed back (config/fed-back.ts). */
export function deployShape(preflight: Pick<Preflight, 'parameters' | 'plan' | 'followUpResources'>, existing: { properties?: { outputs?: unknown } } | undefined): DeployShape {
  const fedBack = fedBackFromOutputs(existing?.properties?.outputs);
  const names = Object.keys(fedBack);
  return { parameters: { ...preflight.parameters, ...fedBack }, resources: names.length === 0 ? preflight.plan.resources : preflight.followUpResources, fedBack: names };
}

/** Validates the name and the registry only (bad input stops here, before any process starts). */
export function resolveTarget(deployment: string, registryRoot?: string): PlanTarget {
  return resolveTargets([deployment], registryRoot)[0]!;
}

export function stackSettings(resolved: ResolvedDeployment): StackSettings {
  const { actionOnUnmanage, denySettings } = resolved.settings.stack;
  return {
    name: resolved.otherNames.deploymentStack,
    actionOnUnmanage: { resources: actionOnUnmanage.resources, resourceGroups: actionOnUnmanage.resourceGroups, managementGroups: 'detach' },
    denySettings: { mode: denySettings.mode, applyToChildScopes: denySettings.applyToChildScopes ?? false },
  };
}

/** A given compiled template where the .bicepparam files of this run's scratch directory expect main.json. */
async function writeCompiledTemplate(template: Record<string, unknown>, cacheDir: string): Promise<CompiledPlanTemplate> {
  const file = path.join(cacheDir, 'main.json');
  await writeFile(file, JSON.stringify(template));
  return { template, file };
}

function refuseFailedChecks(target: Pick<PlanTarget, 'deployment' | 'environment'>, resolved: ResolvedDeployment, policy: PolicyEvaluation, budget: BudgetCheck, when: string): void {
  if (policy.denied > 0) {
    const denials = policy.results.filter((r) => r.effect === 'deny').map((r) => `  - ${r.name} (${r.resourceType}): ${r.policy} [${r.assignment}]: ${r.reason}`);
    throw new CliError(`${target.deployment}: ${policy.denied} resource(s) would be denied by the ${target.environment} policy assignment${when}; nothing was sent to Azure:\n${denials.join('\n')}`, {
      exitCode: ExitCode.Failed,
      hint: `change ${resolved.file} or deployments/profiles/${target.environment}.yaml so the resources comply (cf-infra plan ${target.deployment} shows them)`,
    });
  }
  if (!budget.withinBudget) {
    throw new CliError(`${target.deployment}: ${budget.message}${when}; nothing was sent to Azure.`, {
      exitCode: ExitCode.Failed,
      hint: `lower the SKUs in ${resolved.file} / deployments/profiles/${target.environment}.yaml, or raise budget.monthlyUsd there`,
    });
  }
}

/** The plan's refusals (exit 1): a policy deny or an estimate over budget, of the first deploy's shape or the follow-up's. */
export function refuseFailedPreflight(preflight: Preflight): void {
  const { resolved } = preflight;
  refuseFailedChecks(preflight, resolved, preflight.policy, preflight.budget, '');
  const followUp = preflight.plan.followUp!;
  refuseFailedChecks(preflight, resolved, followUp.stages['policy'] as PolicyEvaluation, (followUp.stages['cost'] as CostResult).budget, ` from its second deploy on (stack outputs fed back: ${Object.keys(followUp.parameters).join(', ')})`);
}

/**
 * The preflight and its refusal: what a deploy runs before it touches ARM. `template`: a compiled
 * template to plan and deploy instead of compiling bicep/main.bicep (a stored run's, deploy/run-source.ts);
 * the snapshot, policy and cost are taken from it all the same.
 */
export async function runPreflight(target: PlanTarget, bicep: BicepSession, template?: Record<string, unknown>): Promise<Preflight> {
  const preflight = await planPreflight(target, bicep, template);
  refuseFailedPreflight(preflight);
  return preflight;
}

/** The preflight without its refusal: a what-if for review shows the policy and cost results that fail it. */
export async function planPreflight(target: PlanTarget, bicep: BicepSession, template?: Record<string, unknown>): Promise<Preflight> {
  const resolved = target.resolved as ResolvedDeployment;
  // A scratch directory per run: concurrent runs never read each other's half-written files.
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), `cf-deploy-${target.deployment}-`));
  try {
    const compiled = template === undefined ? await compilePlanTemplate({ bicep, cacheDir }) : await writeCompiledTemplate(template, cacheDir);
    const [plan] = await planDeployments([target], { bicep, cacheDir, compiled });
    // The plan's own policy and cost stages (plan/checks.ts) decide, for the first deploy's shape and
    // the follow-up's (every later deploy takes it); the deploy only explains.
    const policy = plan!.stages['policy'] as PolicyEvaluation;
    const { budget, ...cost } = plan!.stages['cost'] as CostResult;
    const followUp = plan!.followUp!;
    // What the .bicepparam would compile to (ARM's { name: { value } }), without compiling it again.
    const parameters = Object.fromEntries(Object.entries(target.parameters).filter(([, value]) => value !== undefined).map(([name, value]) => [name, { value }]));
    return {
      deployment: target.deployment,
      location: target.location,
      environment: target.environment,
      resolved,
      plan: plan!,
      template: compiled.template,
      parameters,
      policy,
      cost,
      budget,
      stack: stackSettings(resolved),
      followUpResources: followUp.resources,
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

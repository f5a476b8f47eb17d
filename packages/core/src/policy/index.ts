// The offline policy check: the assignments of policies/ for a deployment's environment,
// evaluated against the resources of its Bicep snapshot. `deny` fails a plan, `audit` warns.
// The same `evaluate` serves the ARM emulator's RequestDisallowedByPolicy check.

import { isIndexedType } from './aliases.ts';
import { PolicyFileError, RuleError } from './errors.ts';
import { evaluateRule, type RuleScope } from './evaluate.ts';
import { assignmentsFor, loadPolicyLibrary, type PolicyLibrary } from './loader.ts';
import { isUnderScope, type ExcludedScope } from './exclusions.ts';
import type { ArmResource, EffectivePolicy, EvaluationScope, ExemptedResource, PolicyEvaluation, PolicyResult } from './types.ts';

export type * from './types.ts';
export { evaluateRule, checkRule, type RuleOutcome, type RuleScope } from './evaluate.ts';
export { loadPolicyLibrary, assignmentsFor, defaultPoliciesDir, type PolicyLibrary, type LoadedAssignment } from './loader.ts';
export { resolveAssignment, policyKey, AssignmentError, type PolicyLookup } from './assignments.ts';
export { PolicyFileError, RuleError } from './errors.ts';
export { aliasTable, lookupAlias, policyResourceType } from './aliases.ts';
export { baselineExclusions, platformCreatedGroups, infrastructureGroupName, withExclusions, type ExcludedScope, type InfrastructureGroupSource } from './exclusions.ts';

/** Resource types Azure Policy does not evaluate as resources (deployments are an envelope, not a resource). */
const notEvaluated = new Set(['microsoft.resources/deployments']);

function appliesTo(policy: EffectivePolicy, resource: ArmResource): boolean {
  if (notEvaluated.has(resource.type.toLowerCase())) return false;
  const mode = policy.definition.properties.mode.toLowerCase();
  return mode === 'all' || isIndexedType(resource.type, typeof resource.location === 'string');
}

function isDisabled(policy: EffectivePolicy): boolean {
  const effect = policy.definition.properties.policyRule.then.effect;
  // A literal or parameter-driven "Disabled" effect: Azure skips evaluation altogether.
  if (typeof effect !== 'string') return false;
  if (effect.toLowerCase() === 'disabled') return true;
  const parameter = /^\[parameters\('([^']+)'\)\]$/i.exec(effect)?.[1];
  if (parameter === undefined) return false;
  const key = Object.keys(policy.parameters).find((k) => k.toLowerCase() === parameter.toLowerCase());
  return key !== undefined && String(policy.parameters[key]).toLowerCase() === 'disabled';
}

/** The deciding conditions, without the `type` test that only selects the resource type (unless it is all there is). */
function reasonOf(why: string[]): string {
  const specific = why.filter((w) => !/^type is /.test(w));
  return (specific.length > 0 ? specific : why).join('; ');
}

/**
 * Evaluates one resource against resolved policies. Returns one result per policy whose rule
 * matched (the resource is non-compliant), with the effect that applies.
 */
export function evaluate(resource: ArmResource, policies: readonly EffectivePolicy[], scope: RuleScope = {}): PolicyResult[] {
  const results: PolicyResult[] = [];
  for (const policy of policies) {
    if (!appliesTo(policy, resource) || isDisabled(policy)) continue;
    let outcome;
    try {
      outcome = evaluateRule(policy.definition.properties.policyRule, resource, policy.parameters, scope);
    } catch (error) {
      if (error instanceof RuleError) {
        throw new PolicyFileError(`policy definition "${policy.definition.name}"`, `properties.policyRule.${error.path}`, `${error.message} (evaluating ${resource.id ?? resource.name})`, error.hint);
      }
      throw error;
    }
    if (!outcome.matched || outcome.effect.toLowerCase() === 'disabled') continue;
    results.push({
      resourceId: resource.id ?? resource.name,
      resourceType: resource.type,
      name: resource.name,
      policy: policy.definition.properties.displayName,
      referenceId: policy.referenceId,
      assignment: policy.assignment,
      // An assignment with enforcementMode DoNotEnforce records non-compliance but blocks nothing.
      effect: !policy.enforced && outcome.effect === 'deny' ? 'audit' : outcome.effect,
      reason: reasonOf(outcome.why),
    });
  }
  return results;
}

/**
 * The offline policy check of a plan: every assignment of `context.environment` in policies/
 * (or in `options.library`), evaluated against every predicted resource. `exclusions` are the
 * notScopes bootstrap adds to every assignment: a resource under one is not evaluated, and is
 * reported as exempted with the results the exclusion suppresses.
 */
export function evaluatePolicies(resources: readonly ArmResource[], context: EvaluationScope, options: { library?: PolicyLibrary; exclusions?: readonly ExcludedScope[] } = {}): PolicyEvaluation {
  const library = options.library ?? loadPolicyLibrary();
  const assignments = assignmentsFor(library, context.environment);
  if (assignments.length === 0) {
    throw new PolicyFileError(
      'policies/assignments',
      '',
      `no policy assignment for environment "${context.environment}"`,
      `assignments exist for: ${[...new Set(library.assignments.map((a) => a.environment))].join(', ') || 'none'}`,
    );
  }
  const policies = assignments.flatMap((a) => a.policies);
  const scope: RuleScope = { subscriptionId: context.subscriptionId, location: context.location, ...(context.resourceGroup === undefined ? {} : { resourceGroup: context.resourceGroup }) };
  const results: PolicyResult[] = [];
  const exempted: ExemptedResource[] = [];
  let evaluated = 0;
  for (const resource of resources) {
    const excluded = resource.id === undefined ? undefined : options.exclusions?.find((e) => isUnderScope(resource.id!, e.scope));
    if (excluded !== undefined) {
      const suppressed = evaluate(resource, policies, scope);
      exempted.push({ resourceId: resource.id!, resourceType: resource.type, name: resource.name, scope: excluded.scope, reason: excluded.reason, suppressed });
      continue;
    }
    evaluated += policies.filter((p) => appliesTo(p, resource)).length;
    results.push(...evaluate(resource, policies, scope));
  }
  return {
    results,
    exempted,
    denied: results.filter((r) => r.effect === 'deny').length,
    audited: results.filter((r) => r.effect === 'audit').length,
    evaluated,
  };
}


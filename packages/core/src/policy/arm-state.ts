// The evaluator over policy resources as ARM stores them (the ARM emulator's state): assignments,
// initiatives and definitions as `{ id, name, type, body }`, the resource as its PUT body.
// Initiative parameters are mapped through the set's references exactly as for policies/.

import { AssignmentError, resolveAssignment, type PolicyLookup } from './assignments.ts';
import { PolicyFileError } from './errors.ts';
import { isUnderScope } from './exclusions.ts';
import { evaluate } from './index.ts';
import type { ArmResource, EffectivePolicy, PolicyAssignment, PolicyDefinition, PolicyResult, PolicySetDefinition } from './types.ts';

export interface StoredPolicyResource {
  id: string;
  name: string;
  type: string;
  body: Record<string, unknown>;
}

export interface ArmPolicyVerdict {
  /** Every non-compliant (assignment, policy) pair, deny or not. */
  results: PolicyResult[];
  /** The first enforced deny: the assignment and definition RequestDisallowedByPolicy names. */
  denial?: { assignment: StoredPolicyResource; definition: StoredPolicyResource; result: PolicyResult };
}


/**
 * Evaluates a resource about to be written against the assignments that cover it. `lookup` finds
 * stored definitions and initiatives by id (case-insensitive, as ARM ids are). `resolved` keeps each
 * assignment's resolved policies for the next resource of the same request: a caller passes one map
 * per request (the state does not change while it checks that request's resources), never across requests.
 */
export function evaluateArmAssignments(
  resource: { id: string; type: string; name: string; body: Record<string, unknown> },
  assignments: readonly StoredPolicyResource[],
  lookup: (id: string) => StoredPolicyResource | undefined,
  resolved: Map<StoredPolicyResource, EffectivePolicy[]> = new Map(),
): ArmPolicyVerdict {
  const asPolicy: PolicyLookup = (id) => {
    const stored = lookup(id);
    if (stored === undefined) return undefined;
    const value = { id: stored.id, name: stored.name, properties: stored.body['properties'] };
    return stored.type.toLowerCase() === 'microsoft.authorization/policysetdefinitions'
      ? { kind: 'initiative', value: value as unknown as PolicySetDefinition }
      : { kind: 'definition', value: value as unknown as PolicyDefinition };
  };
  const armResource: ArmResource = { ...resource.body, id: resource.id, type: resource.type, name: resource.name };
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(resource.id)?.[1];
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(resource.id)?.[1];
  const results: PolicyResult[] = [];
  let denial: ArmPolicyVerdict['denial'];
  for (const stored of assignments) {
    const assignment = { name: stored.name, properties: stored.body['properties'] } as unknown as PolicyAssignment;
    if ((assignment.properties.notScopes ?? []).some((scope) => isUnderScope(resource.id, scope))) continue;
    let policies = resolved.get(stored);
    try {
      policies ??= resolveAssignment(assignment, asPolicy, (id) => lookup(id)?.id ?? id, stored.id);
    } catch (error) {
      if (error instanceof AssignmentError) throw new PolicyFileError(error.document, error.path, error.message, error.hint);
      throw error;
    }
    resolved.set(stored, policies);
    const found = evaluate(armResource, policies, { ...(subscriptionId === undefined ? {} : { subscriptionId }), ...(resourceGroup === undefined ? {} : { resourceGroup }) });
    results.push(...found);
    if (denial === undefined) {
      const deny = found.find((r) => r.effect === 'deny');
      const policy = deny === undefined ? undefined : policies.find((p) => p.referenceId === deny.referenceId);
      const definition = policy === undefined ? undefined : lookup(policy.definition.id);
      if (deny !== undefined && definition !== undefined) denial = { assignment: stored, definition, result: deny };
    }
  }
  return denial === undefined ? { results } : { results, denial };
}

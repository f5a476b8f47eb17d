// The policy hook: before a resource is written, the assignments whose scope covers it are
// evaluated; a `deny` answers 403 RequestDisallowedByPolicy naming assignment and definition.
// The evaluator is an interface; the default is the orchestrator's own Azure Policy evaluator
// (packages/cli/src/policy: the full rule language, aliases, initiatives, notScopes, enforcement mode).
// Shapes: specification/resources/resource-manager/Microsoft.Authorization/policy/stable/2023-04-01/policyAssignments.json
// and policyDefinitions.json; the error as ARM returns it (code RequestDisallowedByPolicy, additionalInfo PolicyViolation).
import { evaluateArmAssignments, type StoredPolicyResource } from '@complianceflow/core/policy/arm-state.ts';
import type { EffectivePolicy } from '@complianceflow/core/policy/types.ts';
import { loadPolicyLibrary } from '@complianceflow/core/policy/index.ts';
import { ArmError } from './errors.ts';
import { asObject } from './http.ts';
import { isWithin, key } from './ids.ts';
import type { StoredResource } from './state.ts';

export interface ResourceForPolicy {
  id: string;
  type: string;
  name: string;
  body: Record<string, unknown>;
}

export interface PolicyDenial {
  assignment: StoredResource;
  definition: StoredResource;
}

export interface PolicyEvaluator {
  /**
   * The first enforced deny among `assignments` (which cover the resource), if any. `resolved` is the
   * request's memo of resolved assignments (PolicyView).
   */
  evaluate(resource: ResourceForPolicy, assignments: readonly StoredResource[], lookup: (id: string) => StoredResource | undefined, resolved?: Map<StoredPolicyResource, EffectivePolicy[]>): PolicyDenial | undefined;
}

/** The orchestrator's offline evaluator (packages/cli/src/policy), the same one `cf-infra plan` runs. */
export const sharedEvaluator: PolicyEvaluator = {
  evaluate(resource, assignments, lookup, resolved) {
    const denial = evaluateArmAssignments(resource, assignments, lookup, resolved).denial;
    return denial === undefined ? undefined : { assignment: denial.assignment as StoredResource, definition: denial.definition as StoredResource };
  },
};

let builtIns: Map<string, StoredResource> | undefined;
/**
 * Azure's built-in definitions live at tenant scope (`/providers/Microsoft.Authorization/policyDefinitions/<guid>`)
 * and exist before anyone writes them. The emulator knows those that policies/ mirrors.
 */
function builtInDefinition(id: string): StoredResource | undefined {
  builtIns ??= new Map(
    loadPolicyLibrary()
      .definitions.filter(({ definition }) => definition.id?.toLowerCase().startsWith('/providers/microsoft.authorization/policydefinitions/') === true)
      .map(({ definition }): [string, StoredResource] => {
        const body = definition as unknown as Record<string, unknown>;
        return [key(definition.id!), { id: definition.id!, type: 'Microsoft.Authorization/policyDefinitions', name: definition.name, apiVersion: '2023-04-01', declared: body, body }];
      }),
  );
  return builtIns.get(key(id));
}

/** A policy resource held in state, or a built-in definition. */
export function policyLookup(resources: Record<string, StoredResource>): (id: string) => StoredResource | undefined {
  return (id) => resources[key(id)] ?? builtInDefinition(id);
}

/**
 * The policy side of the state, read once to check every resource of one request (nothing writes
 * state in between): the assignments whose definition (or initiative) is held, with their scope,
 * and each assignment's resolved policies once resolved. Never kept past the request.
 */
export interface PolicyView {
  assignments: readonly { resource: StoredResource; scope: string }[];
  lookup: (id: string) => StoredResource | undefined;
  resolved: Map<StoredPolicyResource, EffectivePolicy[]>;
}

export function policyView(resources: Record<string, StoredResource>): PolicyView {
  const lookup = policyLookup(resources);
  const assignments = Object.values(resources).flatMap((r) => {
    if (r.type.toLowerCase() !== 'microsoft.authorization/policyassignments') return [];
    const props = asObject(r.body.properties) ?? {};
    if (lookup(String(props.policyDefinitionId ?? '')) === undefined) return [];
    const scope = typeof props.scope === 'string' ? props.scope : r.id.slice(0, r.id.toLowerCase().indexOf('/providers/microsoft.authorization/')) || '/';
    return [{ resource: r, scope }];
  });
  return { assignments, lookup, resolved: new Map() };
}

export function disallowedByPolicy(resource: ResourceForPolicy, denial: PolicyDenial): ArmError {
  const identifiers = [{ policyAssignment: { name: denial.assignment.name, id: denial.assignment.id }, policyDefinition: { name: denial.definition.name, id: denial.definition.id } }];
  const aProps = asObject(denial.assignment.body.properties) ?? {};
  const dProps = asObject(denial.definition.body.properties) ?? {};
  return new ArmError(403, 'RequestDisallowedByPolicy', `Resource '${resource.name}' was disallowed by policy. Policy identifiers: '${JSON.stringify(identifiers)}'.`, {
    target: resource.name,
    additionalInfo: [
      {
        type: 'PolicyViolation',
        info: {
          policyDefinitionDisplayName: dProps.displayName,
          policyDefinitionId: denial.definition.id,
          policyDefinitionName: denial.definition.name,
          policyDefinitionEffect: 'deny',
          policyAssignmentId: denial.assignment.id,
          policyAssignmentName: denial.assignment.name,
          policyAssignmentDisplayName: aProps.displayName,
          policyAssignmentScope: aProps.scope,
          policyAssignmentParameters: aProps.parameters ?? {},
        },
      },
    ],
  });
}

/**
 * Throws RequestDisallowedByPolicy when an assignment in state (`view`: policyView of it, one per
 * request however many resources it checks) denies writing this resource.
 */
export function checkPolicy(evaluator: PolicyEvaluator, view: PolicyView, resource: ResourceForPolicy): void {
  const assignments = view.assignments.filter((a) => isWithin(resource.id, a.scope)).map((a) => a.resource);
  if (assignments.length === 0) return;
  const denial = evaluator.evaluate(resource, assignments, view.lookup, view.resolved);
  if (denial !== undefined) throw disallowedByPolicy(resource, denial);
}

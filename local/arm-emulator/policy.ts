// The policy hook: before a resource is written, the assignments whose scope covers it are
// evaluated; a `deny` answers 403 RequestDisallowedByPolicy naming assignment and definition.
// The evaluator is an interface (the full one comes with the bootstrap work); the built-in one
// understands allOf/anyOf/not over `field` conditions (equals, notEquals, in, notIn, exists, like)
// on type, name, location, kind, tags[...] and plain property paths.
// Shapes: specification/resources/resource-manager/Microsoft.Authorization/policy/stable/2023-04-01/policyAssignments.json
// and policyDefinitions.json; the error as ARM returns it (code RequestDisallowedByPolicy, additionalInfo PolicyViolation).
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

export interface AssignmentWithDefinition {
  assignment: StoredResource;
  definition: StoredResource;
}

export interface PolicyDenial {
  assignment: StoredResource;
  definition: StoredResource;
}

export interface PolicyEvaluator {
  evaluate(resource: ResourceForPolicy, assignments: readonly AssignmentWithDefinition[]): PolicyDenial | undefined;
}

function fieldValue(resource: ResourceForPolicy, field: string): unknown {
  const f = field.toLowerCase();
  if (f === 'type') return resource.type;
  if (f === 'name') return resource.name;
  if (f === 'id') return resource.id;
  if (f === 'location' || f === 'kind') return resource.body[f];
  const tag = /^tags\[['"]?([^'"\]]+)['"]?\]$/i.exec(field) ?? /^tags\.(.+)$/i.exec(field);
  if (tag !== null) return asObject(resource.body.tags)?.[tag[1]!];
  // An alias (Ns/type/a.b) is approximated by the property path after the type prefix; a plain path as is.
  const typePrefix = `${resource.type.toLowerCase()}/`;
  const p = f.startsWith(typePrefix) ? field.slice(typePrefix.length) : field;
  let current: unknown = resource.body;
  for (const part of p.split('.')) {
    const o = asObject(current);
    const hit = o === undefined ? undefined : Object.entries(o).find(([k]) => k.toLowerCase() === part.toLowerCase());
    current = hit?.[1] ?? (o !== undefined && part !== 'properties' ? asObject(o.properties)?.[part] : undefined);
  }
  return current;
}

const same = (a: unknown, b: unknown): boolean => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : JSON.stringify(a) === JSON.stringify(b));
const likeToRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');

type Params = Record<string, unknown>;
function resolveParam(value: unknown, params: Params): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\[parameters\('([^']+)'\)\]$/.exec(value);
  return m === null ? value : params[m[1]!];
}

export function conditionHolds(cond: unknown, resource: ResourceForPolicy, params: Params): boolean {
  const c = asObject(cond);
  if (c === undefined) return false;
  if (Array.isArray(c.allOf)) return c.allOf.every((x) => conditionHolds(x, resource, params));
  if (Array.isArray(c.anyOf)) return c.anyOf.some((x) => conditionHolds(x, resource, params));
  if (c.not !== undefined) return !conditionHolds(c.not, resource, params);
  if (typeof c.field !== 'string') return false;
  const v = fieldValue(resource, c.field);
  if ('equals' in c) return same(v, resolveParam(c.equals, params));
  if ('notEquals' in c) return !same(v, resolveParam(c.notEquals, params));
  if ('in' in c) return ((resolveParam(c.in, params) as unknown[]) ?? []).some((x) => same(v, x));
  if ('notIn' in c) return !((resolveParam(c.notIn, params) as unknown[]) ?? []).some((x) => same(v, x));
  if ('exists' in c) return (v !== undefined) === (String(resolveParam(c.exists, params)).toLowerCase() === 'true');
  if ('like' in c) return typeof v === 'string' && likeToRegExp(String(resolveParam(c.like, params))).test(v);
  return false;
}

/** The values of a definition's parameters for one assignment (assignment values over defaults). */
function parameterValues(assignment: StoredResource, definition: StoredResource): Params {
  const values: Params = {};
  for (const [name, p] of Object.entries(asObject(asObject(definition.body.properties)?.parameters) ?? {})) values[name] = asObject(p)?.defaultValue;
  for (const [name, p] of Object.entries(asObject(asObject(assignment.body.properties)?.parameters) ?? {})) values[name] = asObject(p)?.value;
  return values;
}

export const builtInEvaluator: PolicyEvaluator = {
  evaluate(resource, assignments) {
    for (const { assignment, definition } of assignments) {
      const props = asObject(assignment.body.properties) ?? {};
      if (String(props.enforcementMode ?? 'Default').toLowerCase() === 'donotenforce') continue;
      if (((props.notScopes as string[] | undefined) ?? []).some((s) => isWithin(resource.id, s))) continue;
      const rule = asObject(asObject(definition.body.properties)?.policyRule);
      const params = parameterValues(assignment, definition);
      const effect = String(resolveParam(asObject(rule?.then)?.effect, params) ?? '').toLowerCase();
      if (effect === 'deny' && conditionHolds(rule?.if, resource, params)) return { assignment, definition };
    }
    return undefined;
  },
};

/** The assignments covering `id`, each with its definition (policy set definitions are expanded). */
export function assignmentsCovering(resources: Record<string, StoredResource>, id: string): AssignmentWithDefinition[] {
  const found: AssignmentWithDefinition[] = [];
  for (const r of Object.values(resources)) {
    if (r.type.toLowerCase() !== 'microsoft.authorization/policyassignments') continue;
    const props = asObject(r.body.properties) ?? {};
    const scope = typeof props.scope === 'string' ? props.scope : r.id.slice(0, r.id.toLowerCase().indexOf('/providers/microsoft.authorization/')) || '/';
    if (!isWithin(id, scope)) continue;
    const defId = String(props.policyDefinitionId ?? '');
    const def = resources[key(defId)];
    if (def === undefined) continue;
    if (def.type.toLowerCase() === 'microsoft.authorization/policysetdefinitions') {
      for (const ref of (asObject(def.body.properties)?.policyDefinitions as Record<string, unknown>[] | undefined) ?? []) {
        const inner = resources[key(String(ref.policyDefinitionId ?? ''))];
        if (inner !== undefined) found.push({ assignment: r, definition: inner });
      }
    } else found.push({ assignment: r, definition: def });
  }
  return found;
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

/** Throws RequestDisallowedByPolicy when an assignment in state denies writing this resource. */
export function checkPolicy(evaluator: PolicyEvaluator, resources: Record<string, StoredResource>, resource: ResourceForPolicy): void {
  const assignments = assignmentsCovering(resources, resource.id);
  if (assignments.length === 0) return;
  const denial = evaluator.evaluate(resource, assignments);
  if (denial !== undefined) throw disallowedByPolicy(resource, denial);
}

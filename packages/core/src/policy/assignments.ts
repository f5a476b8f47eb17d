// Turns an assignment (of an initiative or a single definition) into the list of policies it
// applies, each with its final parameter values. Pure: definitions are found through a lookup, so
// the same code serves the files in policies/ and the ARM emulator's stored state.

import { RuleError } from './errors.ts';
import { evaluateValue, type ExpressionContext } from './expressions.ts';
import { checkRule } from './evaluate.ts';
import type { EffectivePolicy, ParameterDefinition, PolicyAssignment, PolicyDefinition, PolicySetDefinition } from './types.ts';
import { isJsonObject } from '../json.ts';

export type PolicyLookup = (id: string) => { kind: 'definition'; value: PolicyDefinition } | { kind: 'initiative'; value: PolicySetDefinition } | undefined;

/** Where a problem is: which document (a file path, or a resource id) and the JSON path inside it. */
export class AssignmentError extends Error {
  readonly document: string;
  readonly path: string;
  readonly hint: string | undefined;

  constructor(document: string, path: string, message: string, hint?: string) {
    super(message);
    this.name = 'AssignmentError';
    this.document = document;
    this.path = path;
    this.hint = hint;
  }
}

/** The `<kind>/<name>` key a policy id is matched by: ids of custom definitions carry the subscription. */
export function policyKey(id: string): string {
  const match = /\/providers\/Microsoft\.Authorization\/(policyDefinitions|policySetDefinitions)\/([^/]+)$/i.exec(id);
  return match === null ? id.toLowerCase() : `${match[1]!.toLowerCase()}/${match[2]!.toLowerCase()}`;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type.toLowerCase()) {
    case 'string':
    case 'datetime':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isJsonObject(value);
    default:
      return true;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : JSON.stringify(a) === JSON.stringify(b);
}

/** Merges supplied values over defaults, checking names, types, allowed values and required parameters. */
export function resolveParameters(
  declared: Record<string, ParameterDefinition> | undefined,
  supplied: Record<string, unknown>,
  where: { document: string; path: string; owner: string },
): Record<string, unknown> {
  const declarations = declared ?? {};
  const names = Object.keys(declarations);
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(supplied)) {
    const declaredName = names.find((n) => n.toLowerCase() === name.toLowerCase());
    if (declaredName === undefined) {
      throw new AssignmentError(where.document, `${where.path}.${name}`, `parameter "${name}" is not declared by ${where.owner}`, `declared parameters: ${names.join(', ') || 'none'}`);
    }
    values[declaredName] = value;
  }
  for (const [name, declaration] of Object.entries(declarations)) {
    if (!(name in values)) {
      if (declaration.defaultValue === undefined) {
        throw new AssignmentError(where.document, where.path, `parameter "${name}" of ${where.owner} has no value and no default`);
      }
      values[name] = declaration.defaultValue;
    }
    const value = values[name];
    if (!typeMatches(declaration.type, value)) {
      throw new AssignmentError(where.document, `${where.path}.${name}`, `parameter "${name}" of ${where.owner} must be of type ${declaration.type}, got ${JSON.stringify(value)}`);
    }
    if (declaration.allowedValues !== undefined) {
      const items = Array.isArray(value) && declaration.type.toLowerCase() === 'array' ? value : [value];
      const bad = items.find((item) => !declaration.allowedValues!.some((allowed) => sameValue(allowed, item)));
      if (bad !== undefined) {
        throw new AssignmentError(where.document, `${where.path}.${name}`, `parameter "${name}" of ${where.owner} is ${JSON.stringify(bad)}`, `allowed values: ${declaration.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`);
      }
    }
  }
  return values;
}

function parametersOnly(parameters: Record<string, unknown>): ExpressionContext {
  const unavailable = (): never => {
    throw new RuleError('', 'only parameters() can be used in a parameter value of an initiative');
  };
  return { parameters, field: unavailable, current: unavailable, resourceGroup: unavailable, subscription: unavailable };
}

function unwrap(values: Record<string, { value: unknown }> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([name, entry]) => [name, entry?.value]));
}

/**
 * The policies an assignment applies, with final parameter values; every rule is checked (unknown
 * alias / operator / function) with those values. `documentOf` names the document an id comes
 * from, for error messages.
 */
export function resolveAssignment(
  assignment: PolicyAssignment,
  lookup: PolicyLookup,
  documentOf: (id: string) => string,
  assignmentDocument: string,
): EffectivePolicy[] {
  const target = lookup(assignment.properties.policyDefinitionId);
  if (target === undefined) {
    throw new AssignmentError(assignmentDocument, 'properties.policyDefinitionId', `no policy definition or initiative "${assignment.properties.policyDefinitionId}"`);
  }
  const enforced = (assignment.properties.enforcementMode ?? 'Default') !== 'DoNotEnforce';
  const supplied = unwrap(assignment.properties.parameters);

  const applyDefinition = (definition: PolicyDefinition, values: Record<string, unknown>, referenceId: string, path: string, document: string): EffectivePolicy => {
    const parameters = resolveParameters(definition.properties.parameters, values, { document, path, owner: `policy definition "${definition.name}"` });
    try {
      checkRule(definition.properties.policyRule, parameters);
    } catch (error) {
      if (error instanceof RuleError) {
        throw new AssignmentError(documentOf(definition.id), `properties.policyRule${error.path === '' ? '' : `.${error.path}`}`, error.message, error.hint);
      }
      throw error;
    }
    return { assignment: assignment.name, referenceId, definition, parameters, enforced };
  };

  if (target.kind === 'definition') {
    return [applyDefinition(target.value, supplied, target.value.name, 'properties.parameters', assignmentDocument)];
  }
  const initiative = target.value;
  const initiativeDocument = documentOf(initiative.id);
  const initiativeValues = resolveParameters(initiative.properties.parameters, supplied, {
    document: assignmentDocument,
    path: 'properties.parameters',
    owner: `initiative "${initiative.name}"`,
  });
  return initiative.properties.policyDefinitions.map((reference, i) => {
    const path = `properties.policyDefinitions[${i}]`;
    const found = lookup(reference.policyDefinitionId);
    if (found === undefined || found.kind !== 'definition') {
      throw new AssignmentError(initiativeDocument, `${path}.policyDefinitionId`, `no policy definition "${reference.policyDefinitionId}" in policies/definitions/`);
    }
    let values: Record<string, unknown>;
    try {
      values = Object.fromEntries(
        Object.entries(unwrap(reference.parameters)).map(([name, value]) => [name, evaluateValue(value, parametersOnly(initiativeValues))]),
      );
    } catch (error) {
      if (error instanceof RuleError) throw new AssignmentError(initiativeDocument, `${path}.parameters`, error.message, error.hint);
      throw error;
    }
    return applyDefinition(found.value, values, reference.policyDefinitionReferenceId, `${path}.parameters`, initiativeDocument);
  });
}

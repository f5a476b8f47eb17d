// The core of the offline evaluator: a policy rule's `if` (allOf / anyOf / not / conditions on
// field, value and count) evaluated against one resource, with the assignment's parameter values.

import { RuleError } from './errors.ts';
import { evaluateValue, checkExpression, isExpression, type ExpressionContext } from './expressions.ts';
import { resolveField, countedArrayPath, checkFieldName, type CountFrame, type FieldValue } from './fields.ts';
import { applyOperator, operatorName, operatorNames, type OperatorName } from './operators.ts';
import type { ArmResource, PolicyRule } from './types.ts';

export interface RuleScope {
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
}

export interface RuleOutcome {
  /** Whether the `if` matched, i.e. the effect applies. */
  matched: boolean;
  /** The effect (`then.effect`, with parameters resolved), lower-cased first letter as Azure writes it. */
  effect: string;
  /** The leaf conditions that decided the result, as sentences. */
  why: string[];
}

interface Context {
  resource: ArmResource;
  parameters: Record<string, unknown>;
  scope: RuleScope;
  frames: CountFrame[];
}

interface Outcome {
  result: boolean;
  why: string[];
}

function keyOf(node: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(node).find((k) => k.toLowerCase() === name.toLowerCase());
}

function expressionContext(context: Context): ExpressionContext {
  return {
    parameters: context.parameters,
    field: (path) => {
      const value = resolveField(path, context.resource, context.frames);
      return value.many ? value.values : value.value;
    },
    current: (name) => {
      for (let i = context.frames.length - 1; i >= 0; i--) {
        const frame = context.frames[i]!;
        if (name === undefined || frame.name.toLowerCase() === name.toLowerCase()) return frame.element;
        // current('<array alias>[*].<property>') reads a property of the element a field count is at.
        if (frame.kind === 'field' && name.toLowerCase().startsWith(`${frame.name.toLowerCase()}.`)) {
          const value = resolveField(name, context.resource, context.frames.slice(0, i + 1));
          return value.many ? value.values : value.value;
        }
      }
      throw new RuleError('', `current(${name === undefined ? '' : `'${name}'`}) is only valid inside the where of a count${name === undefined ? '' : ` named "${name}"`}`);
    },
    resourceGroup: () => ({
      name: context.scope.resourceGroup ?? resourceGroupOf(context.resource.id),
      location: context.scope.location,
      tags: {},
    }),
    subscription: () => ({ subscriptionId: context.scope.subscriptionId, id: `/subscriptions/${context.scope.subscriptionId ?? ''}` }),
  };
}

function resourceGroupOf(id: string | undefined): string | undefined {
  return id === undefined ? undefined : /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
}

function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function withPath<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RuleError && error.path === '') throw new RuleError(path, error.message, error.hint);
    throw error;
  }
}

function evaluateNode(node: unknown, context: Context, path: string): Outcome {
  const record = conditionRecord(node, path);
  const allOf = keyOf(record, 'allOf');
  const anyOf = keyOf(record, 'anyOf');
  const not = keyOf(record, 'not');
  if (allOf !== undefined || anyOf !== undefined) {
    const key = (allOf ?? anyOf)!;
    const children = record[key];
    if (!Array.isArray(children)) throw new RuleError(`${path}.${key}`, `"${key}" must be an array of conditions`);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < children.length; i++) {
      const outcome = evaluateNode(children[i], context, `${path}.${key}[${i}]`);
      outcomes.push(outcome);
      // Short-circuit like Azure does: allOf stops at the first false, anyOf at the first true.
      if (allOf !== undefined && !outcome.result) return outcome;
      if (anyOf !== undefined && outcome.result) return outcome;
    }
    return { result: allOf !== undefined, why: outcomes.flatMap((o) => o.why) };
  }
  if (not !== undefined) {
    const inner = evaluateNode(record[not], context, `${path}.${not}`);
    return { result: !inner.result, why: inner.why.map((w) => `not (${w})`) };
  }
  return evaluateLeaf(record, context, path);
}

function leafOperator(record: Record<string, unknown>, path: string, sourceKey: string): OperatorName {
  const others = Object.keys(record).filter((k) => k !== sourceKey);
  const operators = others.map((k) => ({ key: k, name: operatorName(k) }));
  const unknown = operators.filter((o) => o.name === undefined);
  if (unknown.length > 0) {
    throw new RuleError(path, `unknown operator "${unknown[0]!.key}"`, `operators: ${operatorNames.join(', ')}`);
  }
  if (operators.length !== 1) {
    throw new RuleError(path, operators.length === 0 ? `condition on "${sourceKey}" has no operator` : `condition has ${operators.length} operators (${others.join(', ')}); exactly one is allowed`, `operators: ${operatorNames.join(', ')}`);
  }
  return operators[0]!.name!;
}

function operandOf(record: Record<string, unknown>, operator: OperatorName): unknown {
  return record[keyOf(record, operator)!];
}

/** The keys of a leaf condition as written (any case): exactly one of field / value / count. */
interface LeafSource {
  fieldKey: string | undefined;
  valueKey: string | undefined;
  countKey: string | undefined;
  sourceKey: string;
}

function leafSource(record: Record<string, unknown>, path: string): LeafSource {
  const fieldKey = keyOf(record, 'field');
  const valueKey = keyOf(record, 'value');
  const countKey = keyOf(record, 'count');
  const sources = [fieldKey, valueKey, countKey].filter((k) => k !== undefined);
  if (sources.length !== 1) {
    throw new RuleError(path, sources.length === 0
      ? `not a condition: expected allOf, anyOf, not, or one of field / value / count with an operator (keys: ${Object.keys(record).join(', ') || 'none'})`
      : `a condition has exactly one of field / value / count (found ${sources.join(', ')})`);
  }
  return { fieldKey, valueKey, countKey, sourceKey: sources[0]! };
}

function conditionRecord(node: unknown, path: string): Record<string, unknown> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new RuleError(path, `a condition must be an object, got ${show(node)}`);
  return node as Record<string, unknown>;
}

function evaluateLeaf(record: Record<string, unknown>, context: Context, path: string): Outcome {
  const { fieldKey, valueKey, sourceKey } = leafSource(record, path);
  const operator = leafOperator(record, path, sourceKey);
  const expressions = expressionContext(context);
  const operand = withPath(`${path}.${operator}`, () => evaluateValue(operandOf(record, operator), expressions));

  let label: string;
  let subject: FieldValue;
  if (sourceKey === fieldKey) {
    const field = withPath(`${path}.field`, () => evaluateValue(record[sourceKey], expressions));
    if (typeof field !== 'string') throw new RuleError(`${path}.field`, `a field must be a string, got ${show(field)}`);
    subject = withPath(`${path}.field`, () => resolveField(field, context.resource, context.frames));
    label = `${field}`;
  } else if (sourceKey === valueKey) {
    subject = { many: false, value: withPath(`${path}.value`, () => evaluateValue(record[sourceKey], expressions)) };
    label = isExpression(record[sourceKey]) ? `value ${String(record[sourceKey])}` : 'value';
  } else {
    subject = { many: false, value: countOf(record[sourceKey], context, `${path}.count`) };
    const count = record[sourceKey] as Record<string, unknown>;
    label = `count of ${String(count[keyOf(count, 'field') ?? keyOf(count, 'name') ?? 'value'] ?? 'values')}`;
  }

  const result = withPath(path, () =>
    subject.many ? subject.values.every((v) => applyOperator(operator, v, operand)) : applyOperator(operator, subject.value, operand),
  );
  const actual = subject.many ? show(subject.values) : show(subject.value);
  return { result, why: [`${label} is ${actual} (${operator} ${show(operand)})`] };
}

function countOf(node: unknown, context: Context, path: string): number {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new RuleError(path, 'count must be an object with field or value');
  const record = node as Record<string, unknown>;
  const fieldKey = keyOf(record, 'field');
  const valueKey = keyOf(record, 'value');
  const nameKey = keyOf(record, 'name');
  const whereKey = keyOf(record, 'where');
  const allowed = [fieldKey, valueKey, nameKey, whereKey].filter((k) => k !== undefined);
  const extra = Object.keys(record).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new RuleError(path, `unknown key "${extra[0]}" in count`, 'count has field (with where) or value (with name and where)');
  if ((fieldKey === undefined) === (valueKey === undefined)) throw new RuleError(path, 'count needs exactly one of field or value');

  const expressions = expressionContext(context);
  let elements: unknown[];
  let frameOf: (element: unknown) => CountFrame;
  if (fieldKey !== undefined) {
    const field = withPath(`${path}.field`, () => evaluateValue(record[fieldKey], expressions));
    if (typeof field !== 'string') throw new RuleError(`${path}.field`, 'count.field must be a string');
    const arrayPath = withPath(`${path}.field`, () => countedArrayPath(field));
    const resolved = withPath(`${path}.field`, () => resolveField(field, context.resource, context.frames));
    elements = resolved.many ? resolved.values : resolved.value === undefined ? [] : [resolved.value];
    frameOf = (element) => ({ kind: 'field', name: field, path: arrayPath, element });
  } else {
    const value = withPath(`${path}.value`, () => evaluateValue(record[valueKey!], expressions));
    if (!Array.isArray(value)) throw new RuleError(`${path}.value`, `count.value must be an array, got ${show(value)}`);
    elements = value;
    const name = nameKey === undefined ? '' : String(record[nameKey]);
    frameOf = (element) => ({ kind: 'value', name, element });
  }
  if (whereKey === undefined) return elements.length;
  let count = 0;
  for (const element of elements) {
    context.frames.push(frameOf(element));
    try {
      if (evaluateNode(record[whereKey], context, `${path}.where`).result) count++;
    } finally {
      context.frames.pop();
    }
  }
  return count;
}

/**
 * Evaluates a policy rule against one resource. `parameters` are the definition's parameter
 * values (assignment values merged over defaults). Throws RuleError (with the JSON path inside the
 * rule) for an unknown alias, operator or function.
 */
export function evaluateRule(policyRule: PolicyRule, resource: ArmResource, parameters: Record<string, unknown>, scope: RuleScope = {}): RuleOutcome {
  const context: Context = { resource, parameters, scope, frames: [] };
  const outcome = evaluateNode(policyRule.if, context, 'if');
  const effect = withPath('then.effect', () => evaluateValue(policyRule.then?.effect, expressionContext(context)));
  if (typeof effect !== 'string') throw new RuleError('then.effect', `the effect must be a string, got ${show(effect)}`);
  return { matched: outcome.result, effect: effect.charAt(0).toLowerCase() + effect.slice(1), why: outcome.why };
}

export const knownEffects = ['deny', 'audit', 'disabled', 'append', 'modify', 'auditIfNotExists', 'deployIfNotExists', 'denyAction', 'manual'];

/**
 * Checks a rule without a resource: structure, operators, template functions, and every field
 * name that does not depend on the resource (field names built from parameters are resolved with
 * the given parameter values). Throws RuleError with the JSON path inside the rule.
 */
export function checkRule(policyRule: unknown, parameters: Record<string, unknown>): void {
  const { rule, then } = ruleParts(policyRule);
  const tryStatic = staticEvaluator(parameters);
  const effect = tryStatic(then['effect'], 'then.effect');
  if (typeof effect === 'string' && !knownEffects.some((e) => e.toLowerCase() === effect.toLowerCase())) {
    throw new RuleError('then.effect', `unknown effect "${effect}"`, `effects: ${knownEffects.join(', ')}`);
  }
  checkCondition(rule['if'], 'if', tryStatic);
}

function ruleParts(policyRule: unknown): { rule: Record<string, unknown>; then: Record<string, unknown> } {
  if (policyRule === null || typeof policyRule !== 'object') throw new RuleError('', 'policyRule must be an object with "if" and "then"');
  const rule = policyRule as Record<string, unknown>;
  if (rule['if'] === undefined) throw new RuleError('', 'policyRule has no "if"');
  const then = rule['then'] as Record<string, unknown> | undefined;
  if (then === undefined || then['effect'] === undefined) throw new RuleError('then', 'policyRule has no "then.effect"');
  return { rule, then };
}

/** Evaluates a value that needs no resource, after checking its expression; undefined when it needs one. */
type StaticEvaluator = (value: unknown, path: string) => unknown;

function staticEvaluator(parameters: Record<string, unknown>): StaticEvaluator {
  const needsResource = (): never => {
    throw new NeedsResource();
  };
  const staticContext: ExpressionContext = { parameters, field: needsResource, current: needsResource, resourceGroup: needsResource, subscription: needsResource };
  return (value, path) => {
    if (isExpression(value)) withPath(path, () => checkExpression(value));
    try {
      return withPath(path, () => evaluateValue(value, staticContext));
    } catch (error) {
      if (error instanceof NeedsResource) return undefined;
      throw error;
    }
  };
}

function checkCondition(node: unknown, path: string, tryStatic: StaticEvaluator): void {
  const record = conditionRecord(node, path);
  const logical = keyOf(record, 'allOf') ?? keyOf(record, 'anyOf');
  if (logical !== undefined) {
    const children = record[logical];
    if (!Array.isArray(children)) throw new RuleError(`${path}.${logical}`, `"${logical}" must be an array of conditions`);
    children.forEach((child, i) => checkCondition(child, `${path}.${logical}[${i}]`, tryStatic));
    return;
  }
  const not = keyOf(record, 'not');
  if (not !== undefined) return checkCondition(record[not], `${path}.${not}`, tryStatic);
  checkLeaf(record, path, tryStatic);
}

function checkLeaf(record: Record<string, unknown>, path: string, tryStatic: StaticEvaluator): void {
  const { fieldKey, valueKey, countKey, sourceKey } = leafSource(record, path);
  const operator = leafOperator(record, path, sourceKey);
  tryStatic(operandOf(record, operator), `${path}.${operator}`);
  if (fieldKey !== undefined) {
    const field = tryStatic(record[fieldKey], `${path}.field`);
    if (field !== undefined) {
      if (typeof field !== 'string') throw new RuleError(`${path}.field`, `a field must be a string, got ${show(field)}`);
      withPath(`${path}.field`, () => checkFieldName(field));
    }
  } else if (valueKey !== undefined) {
    tryStatic(record[valueKey], `${path}.value`);
  } else {
    checkCount(record[countKey!], `${path}.count`, tryStatic);
  }
}

function checkCount(count: unknown, path: string, tryStatic: StaticEvaluator): void {
  if (count === null || typeof count !== 'object') throw new RuleError(path, 'count must be an object with field or value');
  const c = count as Record<string, unknown>;
  const countField = keyOf(c, 'field');
  const countValue = keyOf(c, 'value');
  if ((countField === undefined) === (countValue === undefined)) throw new RuleError(path, 'count needs exactly one of field or value');
  const extra = Object.keys(c).filter((k) => !['field', 'value', 'name', 'where'].includes(k.toLowerCase()));
  if (extra.length > 0) throw new RuleError(path, `unknown key "${extra[0]}" in count`, 'count has field (with where) or value (with name and where)');
  if (countField !== undefined) {
    const field = tryStatic(c[countField], `${path}.field`);
    if (typeof field === 'string') withPath(`${path}.field`, () => countedArrayPath(field));
  } else tryStatic(c[countValue!], `${path}.value`);
  const where = keyOf(c, 'where');
  if (where !== undefined) checkCondition(c[where], `${path}.where`, tryStatic);
}

class NeedsResource extends Error {}

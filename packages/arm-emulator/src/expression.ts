// The small part of ARM's template expression language the snapshot leaves in outputs once it has
// evaluated everything it can offline: reference()/listKeys() of deployed resources wrapped in
// createObject/createArray/format/split/concat/... . Evaluated against the resources the emulator
// holds; anything outside this subset throws Unresolvable (the caller keeps the string as is).

import { ExpressionSyntaxError, parseTemplateExpression, type TemplateExpression } from '@complianceflow/core/arm/expression-syntax.ts';
import { isJsonObject as isObj } from '@complianceflow/core/json.ts';

export class Unresolvable extends Error {}

type Value = unknown;
export interface Lookups {
  reference(id: string, full: boolean): Value;
  listKeys(id: string): Value;
}

function property(v: Value, name: string): Value {
  if (!isObj(v)) throw new Unresolvable(`no property '${name}'`);
  const hit = Object.entries(v).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (hit === undefined) throw new Unresolvable(`no property '${name}'`);
  return hit[1];
}

function format(fmt: string, args: Value[]): string {
  return fmt.replace(/\{\{|\}\}|\{(\d+)(:[^}]*)?\}/g, (m, index: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = args[Number(index)];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}

function call(name: string, args: Value[], lookups: Lookups): Value {
  const s = (i: number): string => {
    const v = args[i];
    if (typeof v !== 'string') throw new Unresolvable(`${name}: argument ${i + 1} is not a string`);
    return v;
  };
  switch (name.toLowerCase()) {
    case 'reference':
      return lookups.reference(s(0), typeof args[2] === 'string' && args[2].toLowerCase() === 'full');
    case 'listkeys':
      return lookups.listKeys(s(0));
    case 'createobject': {
      const o: Record<string, unknown> = {};
      for (let i = 0; i + 1 < args.length; i += 2) o[s(i)] = args[i + 1];
      return o;
    }
    case 'createarray':
      return args;
    case 'format':
      return format(s(0), args.slice(1));
    case 'split':
      return s(0).split(s(1));
    case 'concat':
      return args.every(Array.isArray) ? (args as unknown[][]).flat() : args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('');
    case 'tolower':
      return s(0).toLowerCase();
    case 'toupper':
      return s(0).toUpperCase();
    case 'replace':
      return s(0).split(s(1)).join(s(2));
    case 'string':
      return typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    case 'int':
      return Number(args[0]);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'if':
      return args[0] === true ? args[1] : args[2];
    case 'equals':
      return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    case 'not':
      return args[0] !== true;
    case 'empty':
      return args[0] === null || args[0] === '' || (Array.isArray(args[0]) && args[0].length === 0) || (isObj(args[0]) && Object.keys(args[0]).length === 0);
    case 'coalesce':
      return args.find((a) => a !== null && a !== undefined) ?? null;
    case 'first':
      return Array.isArray(args[0]) ? args[0][0] : s(0).charAt(0);
    case 'last':
      return Array.isArray(args[0]) ? args[0][args[0].length - 1] : s(0).slice(-1);
    case 'length':
      return Array.isArray(args[0]) ? args[0].length : isObj(args[0]) ? Object.keys(args[0]).length : s(0).length;
    default:
      throw new Unresolvable(`function '${name}' is not evaluated by the emulator`);
  }
}

function evaluateTree(expr: TemplateExpression, lookups: Lookups): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'call':
      return call(expr.name, expr.args.map((arg) => evaluateTree(arg, lookups)), lookups);
    case 'property':
      return property(evaluateTree(expr.target, lookups), expr.name);
    case 'index': {
      const target = evaluateTree(expr.target, lookups);
      const index = evaluateTree(expr.index, lookups);
      let v: Value;
      if (Array.isArray(target) && typeof index === 'number') v = target[index < 0 ? target.length + index : index];
      else if (typeof index === 'string') v = property(target, index);
      else throw new Unresolvable('bad index');
      if (v === undefined) throw new Unresolvable('index out of range');
      return v;
    }
  }
}

/** Evaluates the text inside "[ … ]". */
export function evaluate(src: string, lookups: Lookups): Value {
  let expr: TemplateExpression;
  try {
    expr = parseTemplateExpression(src);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw new Unresolvable(error.message);
    throw error;
  }
  return evaluateTree(expr, lookups);
}

// The template expressions Azure Policy allows inside a rule: strings of the form `[func(args)]`
// (a leading `[[` escapes a literal `[`). Parsed by the one ARM expression parser, then evaluated against the
// assignment's parameters and the resource under evaluation.

import { ExpressionSyntaxError, parseTemplateExpression, type TemplateExpression } from '../arm/expression-syntax.ts';
import { RuleError } from './errors.ts';

export interface ExpressionContext {
  parameters: Record<string, unknown>;
  /** The value of a field (`field('type')`, `field('tags')`, an alias). */
  field(path: string): unknown;
  /** The current array element of an enclosing `count` (`current('name')` / `current()`). */
  current(name: string | undefined): unknown;
  resourceGroup(): Record<string, unknown>;
  subscription(): Record<string, unknown>;
}

/** Whether a string is a template expression (rather than a literal, or `[[`-escaped literal). */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

/** A literal string with its `[[` escape removed. */
function unescapeLiteral(value: string): string {
  return value.startsWith('[[') ? value.slice(1) : value;
}

function parse(source: string): TemplateExpression {
  try {
    return parseTemplateExpression(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw new RuleError('', error.message);
    throw error;
  }
}

const parsed = new Map<string, TemplateExpression>();

function parseCached(expression: string): TemplateExpression {
  let expr = parsed.get(expression);
  if (expr === undefined) {
    expr = parse(expression.slice(1, -1));
    parsed.set(expression, expr);
  }
  return expr;
}

// --- functions -------------------------------------------------------------------------------

const equalsCi = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : JSON.stringify(a) === JSON.stringify(b);

function asString(value: unknown, fn: string): string {
  if (typeof value !== 'string') throw new RuleError('', `${fn}() expects a string, got ${JSON.stringify(value)}`);
  return value;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

type Fn = (args: unknown[], context: ExpressionContext) => unknown;

/** The template functions a policy rule may use (Azure Policy supports a subset of ARM's functions plus field/current). */
const functions: Record<string, Fn> = {
  parameters: ([name], context) => {
    const key = Object.keys(context.parameters).find((k) => k.toLowerCase() === String(name).toLowerCase());
    if (key === undefined) throw new RuleError('', `parameters('${String(name)}'): no such parameter (defined: ${Object.keys(context.parameters).join(', ') || 'none'})`);
    return context.parameters[key];
  },
  field: ([path], context) => context.field(asString(path, 'field')),
  current: (args, context) => context.current(args.length === 0 ? undefined : asString(args[0], 'current')),
  resourcegroup: (_args, context) => context.resourceGroup(),
  subscription: (_args, context) => context.subscription(),
  concat: (args) => (args.every(Array.isArray) ? (args as unknown[][]).flat() : args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('')),
  tolower: ([s]) => asString(s, 'toLower').toLowerCase(),
  toupper: ([s]) => asString(s, 'toUpper').toUpperCase(),
  trim: ([s]) => asString(s, 'trim').trim(),
  string: ([v]) => (typeof v === 'string' ? v : JSON.stringify(v)),
  int: ([v]) => Math.trunc(Number(v)),
  bool: ([v]) => (typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v)),
  true: () => true,
  false: () => false,
  null: () => null,
  if: ([condition, whenTrue, whenFalse]) => (condition === true ? whenTrue : whenFalse),
  and: (args) => args.every((a) => a === true),
  or: (args) => args.some((a) => a === true),
  not: ([a]) => a !== true,
  equals: ([a, b]) => (typeof a === 'string' && typeof b === 'string' ? a === b : JSON.stringify(a) === JSON.stringify(b)),
  less: ([a, b]) => (a as number) < (b as number),
  lessorequals: ([a, b]) => (a as number) <= (b as number),
  greater: ([a, b]) => (a as number) > (b as number),
  greaterorequals: ([a, b]) => (a as number) >= (b as number),
  empty: ([v]) => isEmpty(v),
  length: ([v]) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v !== null && typeof v === 'object') return Object.keys(v).length;
    return 0;
  },
  contains: ([container, item]) => {
    if (typeof container === 'string') return container.toLowerCase().includes(String(item).toLowerCase());
    if (Array.isArray(container)) return container.some((element) => equalsCi(element, item));
    if (container !== null && typeof container === 'object') return Object.keys(container).some((k) => k.toLowerCase() === String(item).toLowerCase());
    return false;
  },
  first: ([v]) => (typeof v === 'string' ? v.slice(0, 1) : Array.isArray(v) ? v[0] : undefined),
  last: ([v]) => (typeof v === 'string' ? v.slice(-1) : Array.isArray(v) ? v[v.length - 1] : undefined),
  split: ([s, separator]) => {
    const separators = Array.isArray(separator) ? separator.map(String) : [String(separator)];
    return separators.reduce<string[]>((parts, sep) => parts.flatMap((part) => part.split(sep)), [asString(s, 'split')]);
  },
  replace: ([s, from, to]) => asString(s, 'replace').split(String(from)).join(String(to)),
  substring: ([s, start, length]) => {
    const text = asString(s, 'substring');
    const from = Number(start);
    return length === undefined ? text.slice(from) : text.slice(from, from + Number(length));
  },
  indexof: ([s, find]) => asString(s, 'indexOf').toLowerCase().indexOf(String(find).toLowerCase()),
  lastindexof: ([s, find]) => asString(s, 'lastIndexOf').toLowerCase().lastIndexOf(String(find).toLowerCase()),
  startswith: ([s, prefix]) => asString(s, 'startsWith').toLowerCase().startsWith(String(prefix).toLowerCase()),
  endswith: ([s, suffix]) => asString(s, 'endsWith').toLowerCase().endsWith(String(suffix).toLowerCase()),
  coalesce: (args) => args.find((a) => a !== null && a !== undefined) ?? null,
  createarray: (args) => args,
  union: (args) =>
    args.every(Array.isArray)
      ? [...new Set((args as unknown[][]).flat().map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as unknown)
      : Object.assign({}, ...(args as object[])),
  intersection: ([first, ...rest]) => (Array.isArray(first) ? first.filter((v) => rest.every((r) => Array.isArray(r) && r.some((x) => equalsCi(x, v)))) : first),
  take: ([v, n]) => (typeof v === 'string' || Array.isArray(v) ? v.slice(0, Number(n)) : v),
  skip: ([v, n]) => (typeof v === 'string' || Array.isArray(v) ? v.slice(Number(n)) : v),
  add: ([a, b]) => Number(a) + Number(b),
  sub: ([a, b]) => Number(a) - Number(b),
  mul: ([a, b]) => Number(a) * Number(b),
  div: ([a, b]) => Math.trunc(Number(a) / Number(b)),
  mod: ([a, b]) => Number(a) % Number(b),
  min: (args) => Math.min(...(args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]))),
  max: (args) => Math.max(...(args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]) : (args as number[]))),
  json: ([s]) => JSON.parse(asString(s, 'json')) as unknown,
  ipRangeContains: () => {
    throw new RuleError('', 'ipRangeContains() is not supported by the offline evaluator');
  },
};

/** The names of the template functions the evaluator knows, for error messages. */
export const knownFunctions = Object.keys(functions).sort();

function evaluateExpr(expr: TemplateExpression, context: ExpressionContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'call': {
      const fn = functions[expr.name.toLowerCase()];
      if (fn === undefined) {
        throw new RuleError('', `unknown template function "${expr.name}()"`, `functions a policy rule may use: ${knownFunctions.join(', ')}`);
      }
      // `if` evaluates only the branch it returns (like ARM), so a branch may reference a missing field safely.
      if (expr.name.toLowerCase() === 'if') {
        const condition = expr.args[0] !== undefined && evaluateExpr(expr.args[0], context);
        const branch = condition === true ? expr.args[1] : expr.args[2];
        return branch === undefined ? null : evaluateExpr(branch, context);
      }
      return fn(expr.args.map((arg) => evaluateExpr(arg, context)), context);
    }
    case 'property': {
      const target = evaluateExpr(expr.target, context);
      if (target === null || typeof target !== 'object') return undefined;
      const key = Object.keys(target).find((k) => k.toLowerCase() === expr.name.toLowerCase());
      return key === undefined ? undefined : (target as Record<string, unknown>)[key];
    }
    case 'index': {
      const target = evaluateExpr(expr.target, context);
      const index = evaluateExpr(expr.index, context);
      if (Array.isArray(target)) return target[Number(index)];
      if (target !== null && typeof target === 'object') {
        const key = Object.keys(target).find((k) => k.toLowerCase() === String(index).toLowerCase());
        return key === undefined ? undefined : (target as Record<string, unknown>)[key];
      }
      return undefined;
    }
  }
}

/** Evaluates a value that may be a template expression; literals are returned as they are (minus a `[[` escape). */
export function evaluateValue(value: unknown, context: ExpressionContext): unknown {
  if (isExpression(value)) return evaluateExpr(parseCached(value), context);
  if (typeof value === 'string') return unescapeLiteral(value);
  return value;
}

/** Parses a template expression and checks its function names, without evaluating it. */
export function checkExpression(value: string): void {
  const visit = (expr: TemplateExpression): void => {
    if (expr.kind === 'call') {
      if (functions[expr.name.toLowerCase()] === undefined) {
        throw new RuleError('', `unknown template function "${expr.name}()"`, `functions a policy rule may use: ${knownFunctions.join(', ')}`);
      }
      expr.args.forEach(visit);
    } else if (expr.kind === 'property') visit(expr.target);
    else if (expr.kind === 'index') {
      visit(expr.target);
      visit(expr.index);
    }
  };
  visit(parseCached(value));
}

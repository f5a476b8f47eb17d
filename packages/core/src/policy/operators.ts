// The condition operators of the Azure Policy rule language, with their case rules: string
// comparisons are case-insensitive except `match` and `notMatch`. A field that does not exist
// is `undefined` here: it equals nothing, so the negated operators are true for it.

import { RuleError } from './errors.ts';

export const operatorNames = [
  'equals', 'notEquals', 'like', 'notLike', 'match', 'matchInsensitively', 'notMatch', 'notMatchInsensitively',
  'contains', 'notContains', 'in', 'notIn', 'containsKey', 'notContainsKey', 'less', 'lessOrEquals', 'greater',
  'greaterOrEquals', 'exists',
] as const;

export type OperatorName = (typeof operatorNames)[number];

const byLowerName = new Map<string, OperatorName>(operatorNames.map((name) => [name.toLowerCase(), name]));

/** The canonical operator name for a key of a condition, or undefined when it is not an operator. */
export function operatorName(key: string): OperatorName | undefined {
  return byLowerName.get(key.toLowerCase());
}

function lower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Case-insensitive equality for strings, by value for numbers and booleans, deep for objects and arrays. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  if (typeof a === 'string' && typeof b === 'boolean') return a.toLowerCase() === String(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    return (
      aKeys.length === bKeys.length &&
      aKeys.every((key) => {
        const other = bKeys.find((k) => k.toLowerCase() === key.toLowerCase());
        return other !== undefined && valuesEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[other]);
      })
    );
  }
  return a === b;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `like`: `*` matches any run of characters; case-insensitive; the whole value must match. */
function likeMatches(value: unknown, pattern: unknown): boolean {
  if (typeof value !== 'string' || typeof pattern !== 'string') return false;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'is');
  return regex.test(value);
}

/** `match`: `#` a digit, `?` a letter, `.` any character, anything else itself; the whole value must match. */
function patternMatches(value: unknown, pattern: unknown, insensitive: boolean): boolean {
  if (typeof value !== 'string' || typeof pattern !== 'string') return false;
  const source = [...pattern]
    .map((ch) => (ch === '#' ? '[0-9]' : ch === '?' ? '[A-Za-z]' : ch === '.' ? '.' : escapeRegExp(ch)))
    .join('');
  return new RegExp(`^${source}$`, insensitive ? 'is' : 's').test(value);
}

function containsValue(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return typeof item === 'string' && container.toLowerCase().includes(item.toLowerCase());
  if (Array.isArray(container)) return container.some((element) => valuesEqual(element, item));
  return false;
}

function containsKey(container: unknown, key: unknown): boolean {
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return false;
  return Object.keys(container).some((k) => k.toLowerCase() === String(key).toLowerCase());
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'number' && a.trim() !== '' && !Number.isNaN(Number(a))) return Number(a) - b;
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return a - Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    const x = lower(a) as string;
    const y = lower(b) as string;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return undefined;
}

function inList(value: unknown, list: unknown, operator: string): boolean {
  if (!Array.isArray(list)) throw new RuleError('', `"${operator}" needs an array, got ${JSON.stringify(list)}`);
  return value !== undefined && list.some((element) => valuesEqual(value, element));
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.toLowerCase())) return value.toLowerCase() === 'true';
  throw new RuleError('', `"exists" needs true or false, got ${JSON.stringify(value)}`);
}

/** Each negated operator is exactly the negation of its positive form (a missing field makes it true). */
const negationOf = {
  notEquals: 'equals',
  notLike: 'like',
  notMatch: 'match',
  notMatchInsensitively: 'matchInsensitively',
  notContains: 'contains',
  notIn: 'in',
  notContainsKey: 'containsKey',
} as const satisfies Partial<Record<OperatorName, OperatorName>>;

type NegatedOperator = keyof typeof negationOf;
type PositiveOperator = Exclude<OperatorName, NegatedOperator>;

const isNegated = (operator: OperatorName): operator is NegatedOperator => operator in negationOf;

/** Applies one operator to one value (`undefined` for a field that does not exist). */
export function applyOperator(operator: OperatorName, value: unknown, operand: unknown): boolean {
  return isNegated(operator) ? !applyPositive(negationOf[operator], value, operand, operator) : applyPositive(operator, value, operand, operator);
}

/** `written` is the operator as the rule has it, for the messages. */
function applyPositive(operator: PositiveOperator, value: unknown, operand: unknown, written: OperatorName): boolean {
  switch (operator) {
    case 'equals':
      return value !== undefined && valuesEqual(value, operand);
    case 'like':
      return likeMatches(value, operand);
    case 'match':
      return patternMatches(value, operand, false);
    case 'matchInsensitively':
      return patternMatches(value, operand, true);
    case 'contains':
      return containsValue(value, operand);
    case 'in':
      return inList(value, operand, written);
    case 'containsKey':
      return containsKey(value, operand);
    case 'exists':
      return (value !== undefined && value !== null) === toBoolean(operand);
    default: {
      const c = compare(value, operand);
      return c !== undefined && orderHolds[operator](c);
    }
  }
}

const orderHolds: Record<'less' | 'lessOrEquals' | 'greater' | 'greaterOrEquals', (c: number) => boolean> = {
  less: (c) => c < 0,
  lessOrEquals: (c) => c <= 0,
  greater: (c) => c > 0,
  greaterOrEquals: (c) => c >= 0,
};

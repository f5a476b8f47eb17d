// Role assignment conditions (Azure ABAC, conditionVersion "2.0"), parsed and evaluated (pure).
// Grammar from "Azure role assignment condition format and syntax"
// (learn.microsoft.com/azure/role-based-access-control/conditions-format) and the shapes of
// "Examples to delegate Azure role assignment management with conditions"
// (…/delegate-role-assignments-examples):
//   condition  := or
//   or         := and (('OR' | '||') and)*
//   and        := unary (('AND' | '&&') unary)*
//   unary      := ('!' | 'NOT') unary | '(' or ')' | 'ActionMatches' '{' 'action' '}' | attribute operator value
//   attribute  := '@Request[' name ']' | '@Resource[' name ']'
//   operator   := [ForAnyOfAnyValues: | ForAllOfAnyValues: | ForAnyOfAllValues: | ForAllOfAllValues:] base
//   value      := item | '{' item (',' item)* '}'      item := 'string' | GUID
// Stricter than Azure where the emulator cannot know: only the role-assignment attributes
// (RoleDefinitionId, PrincipalType, PrincipalId) exist, @Principal/@Environment and
// SubOperationMatches are refused as unsupported, and a comparison on an attribute the request does
// not carry is false (never grants).
import { guidPattern } from '@complianceflow/core/guid.ts';
import { actionMatches } from './actions.ts';

export class ConditionSyntaxError extends Error {}

type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node }
  | { kind: 'action'; pattern: string }
  | { kind: 'compare'; source: 'request' | 'resource'; attribute: string; quantifier: Quantifier | undefined; op: BaseOperator; values: string[] };

type Quantifier = 'foranyofanyvalues' | 'forallofanyvalues' | 'foranyofallvalues' | 'forallofallvalues';
type BaseOperator = 'guidequals' | 'guidnotequals' | 'stringequals' | 'stringnotequals' | 'stringequalsignorecase' | 'stringnotequalsignorecase' | 'stringlike' | 'stringnotlike' | 'stringstartswith' | 'stringnotstartswith';

const quantifiers: readonly string[] = ['foranyofanyvalues', 'forallofanyvalues', 'foranyofallvalues', 'forallofallvalues'];
const operators: readonly string[] = ['guidequals', 'guidnotequals', 'stringequals', 'stringnotequals', 'stringequalsignorecase', 'stringnotequalsignorecase', 'stringlike', 'stringnotlike', 'stringstartswith', 'stringnotstartswith'];
/** Attributes of Microsoft.Authorization/roleAssignments (the delegation conditions' only attributes). */
export const roleAssignmentAttributes = ['microsoft.authorization/roleassignments:roledefinitionid', 'microsoft.authorization/roleassignments:principaltype', 'microsoft.authorization/roleassignments:principalid'] as const;

type Token = { t: 'punct'; v: string; at: number } | { t: 'word'; v: string; at: number } | { t: 'string'; v: string; at: number } | { t: 'attr'; source: string; name: string; at: number };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      out.push({ t: 'word', v: text[i] === '&' ? 'AND' : 'OR', at: i });
      i += 2;
      continue;
    }
    if ('(){},!'.includes(c)) {
      out.push({ t: 'punct', v: c, at: i });
      i++;
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ConditionSyntaxError(`unterminated string at position ${i}`);
      out.push({ t: 'string', v: text.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    if (c === '@') {
      const m = /^@(\w+)\[([^\]]*)\]/.exec(text.slice(i));
      if (m === null) throw new ConditionSyntaxError(`malformed attribute at position ${i}`);
      out.push({ t: 'attr', source: m[1]!, name: m[2]!, at: i });
      i += m[0].length;
      continue;
    }
    const m = /^[A-Za-z0-9_.:\-/*]+/.exec(text.slice(i));
    if (m === null) throw new ConditionSyntaxError(`unexpected character '${c}' at position ${i}`);
    out.push({ t: 'word', v: m[0], at: i });
    i += m[0].length;
  }
  return out;
}

/** A recursive-descent parser over the tokens: or → and → unary → comparison. */
class Parser {
  private readonly tokens: Token[];
  private p = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  parse(): Node {
    if (this.tokens.length === 0) throw new ConditionSyntaxError('the condition is empty');
    const tree = this.or();
    const rest = this.peek();
    if (rest !== undefined) throw new ConditionSyntaxError(`unexpected '${rest.t === 'attr' ? '@' : rest.v}' ${this.where()}`);
    return tree;
  }

  private peek(): Token | undefined {
    return this.tokens[this.p];
  }

  private where(): string {
    const tok = this.peek();
    return tok === undefined ? 'at the end' : `at position ${tok.at}`;
  }

  private isWord(v: string): boolean {
    const tok = this.peek();
    return tok?.t === 'word' && tok.v.toUpperCase() === v;
  }

  private isPunct(v: string): boolean {
    const tok = this.peek();
    return tok?.t === 'punct' && tok.v === v;
  }

  private expect(v: string): void {
    if (!this.isPunct(v)) throw new ConditionSyntaxError(`expected '${v}' ${this.where()}`);
    this.p++;
  }

  private item(): string {
    const tok = this.peek();
    if (tok?.t === 'string' || tok?.t === 'word') {
      this.p++;
      return tok.v;
    }
    throw new ConditionSyntaxError(`expected a value ${this.where()}`);
  }

  private or(): Node {
    return this.leftChain('or', () => this.and());
  }

  private and(): Node {
    return this.leftChain('and', () => this.unary());
  }

  /** `operand (KIND operand)*`, folded to the left. */
  private leftChain(kind: 'and' | 'or', operand: () => Node): Node {
    let left = operand();
    while (this.isWord(kind.toUpperCase())) {
      this.p++;
      left = { kind, left, right: operand() };
    }
    return left;
  }

  private unary(): Node {
    if (this.isPunct('!') || this.isWord('NOT')) {
      this.p++;
      return { kind: 'not', operand: this.unary() };
    }
    if (this.isPunct('(')) {
      this.p++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    const tok = this.peek();
    if (tok?.t === 'word' && tok.v.toLowerCase() === 'actionmatches') return this.actionMatches();
    if (tok?.t === 'attr') return this.comparison(tok);
    if (tok?.t === 'word') throw new ConditionSyntaxError(`'${tok.v}' is not supported (supported: ActionMatches, @Request[…], @Resource[…]) at position ${tok.at}`);
    throw new ConditionSyntaxError(`expected an expression ${this.where()}`);
  }

  /** ActionMatches{'<action>'} */
  private actionMatches(): Node {
    this.p++;
    this.expect('{');
    const s = this.peek();
    if (s?.t !== 'string') throw new ConditionSyntaxError(`ActionMatches takes a quoted action ${this.where()}`);
    this.p++;
    this.expect('}');
    return { kind: 'action', pattern: s.v };
  }

  /** @Request[attribute] or @Resource[attribute], an operator, one value or {a, b, …}. */
  private comparison(attr: Extract<Token, { t: 'attr' }>): Node {
    this.p++;
    const { source, attribute } = checkedAttribute(attr);
    const opTok = this.peek();
    if (opTok?.t !== 'word') throw new ConditionSyntaxError(`expected an operator after @${attr.source}[${attr.name}] ${this.where()}`);
    this.p++;
    const { quantifier, op } = parseOperator(opTok);
    const values = this.values();
    if (quantifier === undefined && values.length > 1) throw new ConditionSyntaxError(`operator '${opTok.v}' without ForAnyOf…/ForAllOf… takes one value, got ${values.length} at position ${opTok.at}`);
    if (op.startsWith('guid')) {
      const bad = values.find((v) => !guidPattern.test(v));
      if (bad !== undefined) throw new ConditionSyntaxError(`'${bad}' is not a GUID (operator ${opTok.v}) at position ${opTok.at}`);
    }
    return { kind: 'compare', source, attribute, quantifier, op, values };
  }

  private values(): string[] {
    if (!this.isPunct('{')) return [this.item()];
    this.p++;
    const values = [this.item()];
    while (this.isPunct(',')) {
      this.p++;
      values.push(this.item());
    }
    this.expect('}');
    return values;
  }
}

function checkedAttribute(attr: Extract<Token, { t: 'attr' }>): { source: 'request' | 'resource'; attribute: string } {
  const source = attr.source.toLowerCase();
  if (source !== 'request' && source !== 'resource') throw new ConditionSyntaxError(`attribute source '@${attr.source}' is not supported (only @Request and @Resource) at position ${attr.at}`);
  const attribute = attr.name.trim().toLowerCase();
  if (!(roleAssignmentAttributes as readonly string[]).includes(attribute)) {
    throw new ConditionSyntaxError(`attribute '${attr.name}' is not supported (only Microsoft.Authorization/roleAssignments:RoleDefinitionId, PrincipalType, PrincipalId) at position ${attr.at}`);
  }
  return { source, attribute };
}

/** `StringEquals`, `ForAnyOfAnyValues:GuidEquals` … → the quantifier (if any) and the base operator. */
function parseOperator(opTok: Extract<Token, { t: 'word' }>): { quantifier: Quantifier | undefined; op: BaseOperator } {
  const parts = opTok.v.toLowerCase().split(':');
  const quantifier = parts.length === 2 ? parts[0]! : undefined;
  const op = parts[parts.length - 1]!;
  if (parts.length > 2 || (quantifier !== undefined && !quantifiers.includes(quantifier)) || !operators.includes(op)) {
    throw new ConditionSyntaxError(`unknown operator '${opTok.v}' at position ${opTok.at}`);
  }
  return { quantifier: quantifier as Quantifier | undefined, op: op as BaseOperator };
}

/** Parses a condition; throws ConditionSyntaxError saying what and where. */
export function parseCondition(text: string): Node {
  return new Parser(tokenize(text)).parse();
}

export interface ConditionInput {
  action: string;
  /** Attribute name (lower case, roleAssignmentAttributes) → values, of the request and of the existing resource. */
  request: Record<string, string[]>;
  resource: Record<string, string[]>;
}

const like = (pattern: string, v: string): boolean => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(v);

function compareOne(op: BaseOperator, a: string, v: string): boolean {
  switch (op) {
    case 'guidequals':
      return a.toLowerCase() === v.toLowerCase();
    case 'guidnotequals':
      return a.toLowerCase() !== v.toLowerCase();
    case 'stringequals':
      return a === v;
    case 'stringnotequals':
      return a !== v;
    case 'stringequalsignorecase':
      return a.toLowerCase() === v.toLowerCase();
    case 'stringnotequalsignorecase':
      return a.toLowerCase() !== v.toLowerCase();
    case 'stringlike':
      return like(v, a);
    case 'stringnotlike':
      return !like(v, a);
    case 'stringstartswith':
      return a.startsWith(v);
    case 'stringnotstartswith':
      return !a.startsWith(v);
  }
}

export function evaluateCondition(node: Node, input: ConditionInput): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateCondition(node.left, input) && evaluateCondition(node.right, input);
    case 'or':
      return evaluateCondition(node.left, input) || evaluateCondition(node.right, input);
    case 'not':
      return !evaluateCondition(node.operand, input);
    case 'action':
      return actionMatches(node.pattern, input.action);
    case 'compare': {
      const attrs = (node.source === 'request' ? input.request : input.resource)[node.attribute] ?? [];
      if (attrs.length === 0) return false;
      const cmp = (a: string, v: string): boolean => compareOne(node.op, a, v);
      switch (node.quantifier) {
        case 'forallofanyvalues':
          return attrs.every((a) => node.values.some((v) => cmp(a, v)));
        case 'foranyofallvalues':
          return attrs.some((a) => node.values.every((v) => cmp(a, v)));
        case 'forallofallvalues':
          return attrs.every((a) => node.values.every((v) => cmp(a, v)));
        default:
          return attrs.some((a) => node.values.some((v) => cmp(a, v)));
      }
    }
  }
}

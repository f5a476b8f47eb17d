// The syntax of ARM's template expression language — the text inside "[ … ]": string literals
// ('text', a doubled '' standing for one quote), numbers, function calls, `.property` and `[index]`
// access. Parsed into one tree here; the emulator's output expressions and Azure Policy rule
// expressions each evaluate it with their own functions.
// https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions

export type TemplateExpression =
  | { kind: 'literal'; value: string | number }
  | { kind: 'call'; name: string; args: TemplateExpression[] }
  | { kind: 'property'; target: TemplateExpression; name: string }
  | { kind: 'index'; target: TemplateExpression; index: TemplateExpression };

/** The text is not a well-formed expression; the message names what and where. */
export class ExpressionSyntaxError extends Error {}

/** Reads the literal whose opening quote is at `start`: its text and the index after its closing quote; undefined when unterminated. */
function readQuotedString(source: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  let i = start + 1;
  while (i < source.length) {
    if (source[i] !== "'") text += source[i++];
    else if (source[i + 1] === "'") {
      text += "'";
      i += 2;
    } else return { text, end: i + 1 };
  }
  return undefined;
}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct';
  text: string;
}

function tokenize(source: string): Token[] {
  const fail = (what: string): never => {
    throw new ExpressionSyntaxError(`${what} in expression "[${source}]"`);
  };
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      const literal = readQuotedString(source, i) ?? fail('unterminated string');
      tokens.push({ kind: 'string', text: literal.text });
      i = literal.end;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'ident', text: match[0] });
      i += match[0].length;
    } else if ('(),.[]'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else {
      fail(`unexpected character "${ch}"`);
    }
  }
  return tokens;
}

/** Parses the text inside "[ … ]" (without the brackets). */
export function parseTemplateExpression(source: string): TemplateExpression {
  const tokens = tokenize(source);
  let position = 0;
  const fail = (what: string, after = ''): never => {
    throw new ExpressionSyntaxError(`${what} in expression "[${source}]"${after}`);
  };
  const isPunct = (text: string): boolean => tokens[position]?.kind === 'punct' && tokens[position]?.text === text;
  const expect = (text: string): void => {
    const token = tokens[position];
    if (!isPunct(text)) fail(`expected "${text}"`, token === undefined ? ' (reached the end)' : ` at "${token.text}"`);
    position++;
  };

  function callArguments(): TemplateExpression[] {
    expect('(');
    const args: TemplateExpression[] = [];
    if (!isPunct(')')) {
      args.push(parseExpr());
      while (isPunct(',')) {
        position++;
        args.push(parseExpr());
      }
    }
    expect(')');
    return args;
  }

  function parseExpr(): TemplateExpression {
    const token = tokens[position++] ?? fail('incomplete expression');
    let expr: TemplateExpression;
    if (token.kind === 'string') expr = { kind: 'literal', value: token.text };
    else if (token.kind === 'number') expr = { kind: 'literal', value: Number(token.text) };
    else if (token.kind === 'ident') expr = { kind: 'call', name: token.text, args: callArguments() };
    else return fail(`unexpected "${token.text}"`);
    for (;;) {
      if (isPunct('.')) {
        position++;
        const name = tokens[position++];
        if (name?.kind !== 'ident') fail('expected a property name after "."');
        expr = { kind: 'property', target: expr, name: name!.text };
      } else if (isPunct('[')) {
        position++;
        const index = parseExpr();
        expect(']');
        expr = { kind: 'index', target: expr, index };
      } else return expr;
    }
  }

  const expr = parseExpr();
  if (position !== tokens.length) fail(`unexpected "${tokens[position]!.text}" after the end`);
  return expr;
}

// JSON values → Bicep literals, for the generated .bicepparam files.

/** A JSON value (what the orchestrator passes as parameters). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Bicep keywords are quoted as property names to stay unambiguous.
const keywords = new Set(['true', 'false', 'null', 'if', 'for', 'in', 'resource', 'module', 'param', 'var', 'output', 'existing', 'import', 'using', 'type', 'func', 'metadata', 'targetScope', 'extension', 'with', 'as']);

/** A single-quoted Bicep string: \ ' and ${ escaped, control characters as escapes. */
export function bicepString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '$' && value[i + 1] === '{') out += '\\$';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16).toUpperCase()}}`;
    else out += ch;
  }
  return `${out}'`;
}

function propertyName(key: string): string {
  return identifier.test(key) && !keywords.has(key) ? key : bicepString(key);
}

function bicepNumber(value: number, where: string): string {
  if (!Number.isFinite(value)) throw new Error(`${where}: ${value} has no Bicep literal`);
  if (Number.isSafeInteger(value)) return String(value);
  // Bicep has only integers: other numbers go through json().
  return `json(${bicepString(String(value))})`;
}

/** The Bicep literal of a JSON value; objects and arrays span several lines, indented by two spaces. */
export function toBicepLiteral(value: JsonValue, indent = '', where = 'value'): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return bicepNumber(value, where);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item, i) => `${inner}${toBicepLiteral(item, inner, `${where}[${i}]`)}\n`).join('')}${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${propertyName(k)}: ${toBicepLiteral(v, inner, `${where}.${k}`)}\n`).join('')}${indent}}`;
  }
  throw new Error(`${where}: a ${typeof value} has no Bicep literal`);
}

// JSON values as Bicep literals, for the .bicepparam file that feeds a submitted template to the
// Bicep snapshot (`param x = <literal>`).

const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;

export function bicepLiteral(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`Bicep has no literal for the non-integer number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${bicepLiteral(v, inner)}`).join('\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${quote(k)}: ${bicepLiteral(v, inner)}`).join('\n')}\n${indent}}`;
  }
  throw new Error(`no Bicep literal for a ${typeof value}`);
}

/** A .bicepparam file that uses `template.json` with these parameter values ({ name: { value } }). */
export function bicepParamFile(templateFile: string, parameters: Record<string, unknown>): string {
  const lines = [`using './${templateFile}'`, ''];
  for (const [name, entry] of Object.entries(parameters)) {
    const e = entry as { value?: unknown; reference?: unknown } | null;
    if (e === null || typeof e !== 'object' || !('value' in e)) throw new Error(`parameter '${name}' must have a 'value' (Key Vault references are not supported by the emulator)`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`parameter name '${name}' is not a valid identifier`);
    lines.push(`param ${name} = ${bicepLiteral(e.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

// The generated .bicepparam of one deployment: `using` main.bicep, one `param` line per parameter.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toBicepLiteral, type JsonValue } from './bicep-literal.ts';

export function renderParametersFile(templateFile: string, paramsFile: string, parameters: Record<string, JsonValue>, header: string): string {
  let relative = path.relative(path.dirname(paramsFile), templateFile).split(path.sep).join('/');
  if (!relative.startsWith('.')) relative = `./${relative}`;
  const lines = [...header.split('\n').map((l) => `// ${l}`), `using ${toBicepLiteral(relative)}`, ''];
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    lines.push(`param ${name} = ${toBicepLiteral(value, '', name)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function writeParametersFile(templateFile: string, paramsFile: string, parameters: Record<string, JsonValue>, header: string): Promise<void> {
  await mkdir(path.dirname(paramsFile), { recursive: true });
  await writeFile(paramsFile, renderParametersFile(templateFile, paramsFile, parameters, header));
}

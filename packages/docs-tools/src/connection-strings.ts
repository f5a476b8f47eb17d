// Connection-string formats, read from the modules' string outputs in bicep/modules/*/main.bicep.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { code } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

/** Splits a Bicep string literal body (after its opening quote) into literal parts and `${...}` expressions; stops at the closing quote. */
export function splitBicepString(text: string): Array<{ literal: string } | { expression: string }> {
  const parts: Array<{ literal: string } | { expression: string }> = [];
  let literal = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '\\') { literal += text[i + 1] ?? ''; i += 1; continue; }
    if (char === "'") break;
    if (char !== '$' || text[i + 1] !== '{') { literal += char; continue; }
    if (literal !== '') parts.push({ literal });
    literal = '';
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j += 1) {
      const inner = text[j]!;
      if (inner === "'") { j = text.indexOf("'", j + 1); continue; }
      if (inner === '{') depth += 1;
      if (inner === '}') { depth -= 1; if (depth === 0) break; }
    }
    parts.push({ expression: text.slice(i + 2, j).trim() });
    i = j;
  }
  if (literal !== '') parts.push({ literal });
  return parts;
}

/** The value of `output NAME string = '...'` in a module, its expressions turned into placeholders. */
export function bicepOutputTemplate(module: string, output: string, bicepRoot = repoRoot): string {
  const text = readFileSync(path.join(bicepRoot, 'bicep', 'modules', module, 'main.bicep'), 'utf8');
  const start = new RegExp(`^output ${output} string = '`, 'm').exec(text);
  if (start === null) throw new ConfigError([`bicep/modules/${module}/main.bicep: no string output ${output} with a string literal value`]);
  return splitBicepString(text.slice(start.index + start[0].length)).map((part) => {
    if ('literal' in part) return part.literal;
    const variable = new RegExp(`^var ${part.expression.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} = (\\d+|'[^']*')$`, 'm').exec(text);
    if (variable !== null) return variable[1]!.replaceAll("'", '');
    // The namespace host is the host of serviceBusEndpoint (https://<namespace>.servicebus.windows.net:443/).
    if (part.expression.includes('serviceBusEndpoint')) return '<namespace>.servicebus.windows.net';
    return `<${part.expression.split('.').at(-1)}>`;
  }).join('');
}

export function connectionStringTable(): string {
  const postgres = bicepOutputTemplate('database', 'connectionStringTemplate');
  const rows = [
    ['PostgreSQL', code(postgres), '`database` output `connectionStringTemplate`; `{user}`/`{password}` from `postgresql-<service>-password`, `{database}` from the `databaseNames` output; TLS with full certificate verification'],
    ['PostgreSQL via PgBouncer', code(postgres.replace(':5432/', ':6432/')), 'same, port 6432, where `database.pgbouncer` is on (see the SKU table)'],
    ['Managed Redis', code(bicepOutputTemplate('redis', 'connectionStringTemplate')), '`redis` output; TLS only; user = workload identity object id, password = Entra ID token (scope `https://redis.azure.com/.default`), or `redis-primary-key` when access keys are on'],
    ['Event Hubs (Kafka)', code(bicepOutputTemplate('messaging', 'kafkaBootstrapServer')), '`messaging` output `kafkaBootstrapServer`; `SASL_SSL`, mechanism `PLAIN`, user `$ConnectionString`, password = `eventhub-<hub>-send/listen-connection-string` (or OAUTHBEARER with the workload identity)'],
  ];
  return `${markdownTable(['Service', 'Format', 'Notes'], rows)}\n\nHost names resolve to the private endpoints inside the VNet. Formats are read from the modules' outputs in \`bicep/modules/*/main.bicep\`.`;
}


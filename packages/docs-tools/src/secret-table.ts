// The Key Vault secret table: template-written secrets from the Bicep modules (checked against the
// snapshots), post-deploy ones from packages/cli/src/secrets/names.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import type { Registry } from '@complianceflow/cli/config/types.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { postDeploySecretNames, postDeploySecrets } from '@complianceflow/cli/secrets/names.ts';
import { code, snapshotOf, yesNo, type Reference } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

const hubPlaceholder = '<hub>';

interface TemplateSecret { name: string; module: string; condition: string | undefined }

/** The secrets the Bicep modules declare: `Microsoft.KeyVault/vaults/secrets` resources and their names. */
export function templateSecrets(bicepRoot = repoRoot): TemplateSecret[] {
  const modulesDir = path.join(bicepRoot, 'bicep', 'modules');
  const modules = readdirSync(modulesDir).sort();
  const declaration = /resource \w+ 'Microsoft\.KeyVault\/vaults\/secrets@[^']+' = (?:if \(([^)]+)\) )?[\s\S]*?\n\s+name: '([^']+)'/g;
  return modules.flatMap((module) => {
    const file = path.join(modulesDir, module, 'main.bicep');
    if (!existsSync(file)) return [];
    return [...readFileSync(file, 'utf8').matchAll(declaration)].map((match) => ({
      name: match[2]!.replace('${hub.name}', hubPlaceholder),
      module: `bicep/modules/${module}`,
      condition: match[1],
    }));
  });
}

/** What a template-written secret holds; prose, so kept here. A secret without one fails the render. */
const templateSecretHolds: Record<string, string> = {
  'applicationinsights-connection-string': 'Application Insights connection string (read from the component at deploy time)',
  'redis-primary-key': 'Managed Redis primary access key',
  [`eventhub-${hubPlaceholder}-send-connection-string`]: 'connection string of the hub\'s send-only SAS rule',
  [`eventhub-${hubPlaceholder}-listen-connection-string`]: 'connection string of the hub\'s listen-only SAS rule',
};

function patternRegExp(name: string, hubs: readonly string[]): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(hubPlaceholder, `(?:${hubs.join('|')})`)}$`);
}

export function secretTable(registry: Registry, references: Reference[], root: string): string {
  const hubs = registry.catalog.eventHubs.map((hub) => hub.name);
  const declared = templateSecrets();
  const present = new Map<string, Set<string>>();
  for (const { environment, deployment } of references) {
    for (const resource of snapshotOf(root, deployment.name).filter((r) => r.type === 'Microsoft.KeyVault/vaults/secrets')) {
      const name = resource.name.split('/').at(-1)!;
      const secret = declared.find((candidate) => patternRegExp(candidate.name, hubs).test(name));
      if (secret === undefined) throw new ConfigError([`deployments/snapshots/${deployment.name}.json: secret ${name} is declared by no Key Vault secret resource of bicep/modules/*/main.bicep`]);
      const environments = present.get(secret.name) ?? new Set<string>();
      environments.add(environment);
      present.set(secret.name, environments);
    }
  }
  const missingHolds = declared.filter((secret) => templateSecretHolds[secret.name] === undefined).map((secret) => `${secret.module}/main.bicep: secret ${secret.name} has no description in packages/docs-tools/src/secret-table.ts`);
  if (missingHolds.length > 0) throw new ConfigError(missingHolds);
  const templateRows = declared.map((secret) => [
    code(secret.name),
    templateSecretHolds[secret.name]!,
    `template: [${secret.module}](../${secret.module}/README.md)${secret.condition === undefined ? '' : ` when ${code(secret.condition)}`}`,
    ...references.map((r) => yesNo(present.get(secret.name)?.has(r.environment) ?? false)),
  ]);
  const postDeployRows = postDeploySecrets.map((secret) => [
    code(secret.name),
    secret.holds,
    secret.source === 'generated' ? `post-deploy step (generated once, ${secret.bytes} random bytes)` : 'post-deploy step (operator)',
    ...references.map(() => 'after the step'),
  ]);
  const table = markdownTable(['Secret', 'Holds', 'Written by', ...references.map((r) => `${r.environment} (${r.deployment.name})`)], [...templateRows, ...postDeployRows]);
  const legend =
    `${code(hubPlaceholder)}: each event hub of \`deployments/catalog.yaml\` (${hubs.join(', ')}); ` +
    `\`<service>\`: each service (${registry.catalog.services.join(', ')}) — ${postDeploySecretNames(registry.catalog.services).length} post-deploy secrets in all. ` +
    'Template rows come from the `Microsoft.KeyVault/vaults/secrets` resources of `bicep/modules/*/main.bicep` and show whether the reference snapshot has them; ' +
    'post-deploy rows from `packages/cli/src/secrets/names.ts`.';
  return `${table}\n\n${legend}`;
}

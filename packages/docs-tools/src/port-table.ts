// Every port of the platform, each from its one source: the local environment's host ports from
// local/.env.example, the emulators' defaults from their modules, the Azure services' ports from the
// Bicep modules' outputs — checked against the NSG rules of the prod reference snapshot, which must admit them.
import { azuriteDefaultBlobPort } from '@complianceflow/cli/lock/azurite.ts';
import { portKeys } from '@complianceflow/cli/local/settings.ts';
import { defaultEmulatorPort } from '@complianceflow/core/arm/emulator-contract.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import type { ArmResource } from '@complianceflow/core/policy/types.ts';
import { bicepOutputTemplate } from './connection-strings.ts';
import { admitsPort, inboundAllowRules, vnetOf } from './nsg-rules.ts';
import { localPorts, type LocalPortKey } from './local-world.ts';
import { code } from './references.ts';
import { markdownTable } from '@complianceflow/core/tables.ts';

export interface AzurePort {
  service: string;
  port: number;
  source: string;
}

function portOf(template: string, where: string): number {
  const match = /:(\d+)(?:\/|$)/.exec(template);
  if (match === null) throw new ConfigError([`${where}: no port in ${template}`]);
  return Number(match[1]);
}

/** The Azure data-plane ports the workloads use, from the modules' connection outputs. */
export function azurePorts(root: string): AzurePort[] {
  const postgres = bicepOutputTemplate('database', 'connectionStringTemplate', root);
  const redis = bicepOutputTemplate('redis', 'connectionStringTemplate', root);
  const kafka = bicepOutputTemplate('messaging', 'kafkaBootstrapServer', root);
  return [
    { service: 'PostgreSQL Flexible Server', port: portOf(postgres, 'bicep/modules/database'), source: '`bicep/modules/database` output `connectionStringTemplate`' },
    { service: 'Azure Managed Redis (TLS)', port: portOf(redis, 'bicep/modules/redis'), source: '`bicep/modules/redis` output `connectionStringTemplate`' },
    { service: 'Event Hubs, Kafka endpoint', port: portOf(kafka, 'bicep/modules/messaging'), source: '`bicep/modules/messaging` output `kafkaBootstrapServer`' },
  ];
}

/** "nsg-cf-{d}-db: AllowPostgresFromContainerApps" for each allow rule admitting the port. */
function admittedBy(resources: ArmResource[], deployment: string, port: number): string[] {
  return inboundAllowRules(resources).filter((rule) => admitsPort(rule, port) && !rule.ports.includes('*')).map((rule) => `${code(rule.nsg.replace(deployment, '{d}'))} ${rule.name}`);
}

export function portTable(root: string, reference: { name: string; resources: ArmResource[] }): string {
  const ports = localPorts(root);
  const local = Object.entries(portKeys).map(([key, service]) => ['local (127.0.0.1)', service, ports[key as LocalPortKey], `${code(key)} in \`local/.env\` (default: \`local/.env.example\`)`]);
  const tools = [
    ['local (127.0.0.1)', 'ARM emulator (HTTPS)', String(defaultEmulatorPort), `${code('ARM_EMULATOR_PORT')} (default: \`packages/core/src/arm/emulator-contract.ts\`)`],
    ['local (127.0.0.1)', 'Azurite blob service (the deployment lock store)', String(azuriteDefaultBlobPort), `${code('AZURITE_BLOB_PORT')} (default: \`packages/cli/src/lock/azurite.ts\`)`],
  ];
  const vnet = vnetOf(reference.resources);
  const where = `Azure (VNet ${vnet.addressSpace.join(', ')} of ${reference.name})`;
  const rules = inboundAllowRules(reference.resources);
  const azure = azurePorts(root).flatMap(({ service, port, source }, index) => {
    const admitting = admittedBy(reference.resources, reference.name, port);
    if (admitting.length === 0) throw new ConfigError([`deployments/snapshots/${reference.name}.json: no NSG rule admits port ${port} (${service}, from ${source})`]);
    const row = [where, service, String(port), `${source}; admitted by ${admitting.join(', ')}`];
    if (index !== 0) return [row];
    // PostgreSQL: the other port its NSG rule admits is the built-in PgBouncer's (where database.pgbouncer is on).
    const rule = rules.find((r) => admitsPort(r, port) && !r.ports.includes('*'))!;
    const pgbouncer = rule.ports.filter((p) => p !== String(port));
    return [row, ...pgbouncer.map((p) => [where, 'PostgreSQL via PgBouncer (where `database.pgbouncer` is on)', p, `the db NSG rule ${rule.name} of \`bicep/modules/networking\` (built-in PgBouncer port)`])];
  });
  return markdownTable(['Where', 'Service', 'Port', 'Set by / source'], [...local, ...tools, ...azure]);
}

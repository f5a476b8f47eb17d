// The services and event hubs of deployments/catalog.yaml, and the env file that hands them to the
// Compose one-shot containers (databases and topics) without copying the list by hand.
// Only the catalogue is read (not the whole registry of config/registry.ts), so the local
// environment keeps working while a deployment file elsewhere is being edited.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { parseYaml, readConfigText } from '../config/yaml-file.ts';
import { ConfigError } from '@complianceflow/core/errors.ts';
import { catalogFile, catalogEnvFile } from './paths.ts';

export interface LocalCatalog {
  services: string[];
  topics: { name: string; partitions: number }[];
}

export function catalogFromYaml(text: string, file: string): LocalCatalog {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) throw new ConfigError([parsed.problem]);
  const doc = parsed.data as { services?: unknown; eventHubs?: unknown } | null;
  const problems: string[] = [];
  const services = Array.isArray(doc?.services) ? doc.services : [];
  if (services.length === 0) problems.push(`${file}: services must be a non-empty list`);
  for (const service of services) {
    if (typeof service !== 'string' || !/^[a-z][a-z0-9]*$/.test(service)) {
      problems.push(`${file}: service ${JSON.stringify(service)} must be lower-case letters and digits`);
    }
  }
  const hubs = Array.isArray(doc?.eventHubs) ? (doc.eventHubs as { name?: unknown; partitions?: unknown }[]) : [];
  if (hubs.length === 0) problems.push(`${file}: eventHubs must be a non-empty list`);
  for (const hub of hubs) {
    if (typeof hub?.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(hub.name) || !Number.isInteger(hub.partitions) || (hub.partitions as number) < 1) {
      problems.push(`${file}: event hub ${JSON.stringify(hub)} needs a name (lower-case, digits, dashes) and partitions >= 1`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    services: services as string[],
    topics: hubs.map((hub) => ({ name: hub.name as string, partitions: hub.partitions as number })),
  };
}

export function loadCatalog(file = catalogFile): LocalCatalog {
  const read = readConfigText(file, 'deployments/catalog.yaml');
  if (!read.ok) throw new ConfigError([read.problem]);
  return catalogFromYaml(read.text, 'deployments/catalog.yaml');
}

/** local/catalog.env: the catalogue as the variables that scripts/init-databases.sh and topic-init read. */
export function renderCatalogEnv(catalog: LocalCatalog): string {
  return [
    '# Generated from deployments/catalog.yaml by `npm run local:up`: do not edit (a test checks it).',
    `CF_SERVICES="${catalog.services.join(' ')}"`,
    `CF_TOPICS="${catalog.topics.map((topic) => `${topic.name}:${topic.partitions}`).join(' ')}"`,
    '',
  ].join('\n');
}

/** Rewrites local/catalog.env when the catalogue changed; returns whether it did. */
export function syncCatalogEnv(catalog: LocalCatalog, file = catalogEnvFile): boolean {
  const text = renderCatalogEnv(catalog);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  writeFileSync(file, text);
  return true;
}

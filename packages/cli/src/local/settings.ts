// The local environment's settings: local/.env over the defaults of local/.env.example. The
// example file is the one list of allowed keys; a key it does not have is refused.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { envExampleFile, envFile as defaultEnvFile } from './paths.ts';

export interface EnvEntry {
  value: string;
  line: number;
}

export interface LocalSettings {
  ports: { postgres: number; redis: number; kafka: number; console: number; sampleService: number; sampleDebug: number };
  postgresSuperuser: string;
  postgresSuperuserPassword: string;
  serviceDbPassword: string;
  databaseSuffix: string;
  redisMaxmemory: string;
  redisMaxmemoryPolicy: string;
}

/** The service each port key belongs to, in the order status prints them. */
export const portKeys = {
  POSTGRES_PORT: 'postgres',
  REDIS_PORT: 'redis',
  KAFKA_PORT: 'kafka',
  CONSOLE_PORT: 'console',
  SAMPLE_SERVICE_PORT: 'sample-service',
  SAMPLE_DEBUG_PORT: 'sample-service debugger',
} as const;

export const redisEvictionPolicies = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random',
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
] as const;

/** Parses KEY=VALUE lines (# comments, blank lines, optional matching quotes around the value). */
export function parseEnvText(text: string, file: string): Map<string, EnvEntry> {
  const entries = new Map<string, EnvEntry>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (match === null) {
      problems.push(`${file}:${line}: "${trimmed}" is not KEY=VALUE`);
      return;
    }
    const key = match[1]!;
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted !== null) value = quoted[2]!;
    if (entries.has(key)) problems.push(`${file}:${line}: ${key} is set twice (first on line ${entries.get(key)!.line})`);
    entries.set(key, { value, line });
  });
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return entries;
}

/** Checks an .env file's entries against the allowed keys and value rules; returns the problems. */
export function validateEnv(entries: Map<string, EnvEntry>, allowedKeys: readonly string[], file: string): string[] {
  const problems: string[] = [];
  for (const [key, { value, line }] of entries) {
    const where = `${file}:${line}`;
    if (!allowedKeys.includes(key)) {
      problems.push(`${where}: unknown key ${key}; allowed keys: ${allowedKeys.join(', ')}`);
    } else if (key in portKeys) {
      const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(port >= 1 && port <= 65535)) {
        problems.push(`${where}: ${key} (the ${portKeys[key as keyof typeof portKeys]} port) is "${value}"; it must be a number from 1 to 65535`);
      }
    } else if (key === 'REDIS_MAXMEMORY_POLICY' && !(redisEvictionPolicies as readonly string[]).includes(value)) {
      problems.push(`${where}: REDIS_MAXMEMORY_POLICY is "${value}"; allowed: ${redisEvictionPolicies.join(', ')}`);
    } else if (key === 'REDIS_MAXMEMORY' && !/^\d+(?:[kmg]b?)?$/i.test(value)) {
      problems.push(`${where}: REDIS_MAXMEMORY is "${value}"; use bytes or a size like 256mb`);
    } else if (key === 'DATABASE_SUFFIX' && !/^[a-z0-9_]+$/.test(value)) {
      problems.push(`${where}: DATABASE_SUFFIX is "${value}"; use lower-case letters, digits and underscores`);
    } else if (key === 'POSTGRES_SUPERUSER' && !/^[a-z_][a-z0-9_]*$/.test(value)) {
      problems.push(`${where}: POSTGRES_SUPERUSER is "${value}"; use lower-case letters, digits and underscores`);
    } else if (value === '') {
      problems.push(`${where}: ${key} is empty`);
    }
  }
  return problems;
}

/** Two services on one host port would collide: name both. */
function portConflicts(settings: LocalSettings): string[] {
  const byPort = new Map<number, string>();
  const problems: string[] = [];
  const names = Object.values(portKeys);
  Object.values(settings.ports).forEach((port, index) => {
    const other = byPort.get(port);
    if (other !== undefined) problems.push(`port ${port} is given to both ${other} and ${names[index]}; give each its own port`);
    byPort.set(port, names[index]!);
  });
  return problems;
}

export function settingsFromValues(values: Map<string, string>): LocalSettings {
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new UsageError(`${key} is missing from ${envExampleFile}`);
    return value;
  };
  return {
    ports: {
      postgres: Number(get('POSTGRES_PORT')),
      redis: Number(get('REDIS_PORT')),
      kafka: Number(get('KAFKA_PORT')),
      console: Number(get('CONSOLE_PORT')),
      sampleService: Number(get('SAMPLE_SERVICE_PORT')),
      sampleDebug: Number(get('SAMPLE_DEBUG_PORT')),
    },
    postgresSuperuser: get('POSTGRES_SUPERUSER'),
    postgresSuperuserPassword: get('POSTGRES_SUPERUSER_PASSWORD'),
    serviceDbPassword: get('SERVICE_DB_PASSWORD'),
    databaseSuffix: get('DATABASE_SUFFIX'),
    redisMaxmemory: get('REDIS_MAXMEMORY'),
    redisMaxmemoryPolicy: get('REDIS_MAXMEMORY_POLICY'),
  };
}

/** A path as people type it: relative inside the working directory, absolute outside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') ? file : relative;
}

function readEntries(file: string): Map<string, EnvEntry> {
  return parseEnvText(readFileSync(file, 'utf8'), displayPath(file));
}

/**
 * The settings: the defaults of local/.env.example, overridden by `envFile` (given explicitly,
 * it must exist) or by local/.env when present. Refuses unknown keys and bad values (exit 2).
 */
export function loadSettings(envFile?: string): LocalSettings {
  const defaults = readEntries(envExampleFile);
  const allowedKeys = [...defaults.keys()];
  const values = new Map([...defaults].map(([key, entry]) => [key, entry.value]));
  const overrides = envFile ?? (existsSync(defaultEnvFile) ? defaultEnvFile : undefined);
  if (envFile !== undefined && !existsSync(envFile)) {
    throw new UsageError(`env file ${envFile} does not exist`, `copy local/.env.example to it, or leave out --env-path`);
  }
  if (overrides !== undefined) {
    const entries = readEntries(overrides);
    const problems = validateEnv(entries, allowedKeys, displayPath(overrides));
    if (problems.length > 0) {
      throw new UsageError(problems.join('\n'), `fix ${overrides}; local/.env.example lists every key with its default`);
    }
    for (const [key, entry] of entries) values.set(key, entry.value);
  }
  const settings = settingsFromValues(values);
  const conflicts = portConflicts(settings);
  if (conflicts.length > 0) throw new UsageError(conflicts.join('\n'), 'change the ports in local/.env');
  return settings;
}

// Finding the PostgreSQL and Redis programs native mode runs, with the package that provides each.
import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@complianceflow/core/errors.ts';
import { runSyncNothrow } from '@complianceflow/core/process.ts';

export interface NativeBinaries {
  initdb: string;
  pgCtl: string;
  psql: string;
  redisServer: string;
}

export interface BinarySearch {
  /** Directories searched first, in order (PATH). */
  pathDirs: string[];
  /** Where Debian installs PostgreSQL server binaries (<root>/<major>/bin), newest major first. */
  postgresRoots: string[];
  /** Whether to ask `pg_config --bindir`. */
  usePgConfig: boolean;
}

export function defaultBinarySearch(): BinarySearch {
  return {
    pathDirs: (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== ''),
    postgresRoots: ['/usr/lib/postgresql'],
    usePgConfig: true,
  };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function inDirs(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((dir) => path.join(dir, name)).find(executable);
}

function postgresBinDirs(search: BinarySearch): string[] {
  const dirs: string[] = [];
  if (search.usePgConfig) {
    const pgConfig = inDirs('pg_config', search.pathDirs);
    // pg_config from a client-only package may fail; the Debian layout below still applies.
    const bindir = pgConfig === undefined ? undefined : runSyncNothrow(pgConfig, ['--bindir']);
    if (bindir?.code === 0) dirs.push(bindir.stdout.trim());
  }
  for (const root of search.postgresRoots) {
    let majors: string[] = [];
    try {
      majors = readdirSync(root).filter((entry) => /^\d+$/.test(entry));
    } catch {
      continue;
    }
    majors.sort((a, b) => Number(b) - Number(a));
    dirs.push(...majors.map((major) => path.join(root, major, 'bin')));
  }
  return dirs;
}

/** Finds every program native mode needs, or says which are missing and how to install them. */
export function findNativeBinaries(search: BinarySearch = defaultBinarySearch()): NativeBinaries {
  const serverDirs = [...search.pathDirs, ...postgresBinDirs(search)];
  // initdb and pg_ctl must come from the same installation.
  const pgBinDir = serverDirs.find((dir) => executable(path.join(dir, 'initdb')) && executable(path.join(dir, 'pg_ctl')));
  const psql = inDirs('psql', search.pathDirs) ?? (pgBinDir === undefined ? undefined : inDirs('psql', [pgBinDir]));
  const redisServer = inDirs('redis-server', search.pathDirs);
  const missing: string[] = [];
  if (pgBinDir === undefined) missing.push('initdb and pg_ctl (PostgreSQL server): install the Debian package postgresql');
  if (psql === undefined) missing.push('psql: install the Debian package postgresql-client');
  if (redisServer === undefined) missing.push('redis-server: install the Debian package redis-server');
  if (missing.length > 0 || pgBinDir === undefined || psql === undefined || redisServer === undefined) {
    throw new UsageError(
      `native mode needs programs that are not installed:\n  - ${missing.join('\n  - ')}`,
      'apt-get install postgresql redis-server (scripts/setup.sh does it), or run with Docker instead',
    );
  }
  return { initdb: path.join(pgBinDir, 'initdb'), pgCtl: path.join(pgBinDir, 'pg_ctl'), psql, redisServer };
}

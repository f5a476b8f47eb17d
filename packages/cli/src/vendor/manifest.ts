// The CLI's npm dependencies, bundled (scripts/bundle-vendor.ts): loading a command imported about
// 540 files of node_modules one by one (the Azure SDKs alone are several hundred), and resolving,
// reading and linking them was a third of a no-change deploy's CPU. The bundle lives in
// node_modules/.cache, so `npm ci` removes it with the packages it was built from, and its manifest
// carries a stamp of node_modules/.package-lock.json (npm rewrites it on every install): a bundle
// of other packages than those installed is never used. Light on purpose: the executable reads it
// before loading anything else.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

export const vendorDir = path.join(repoRoot, 'node_modules', '.cache', 'cf-infra-vendor');
export const manifestFile = (dir: string): string => path.join(dir, 'manifest.json');
/** The importers whose bare specifiers the bundle answers: the project's own sources. */
export const sourcesRoot = path.join(repoRoot, 'packages');

export interface VendorManifest {
  format: 1;
  /** installedPackagesStamp() when the bundle was built. */
  stamp: string;
  /** Each bundled specifier ('@azure/core-auth', 'vscode-jsonrpc/node') and its module, relative to the manifest. */
  entries: Record<string, string>;
}

/** What npm last installed, as a hash of node_modules/.package-lock.json (undefined: no node_modules). */
export function installedPackagesStamp(root = repoRoot): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path.join(root, 'node_modules', '.package-lock.json'))).digest('hex');
  } catch {
    return undefined;
  }
}

/** The manifest in `dir` when it describes a bundle of the packages installed now, else undefined (missing, unreadable or stale). */
export function currentManifest(dir = vendorDir, stamp = installedPackagesStamp()): VendorManifest | undefined {
  let manifest: VendorManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as VendorManifest;
  } catch {
    return undefined;
  }
  const wellFormed = manifest.format === 1 && typeof manifest.entries === 'object' && manifest.entries !== null;
  return wellFormed && stamp !== undefined && manifest.stamp === stamp ? manifest : undefined;
}

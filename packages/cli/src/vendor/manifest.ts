// The CLI's npm dependencies, bundled (scripts/bundle-vendor.ts): loading a command imported about
// 540 files of node_modules one by one (the Azure SDKs alone are several hundred), and resolving,
// reading and linking them was a third of a no-change deploy's CPU. The bundle lives in
// node_modules/.cache, so `npm ci` removes it with the packages it was built from, and its manifest
// carries a stamp of node_modules/.package-lock.json (npm rewrites it on every install): a bundle
// of other packages than those installed is never used. Light on purpose: the executable reads the
// manifest before loading anything else, and checks the stamp only when a command first imports a
// bundled package (`--help` never does).
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
  /** Each bundled specifier ('@azure/storage-blob', 'vscode-jsonrpc/node') and its module, relative to the manifest. */
  entries: Record<string, string>;
}

/** What npm last installed, as a hash of node_modules/.package-lock.json (undefined: no node_modules). */
export function installedPackagesStamp(root = repoRoot): string | undefined {
  let installed: Buffer;
  try {
    installed = readFileSync(path.join(root, 'node_modules', '.package-lock.json'));
  } catch {
    return undefined;
  }
  // Not imported up front: node:crypto is a few milliseconds of every start that needs no stamp.
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(installed).digest('hex');
}

/** The manifest in `dir`, whatever it was built from (undefined: missing, unreadable or another format). */
export function readManifest(dir = vendorDir): VendorManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as VendorManifest;
    return manifest.format === 1 && typeof manifest.entries === 'object' && manifest.entries !== null ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the manifest describes a bundle of the packages installed now. */
export const isCurrent = (manifest: VendorManifest, stamp = installedPackagesStamp()): boolean => stamp !== undefined && manifest.stamp === stamp;

/** The manifest in `dir` when it describes a bundle of the packages installed now, else undefined (missing, unreadable or stale). */
export function currentManifest(dir = vendorDir, stamp = installedPackagesStamp()): VendorManifest | undefined {
  const manifest = readManifest(dir);
  return manifest !== undefined && isCurrent(manifest, stamp) ? manifest : undefined;
}

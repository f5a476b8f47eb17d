// A throw-away copy of the checkout whose files a test may break freely. The workspace packages are
// copied and linked from the copy's own node_modules/@complianceflow (a link into the real checkout's
// node_modules would resolve the packages, and with them repoRoot, back to the real checkout).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './cli.ts';

const workspaceScope = '@complianceflow';

export function scratchCheckout(prefix: string, dirs: readonly string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
  for (const dir of ['packages', ...dirs]) {
    cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true, filter: (source) => !source.includes('.local-data') });
  }
  const modules = path.join(root, 'node_modules');
  mkdirSync(path.join(modules, workspaceScope), { recursive: true });
  for (const entry of readdirSync(path.join(repoRoot, 'node_modules'))) {
    if (entry !== workspaceScope) symlinkSync(path.join(repoRoot, 'node_modules', entry), path.join(modules, entry));
  }
  for (const pkg of readdirSync(path.join(root, 'packages'))) {
    symlinkSync(path.join(root, 'packages', pkg), path.join(modules, workspaceScope, pkg), 'dir');
  }
  symlinkSync(path.join(repoRoot, '.tools'), path.join(root, '.tools'), 'dir');
  return root;
}

// The files the doc checks cover: every tracked .md of the repository (git ls-files), except the
// deliberately broken fixtures of the doc tests; and every tracked file, for the links to resolve.
import { runSync } from '@complianceflow/core/process.ts';

export const docFixturesDir = 'test/fixtures/docs/';

function gitLsFiles(root: string, pathspecs: readonly string[] = []): string[] {
  const out = runSync('git', ['ls-files', '-z', ...(pathspecs.length === 0 ? [] : ['--', ...pathspecs])], { cwd: root, install: 'git' });
  return out.split('\0').filter((file) => file !== '');
}

export function trackedMarkdownFiles(root: string): string[] {
  return gitLsFiles(root, ['*.md']).filter((file) => !file.startsWith(docFixturesDir)).sort();
}

export function trackedFiles(root: string): Set<string> {
  return new Set(gitLsFiles(root));
}

// The Markdown files the doc checks cover: every tracked .md of the repository (git ls-files), except
// the deliberately broken fixtures of the doc tests.
import { execFileSync } from 'node:child_process';

export const docFixturesDir = 'test/fixtures/docs/';

export function trackedMarkdownFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--', '*.md'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((file) => file !== '' && !file.startsWith(docFixturesDir)).sort();
}

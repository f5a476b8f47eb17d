// Markdown lint (markdownlint-cli2 with .markdownlint-cli2.jsonc) over every tracked .md, and proof that
// the configuration catches what it should.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { trackedMarkdownFiles } from '@complianceflow/docs-tools/files.ts';

const cli = path.join(repoRoot, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs');

function lint(cwd: string, files: string[]) {
  // `:` = a literal path, not a glob; --no-globs: only these files, not the config's globs.
  const run = spawnSync(process.execPath, [cli, '--no-globs', ...files.map((file) => `:${file}`)], { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('docs: markdown lint', () => {
  it('every tracked Markdown file lints clean', function () {
    this.timeout(120_000);
    const files = trackedMarkdownFiles(repoRoot);
    expect(files).to.include.members(['README.md', 'docs/Infrastructure_Architecture.md']);
    const result = lint(repoRoot, files);
    expect(result.status, result.output).to.equal(0);
    expect(result.output).to.match(new RegExp(`Linting: ${files.length} file`));
  });

  it('the configuration flags a long prose line, a bare fence, a tight table and inline HTML; long table rows pass', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cf-mdlint-'));
    try {
      copyFileSync(path.join(repoRoot, '.markdownlint-cli2.jsonc'), path.join(dir, '.markdownlint-cli2.jsonc'));
      const longTableRow = `| a | ${'x'.repeat(200)} |`;
      writeFileSync(path.join(dir, 'good.md'), `# Good\n\n| h | v |\n| --- | --- |\n${longTableRow}\n\n\`\`\`text\n${'y'.repeat(200)}\n\`\`\`\n`);
      writeFileSync(path.join(dir, 'bad.md'), `# Bad\n\n${'word '.repeat(30)}\n\n\`\`\`\ncode\n\`\`\`\n\n|h|v|\n|---|---|\n|1|2|\n\nA <name> tag.\n`);
      expect(lint(dir, ['good.md']).status, lint(dir, ['good.md']).output).to.equal(0);
      const bad = lint(dir, ['bad.md']);
      expect(bad.status).to.equal(1);
      for (const rule of ['bad.md:3:121 error MD013/line-length', 'bad.md:5 error MD040/fenced-code-language', 'MD060/table-column-style', 'bad.md:13:3 error MD033/no-inline-html']) {
        expect(bad.output).to.include(rule);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

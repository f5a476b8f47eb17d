// Docs are tested like code: every Mermaid diagram parses (mermaid's own parser), every relative link
// and #anchor resolves (GitHub slugs), external links are https, every 10.x range and resource name is the
// registry's.
// The fixtures prove each check can fail.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { checkDocs } from '@complianceflow/docs-tools/check.ts';
import { docFixturesDir } from '@complianceflow/docs-tools/files.ts';
import { anchorsOf, extractLinks, githubSlug } from '@complianceflow/docs-tools/links.ts';
import { checkMermaid, messageLine, parseMermaid } from '@complianceflow/docs-tools/mermaid.ts';

const fixtureRoot = path.join(repoRoot, docFixturesDir, 'site');
const fixtureFiles = new Set(readdirSync(fixtureRoot, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => path.relative(fixtureRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')));

describe('docs: Mermaid diagrams and links', function () {
  this.timeout(60_000);

  it('every tracked Markdown file: diagrams parse, links and anchors resolve, external links are https, ranges and names are known', async () => {
    const result = await checkDocs(repoRoot);
    expect(result.files.length).to.be.greaterThan(10);
    expect(result.files.some((file) => file.startsWith(docFixturesDir)), 'the broken fixtures are not part of the docs').to.equal(false);
    expect(result.diagrams).to.be.greaterThan(0);
    expect(result.problems, result.problems.join('\n')).to.deep.equal([]);
  });

  it('`node packages/docs-tools/src/check.ts` (npm run docs:lint) passes on the repository', () => {
    const run = spawnSync(process.execPath, ['packages/docs-tools/src/check.ts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/Markdown files, \d+ Mermaid diagrams: 0 problem\(s\)/);
  });

  describe('mermaid', () => {
    it('parses valid diagrams of several kinds, including those that need a DOM (class, state)', async () => {
      const outcomes = await parseMermaid([
        'flowchart LR\n  subgraph vnet["VNet 10.10.0.0/16"]\n    a["snet 10.10.1.0/24"]\n  end\n  a --> b',
        'sequenceDiagram\n  A->>B: hi',
        'classDiagram\n  A <|-- B',
        'stateDiagram-v2\n  [*] --> Locked',
        'pie\n  "db" : 40',
      ]);
      expect(outcomes.map((o) => o.ok), JSON.stringify(outcomes)).to.deep.equal([true, true, true, true, true]);
      expect(outcomes.map((o) => o.diagramType)).to.deep.equal(['flowchart-v2', 'sequence', 'classDiagram', 'stateDiagram', 'pie']);
    });

    it('a broken diagram fails with its file, the file line the parser points at, and the parser message', async () => {
      const result = await checkDocs(fixtureRoot, ['guide/Steps.md'], fixtureFiles);
      expect(result.diagrams).to.equal(2);
      expect(result.problems).to.have.length(1);
      // The fence opens on line 18; the parser says line 3 of the diagram → file line 21.
      expect(result.problems[0]).to.match(/^guide\/Steps\.md:21: mermaid: Parse error on line 3:/);
      expect(result.problems[0]).to.include('Expecting');
    });

    it('an unknown diagram type is an error too, at the fence line', async () => {
      const problems = await checkMermaid([{ file: 'x.md', text: 'intro\n\n```mermaid\nflowchat LR\n  a --> b\n```\n' }]);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.include({ file: 'x.md', line: 3 });
      expect(problems[0]!.message).to.match(/No diagram type detected/i);
      expect(messageLine('Parsing failed: Parse error on line 2, column 6: x')).to.equal(2);
    });
  });

  describe('links', () => {
    it('GitHub slugs: lower case, punctuation removed, spaces to hyphens, duplicates numbered', () => {
      expect(githubSlug('Step 2: Deploy it!')).to.equal('step-2-deploy-it');
      expect(githubSlug('What-if (stack) & more')).to.equal('what-if-stack--more');
      expect(githubSlug('snake_case stays')).to.equal('snake_case-stays');
      expect([...anchorsOf('# A\n## B\n## B\n```\n## C\n```\n## B\n')]).to.deep.equal(['a', 'b', 'b-1', 'b-2']);
      expect([...anchorsOf('# Use `npm ci` and [the guide](x.md)\n')]).to.deep.equal(['use-npm-ci-and-the-guide']);
    });

    it('extracts inline, image, reference and autolinks, not those in code', () => {
      const links = extractLinks('[a](x.md) ![i](img.png "t") `[c](no.md)`\n<https://e.com>\n```\n[f](no.md)\n```\n[r]: y.md#z\n');
      expect(links).to.deep.equal([
        { line: 1, target: 'x.md' }, { line: 1, target: 'img.png' }, { line: 2, target: 'https://e.com' }, { line: 6, target: 'y.md#z' },
      ]);
    });

    it('broken files, anchors, http and escaping links, ranges and names the registry does not give, fail with file and line', async () => {
      const result = await checkDocs(fixtureRoot, ['README.md'], fixtureFiles);
      expect(result.problems).to.deep.equal([
        'README.md:7: link (guide/Missing.md): guide/Missing.md is not a file or directory of the repository',
        'README.md:7: link (guide/Steps.md#step-9): guide/Steps.md has no heading or id for #step-9',
        'README.md:7: link (http://example.com): external links must be https',
        'README.md:8: link (../../../../../../etc/passwd): the link leaves the repository',
        'README.md:8: link (#no-such-heading): README.md has no heading or id for #no-such-heading',
        'README.md:19: link (guide/Gone.md): guide/Gone.md is not a file or directory of the repository',
        'README.md:14: 10.X.7.0/24 is no address space, subnet or next free /16 of the registry (deployments/*.yaml, bicep/shared/subnet-plan.json)',
        'README.md:14: 10.99.0.0/16 is no address space, subnet or next free /16 of the registry (deployments/*.yaml, bicep/shared/subnet-plan.json)',
        'README.md:15: psql-cf-westeu-test-9 is not a name packages/cli/src/naming derives for a registered deployment (npm run names -- <deployment>)',
        'README.md:16: redis-cf-westeu-test1 is not a name packages/cli/src/naming derives for a registered deployment (npm run names -- <deployment>)',
      ]);
    });
  });
});

// One Node.js requirement: engines.node in package.json, and every requirement the docs state
// (docs:lint, packages/docs-tools/src/node-mentions.ts) says the same major.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@complianceflow/core/repo-root.ts';
import { requiredNodeMajor, requiredNodeMajorOf, wrongNodeRequirements } from '@complianceflow/docs-tools/node-mentions.ts';

describe('the Node.js requirement', () => {
  it('is engines.node ">=N", and nothing else', () => {
    expect(requiredNodeMajor('{"engines":{"node":">=20"}}')).to.equal(20);
    expect(requiredNodeMajor('{"engines":{"node":">= 22.0.0"}}')).to.equal(22);
    expect(() => requiredNodeMajor('{"engines":{"node":"^20 || ^22"}}')).to.throw('package.json: engines.node must be ">=<major>" (got "^20 || ^22")');
    expect(() => requiredNodeMajor('{}')).to.throw(/engines\.node must be/);
  });

  it('finds each way the docs state a requirement that disagrees, and leaves the runtime version alone', () => {
    const text = ['Node.js ≥ 22 here', '| Node.js 18 or newer, to run npm |', '`node --version` → `v21.x` or newer', "when the machine's Node is older than 24", 'npm scripts run on Node 24', 'Node.js ≥ 20 with npm', 'Node >= 20'].join('\n');
    expect(wrongNodeRequirements('d.md', text, 20).map((p) => [p.line, p.text])).to.deep.equal([
      [1, 'Node.js ≥ 22'],
      [2, 'Node.js 18 or newer'],
      [3, '`v21.x` or newer'],
      [4, "Node is older than 24"],
    ]);
  });

  it('README, the Setup Guide and scripts/setup.sh read the one requirement of package.json', () => {
    const required = requiredNodeMajorOf(repoRoot);
    const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
    for (const file of ['README.md', 'docs/infrastructure/Setup_Guide.md']) {
      expect(wrongNodeRequirements(file, read(file), required), file).to.deep.equal([]);
      expect(read(file), file).to.match(new RegExp(`Node\\.js (≥ ${required}|${required} or newer)`));
    }
    // setup.sh has no number of its own: it reads engines.node.
    expect(read('scripts/setup.sh')).to.include(`require("./package.json").engines.node`).and.not.to.match(/-lt 2\d\b/);
  });
});

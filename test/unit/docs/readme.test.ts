// README.md states commands and exit codes: check them against package.json, the CLI's command
// table and packages/core/src/exit-codes.ts so the quick reference cannot drift from the code.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { commandTable } from '@complianceflow/cli/commands/table.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const cliCommands = commandTable.map((c) => c.name);

describe('README.md', () => {
  it('names only npm scripts that exist (npm run X, and the local:* / emulator:* shorthands)', () => {
    const named = new Set([...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!));
    for (const m of readme.matchAll(/`((?:local|emulator|docs):[a-z]+)`/g)) named.add(m[1]!);
    expect(named.size).to.be.greaterThan(10);
    expect([...named].filter((s) => !scripts.includes(s))).to.deep.equal([]);
  });

  it('documents every npm script of package.json', () => {
    const named = new Set([...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!));
    expect(scripts.filter((s) => s !== 'test' && !named.has(s))).to.deep.equal([]);
    expect(readme).to.include('`npm test`');
  });

  it('documents every cf-infra command in its command table (a generated block: docs-generate checks it is current)', () => {
    expect(cliCommands.length).to.be.greaterThan(5);
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('## Exit codes'));
    expect(cliCommands.filter((c) => !new RegExp(`npm run ${c}\\b|\`${c}:`).test(table))).to.deep.equal([]);
  });

  it('states the exit codes of packages/core/src/exit-codes.ts', () => {
    const table = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('## Repository layout'));
    const documented = [...table.matchAll(/^\| (\d) \|/gm)].map((m) => Number(m[1]));
    expect(documented).to.deep.equal(Object.values(ExitCode).sort());
  });

  it('gives the two quick-start commands, and the test command is the one .ci/run runs', () => {
    const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = quickStart.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).to.deep.equal(['bash scripts/quickstart.sh', 'npm test']);
    expect(readFileSync(path.join(root, '.ci/run'), 'utf8')).to.match(/^npm test$/m);
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
    expect(links.length).to.be.greaterThan(5);
    expect(links.filter((l) => { try { readFileSync(path.join(root, l)); return false; } catch { return true; } })).to.deep.equal([]);
  });
});

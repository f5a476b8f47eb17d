// What a command loads, read from the process itself (test/support/module-trace.ts): `--help` of every
// command loads no npm package (its help and flags are in light modules; the SDKs, Bicep's client,
// database clients and listr2 load only when a command runs), and the offline commands load no Azure SDK.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandTable } from '@complianceflow/cli/commands/table.ts';
import { cliPath, repoRoot, runNode } from '../../support/cli.ts';

const tracer = path.join(repoRoot, 'test/support/module-trace.ts');

/** The npm packages (node_modules/<name> or <@scope/name>) a CLI run resolved, sorted. */
async function packagesLoaded(scratch: string, args: string[]): Promise<string[]> {
  const traceFile = path.join(scratch, `${args.join('_').replace(/[^\w-]/g, '')}.txt`);
  const result = await runNode(repoRoot, '--import', [tracer, cliPath, ...args], { CF_MODULE_TRACE: traceFile });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0);
  const urls = readFileSync(traceFile, 'utf8').split('\n');
  const names = urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined);
  return [...new Set(names)].sort();
}

describe('what each command loads', function () {
  this.timeout(120_000);
  let scratch: string;
  before(() => (scratch = mkdtempSync(path.join(tmpdir(), 'cf-command-loads-'))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the trace sees the packages a run loads (list --registry reads the registry with yaml)', async () => {
    expect(await packagesLoaded(scratch, ['list', '--registry', '--json'])).to.include('yaml');
  });

  for (const { name } of commandTable) {
    it(`cf-infra ${name} --help loads no npm package`, async () => {
      expect(await packagesLoaded(scratch, [name, '--help'])).to.deep.equal([]);
    });
  }

  for (const args of [['list', '--registry'], ['names', 'westeu-test-1'], ['cidr'], ['prices']]) {
    it(`cf-infra ${args.join(' ')} (offline) loads no Azure SDK`, async () => {
      expect((await packagesLoaded(scratch, args)).filter((name) => name.startsWith('@azure'))).to.deep.equal([]);
    });
  }
});

// What a command loads, read from the process itself (test/support/module-trace.ts): `--help` of every
// command loads no npm package (its help and flags are in light modules; the SDKs, Bicep's client,
// database clients and listr2 load only when a command runs), the offline commands load no Azure SDK,
// and runs that start no outside program and no Bicep load neither the process layer (zx) nor
// Bicep's client: a cached plan, and a no-change deploy against a running emulator. With Node's
// compile cache warm, a run type-strips no TypeScript at all; with the configuration unchanged, it
// loads neither the YAML parser nor ajv. With the npm dependencies' bundle current
// (scripts/bundle-vendor.ts), a run loads its packages from the bundle and none from node_modules;
// a bundle of other packages than those installed is not used. A package loaded from the bundle
// counts as that package: its entry module names it (the manifest).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulatorProcess } from '@complianceflow/cli/arm/emulator-process.ts';
import { commandTable } from '@complianceflow/cli/commands/table.ts';
import { currentManifest, manifestFile, vendorDir, type VendorManifest } from '@complianceflow/cli/vendor/manifest.ts';
import { defaultSubscriptionId } from '@complianceflow/core/arm/emulator-contract.ts';
import { startAzuriteBlob } from '../../support/azurite.ts';
import { cliPath, repoRoot, runNode } from '../../support/cli.ts';

const tracer = path.join(repoRoot, 'test/support/module-trace.ts');

/** The URLs of the modules a CLI run loaded. */
async function modulesLoaded(scratch: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const traceFile = path.join(scratch, `${args.join('_').replace(/[^\w-]/g, '')}.txt`);
  const result = await runNode(repoRoot, '--import', [tracer, cliPath, ...args], { ...env, CF_MODULE_TRACE: traceFile });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0);
  // A package's manifest is not its code: the config cache reads yaml's and ajv's for their version.
  return readFileSync(traceFile, 'utf8').split('\n').filter((url) => url !== '' && !url.endsWith('/package.json'));
}

const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** The npm package a module URL belongs to: node_modules/<name> or <@scope/name>, or a bundled entry's package (shared chunks belong to none). */
function packageOfUrl(url: string, bundled: ReadonlyMap<string, string>): string | undefined {
  return bundled.get(url) ?? (url.includes('/node_modules/.cache/') ? undefined : /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]);
}

/** Each bundled entry's URL and its package, when the bundle is current. */
function bundledEntries(): Map<string, string> {
  const manifest = currentManifest();
  return new Map(Object.entries(manifest?.entries ?? {}).map(([specifier, file]) => [pathToFileURL(path.join(vendorDir, file)).href, packageOf(specifier)]));
}

/** The npm packages whose code a CLI run loaded, sorted. */
async function packagesLoaded(scratch: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const bundled = bundledEntries();
  const names = (await modulesLoaded(scratch, args, env)).map((url) => packageOfUrl(url, bundled)).filter((name) => name !== undefined);
  return [...new Set(names)].sort();
}

/**
 * Node's own modules a CLI run loaded (process.moduleLoadList), the run's temp directory (where Node
 * keeps its compile cache by default) set to `tmp`. The recorder is JavaScript: a TypeScript preload
 * would start the type stripper itself.
 */
async function builtinsLoaded(tmp: string, args: string[]): Promise<string[]> {
  const listFile = path.join(tmp, 'builtins.txt');
  const recorder = "data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.CF_LOAD_LIST,process.moduleLoadList.join('\\n')))";
  const result = await runNode(repoRoot, '--import', [recorder, cliPath, ...args], { TMPDIR: tmp, NODE_COMPILE_CACHE: undefined, CF_LOAD_LIST: listFile });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0);
  return readFileSync(listFile, 'utf8').split('\n');
}

describe('what each command loads', function () {
  this.timeout(120_000);
  let scratch: string;
  before(() => (scratch = mkdtempSync(path.join(tmpdir(), 'cf-command-loads-'))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the trace sees the packages a run loads (a plan with --no-cache starts Bicep through its client)', async () => {
    expect(await packagesLoaded(scratch, ['plan', 'westeu-test-1', '--no-cache', '--json'])).to.include('vscode-jsonrpc');
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

  it('with the compile cache warm, a command type-strips nothing: Node never loads its TypeScript stripper', async () => {
    const tmp = mkdtempSync(path.join(scratch, 'tmp-'));
    const first = await builtinsLoaded(tmp, ['names', 'westeu-test-1']);
    expect(first.filter((name) => name.includes('amaro')), 'the first run strips its TypeScript').to.have.length(1);
    const again = await builtinsLoaded(tmp, ['names', 'westeu-test-1']);
    expect(again.filter((name) => name.includes('amaro'))).to.deep.equal([]);
  });

  it('a command whose configuration has not changed loads neither the YAML parser nor the schema checker', async () => {
    await packagesLoaded(scratch, ['names', 'westeu-test-1']);
    for (const args of [['names', 'westeu-test-1'], ['list', '--registry'], ['plan', 'westeu-test-1', '--json']]) {
      const loaded = await packagesLoaded(scratch, args);
      expect(loaded.filter((name) => name === 'yaml' || name === 'ajv'), args.join(' ')).to.deep.equal([]);
    }
  });

  it('a plan with Bicep unchanged (answered from the cache) loads neither Bicep\'s client nor the process layer', async () => {
    await packagesLoaded(scratch, ['plan', 'westeu-test-1', '--json']);
    const loaded = await packagesLoaded(scratch, ['plan', 'westeu-test-1', '--json']);
    expect(loaded.filter((name) => name === 'vscode-jsonrpc' || name === 'zx')).to.deep.equal([]);
  });

  describe('a no-change deploy against a running emulator', function () {
    this.timeout(300_000);
    let env: NodeJS.ProcessEnv;
    let stop: () => Promise<void>;
    const deploy = ['deploy', 'westeu-test-1', '--emulator', '--yes', '--format', 'json'];

    before(async () => {
      const bundling = await runNode(repoRoot, path.join(repoRoot, 'scripts/bundle-vendor.ts'), []);
      expect(bundling.code, bundling.stderr).to.equal(0);
      const azurite = await startAzuriteBlob();
      const stateDir = path.join(scratch, 'emulator');
      const emulator = await startEmulatorProcess({ ...process.env, ARM_EMULATOR_LATENCY_MS: 'default=0' }, stateDir);
      stop = async () => {
        await emulator.stop();
        await azurite.stop();
      };
      env = { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_STATE_DIR: stateDir, AZURITE_BLOB_PORT: String(azurite.port), CF_RUNS_DIR: path.join(scratch, 'runs') };
      await packagesLoaded(scratch, ['bootstrap', '--emulator', '--yes', '--subscription', defaultSubscriptionId], env);
      await packagesLoaded(scratch, deploy, env);
    });
    after(() => stop());

    it("loads neither Bicep's client nor the process layer", async () => {
      const loaded = await packagesLoaded(scratch, deploy, env);
      expect(loaded).to.include('@azure/arm-resourcesdeploymentstacks');
      expect(loaded.filter((name) => name === 'vscode-jsonrpc' || name === 'zx')).to.deep.equal([]);
    });

    it('loads its npm packages from their bundle, not one file from node_modules', async () => {
      const urls = await modulesLoaded(scratch, deploy, env);
      const bundled = bundledEntries();
      expect(urls.filter((url) => bundled.has(url)).map((url) => bundled.get(url))).to.include.members(['@azure/arm-resourcesdeploymentstacks', '@azure/storage-blob', '@azure/keyvault-secrets', 'listr2']);
      expect(urls.filter((url) => url.includes('/node_modules/') && !url.includes('/node_modules/.cache/'))).to.deep.equal([]);
    });

    it('does not use a bundle of other packages than those installed (npm installed since it was built)', async () => {
      const file = manifestFile(vendorDir);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, JSON.stringify({ ...(JSON.parse(original) as VendorManifest), stamp: 'built-for-other-packages' }));
      try {
        const urls = await modulesLoaded(scratch, deploy, env);
        expect(urls.filter((url) => url.includes('/node_modules/.cache/'))).to.deep.equal([]);
        expect(urls.some((url) => url.includes('/node_modules/@azure/arm-resourcesdeploymentstacks/'))).to.equal(true);
      } finally {
        writeFileSync(file, original);
      }
    });
  });
});

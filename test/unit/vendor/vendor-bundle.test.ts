// The npm dependencies' bundle: which manifest counts as current (read at start, its stamp checked
// only when a bundled package is first imported), and which imports the resolve hook answers from it
// (the project's own imports, nothing else).
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentManifest, installedPackagesStamp, isCurrent, manifestFile, readManifest, sourcesRoot, type VendorManifest } from '@complianceflow/cli/vendor/manifest.ts';
import { vendoredUrl, vendorUrls } from '@complianceflow/cli/vendor/resolve-hook.ts';

describe('the npm dependencies bundle', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'cf-vendor-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const manifest: VendorManifest = { format: 1, stamp: 'abc', entries: { '@azure/storage-blob': 'modules/azure_storage_blob.js', 'vscode-jsonrpc/node': 'modules/vscode_jsonrpc_node.js' } };
  const write = (value: unknown) => writeFileSync(manifestFile(dir), typeof value === 'string' ? value : JSON.stringify(value));

  it('a manifest built for the packages installed now is current', () => {
    write(manifest);
    expect(currentManifest(dir, 'abc')).to.deep.equal(manifest);
  });

  it('a manifest built for other packages is read, and is not current', () => {
    write(manifest);
    expect(readManifest(dir)).to.deep.equal(manifest);
    expect(isCurrent(manifest, 'def')).to.equal(false);
    expect(isCurrent(manifest, undefined), 'no node_modules').to.equal(false);
    expect(isCurrent(manifest, 'abc')).to.equal(true);
  });

  it('a manifest built for other packages, a missing, truncated or other-format one, or no node_modules: no bundle', () => {
    write(manifest);
    expect(currentManifest(dir, 'def')).to.equal(undefined);
    expect(currentManifest(dir, undefined)).to.equal(undefined);
    write('{"format": 1, "stamp": "abc", "entr');
    expect(currentManifest(dir, 'abc')).to.equal(undefined);
    write({ ...manifest, format: 2 });
    expect(currentManifest(dir, 'abc')).to.equal(undefined);
    expect(readManifest(dir), 'another format is not read at all').to.equal(undefined);
    rmSync(manifestFile(dir));
    expect(currentManifest(dir, 'abc')).to.equal(undefined);
  });

  it('the stamp is a hash of what npm installed, and changes with it', () => {
    expect(installedPackagesStamp(dir), 'no node_modules').to.equal(undefined);
    const lock = path.join(dir, 'node_modules', '.package-lock.json');
    mkdirSync(path.dirname(lock));
    writeFileSync(lock, '{"packages":{"node_modules/a":{"version":"1.0.0"}}}');
    const first = installedPackagesStamp(dir);
    expect(first).to.match(/^[0-9a-f]{64}$/);
    writeFileSync(lock, '{"packages":{"node_modules/a":{"version":"1.0.1"}}}');
    expect(installedPackagesStamp(dir)).to.not.equal(first);
  });

  it("answers the project's own imports of a bundled specifier, and nothing else", () => {
    const urls = vendorUrls(manifest, dir);
    const own = pathToFileURL(path.join(sourcesRoot, 'cli', 'src', 'lock', 'blob-store.ts')).href;
    const bundled = pathToFileURL(path.join(dir, 'modules', 'azure_storage_blob.js')).href;
    expect(vendoredUrl(urls, '@azure/storage-blob', own)).to.equal(bundled);
    expect(vendoredUrl(urls, 'vscode-jsonrpc/node', own)).to.equal(pathToFileURL(path.join(dir, 'modules', 'vscode_jsonrpc_node.js')).href);
    expect(vendoredUrl(urls, 'vscode-jsonrpc', own), 'another subpath').to.equal(undefined);
    expect(vendoredUrl(urls, 'yaml', own), 'not bundled').to.equal(undefined);
    expect(vendoredUrl(urls, '@azure/storage-blob', pathToFileURL(path.join(sourcesRoot, '..', 'node_modules', '@azure', 'x', 'index.js')).href), 'from node_modules').to.equal(undefined);
    expect(vendoredUrl(urls, '@azure/storage-blob', pathToFileURL(`${sourcesRoot}-other/a.ts`).href), 'a sibling folder').to.equal(undefined);
    expect(vendoredUrl(urls, '@azure/storage-blob', undefined), 'the entry point').to.equal(undefined);
    expect(vendoredUrl(urls, '@azure/storage-blob', own, ['node', 'require']), 'a require()').to.equal(undefined);
  });
});

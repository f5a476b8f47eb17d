// scripts/bicep-unpack/bundle.ts: reading a .NET single-file bundle's manifest and files, and binding
// an apphost, on bundles built here byte by byte in the documented layout (the real Bicep CLI's is
// unpacked by scripts/install-bicep.sh; test/integration/bicep/bicep-unpacked.test.ts checks that one).
import { expect } from 'chai';
import { deflateRawSync } from 'node:zlib';
import { bindAppHost, BundleFormatError, entryContents, includedRuntimeVersion, readBundleManifest } from '../../../scripts/bicep-unpack/bundle.ts';

const signature = Buffer.from('8b1202b96a612038727b930214d7a03213f5b9e6efae3318ee3b2dce24b36aae', 'hex');

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const prefix: number[] = [];
  let n = bytes.length;
  do {
    prefix.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from(prefix), bytes]);
}

const int64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
};
const uint32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

interface FakeFile {
  path: string;
  contents: Buffer;
  compress?: boolean;
}

/** apphost bytes (with the marker: manifest offset + signature), the files, then the manifest. */
function fakeBundle(files: FakeFile[], options: { major?: number; pathOf?: (f: FakeFile) => string } = {}): Buffer {
  const host = Buffer.concat([Buffer.from('ELF host code '), int64(0), signature, Buffer.from(' more host code')]);
  const parts: Buffer[] = [host];
  let at = host.length;
  const entries: Buffer[] = [];
  for (const file of files) {
    const stored = file.compress === true ? deflateRawSync(file.contents) : file.contents;
    entries.push(Buffer.concat([int64(at), int64(file.contents.length), int64(file.compress === true ? stored.length : 0), Buffer.from([1]), lengthPrefixed(options.pathOf?.(file) ?? file.path)]));
    parts.push(stored);
    at += stored.length;
  }
  const manifest = Buffer.concat([uint32(options.major ?? 6), uint32(0), uint32(files.length), lengthPrefixed('bundle-id'), int64(0), int64(0), int64(0), int64(0), int64(0), ...entries]);
  const bundle = Buffer.concat([...parts, manifest]);
  bundle.writeBigInt64LE(BigInt(at), host.indexOf(signature) - 8);
  return bundle;
}

const runtimeConfig = JSON.stringify({ runtimeOptions: { tfm: 'net10.0', includedFrameworks: [{ name: 'Microsoft.NETCore.App', version: '10.0.14' }] } });

describe('bicep-unpack: reading a single-file bundle', () => {
  it('lists every entry and gives back its bytes, compressed or stored', () => {
    const dll = Buffer.alloc(5000, 'IL code ');
    const bundle = fakeBundle([
      { path: 'bicep.dll', contents: dll, compress: true },
      { path: 'bicep.runtimeconfig.json', contents: Buffer.from(runtimeConfig) },
      { path: `de/${'x'.repeat(150)}.resources.dll`, contents: Buffer.from('satellite'), compress: true },
    ]);
    const manifest = readBundleManifest(bundle);
    expect(manifest.version).to.equal('6.0');
    expect(manifest.bundleId).to.equal('bundle-id');
    expect(manifest.entries.map((e) => e.path)).to.deep.equal(['bicep.dll', 'bicep.runtimeconfig.json', `de/${'x'.repeat(150)}.resources.dll`]);
    expect(manifest.entries[0]!.compressedSize).to.be.above(0).and.below(dll.length);
    expect(entryContents(bundle, manifest.entries[0]!).equals(dll)).to.equal(true);
    expect(includedRuntimeVersion(entryContents(bundle, manifest.entries[1]!).toString())).to.equal('10.0.14');
    expect(entryContents(bundle, manifest.entries[2]!).toString()).to.equal('satellite');
  });

  it('turns Windows separators into the folder layout', () => {
    const bundle = fakeBundle([{ path: 'de/a.resources.dll', contents: Buffer.from('a') }], { pathOf: () => 'de\\a.resources.dll' });
    expect(readBundleManifest(bundle).entries[0]!.path).to.equal('de/a.resources.dll');
  });

  it('refuses what it does not know instead of guessing', () => {
    expect(() => readBundleManifest(Buffer.from('#!/bin/sh\necho not a bundle\n'))).to.throw(BundleFormatError, 'no bundle signature');
    expect(() => readBundleManifest(fakeBundle([], { major: 2 }))).to.throw(BundleFormatError, 'bundle format 2.0 is not the one this unpacker reads (6.x)');
    for (const bad of ['../escape.dll', '/etc/passwd', 'a/../../b.dll']) {
      expect(() => readBundleManifest(fakeBundle([{ path: 'x', contents: Buffer.from('x') }], { pathOf: () => bad })), bad).to.throw(BundleFormatError, 'would leave the app');
    }
  });

  it('refuses a manifest cut short and an entry that inflates to another size', () => {
    const bundle = fakeBundle([{ path: 'bicep.dll', contents: Buffer.from('code'), compress: true }]);
    expect(() => readBundleManifest(bundle.subarray(0, bundle.length - 3))).to.throw(BundleFormatError, 'runs past the end');
    const entry = { ...readBundleManifest(bundle).entries[0]!, size: 99 };
    expect(() => entryContents(bundle, entry)).to.throw(BundleFormatError, 'inflates to 4 bytes, not the 99');
  });

  it('reads the runtime version only from a self-contained runtimeconfig.json', () => {
    expect(() => includedRuntimeVersion(JSON.stringify({ runtimeOptions: { framework: { name: 'Microsoft.NETCore.App', version: '10.0.0' } } }))).to.throw(BundleFormatError, 'not a self-contained app');
    expect(() => includedRuntimeVersion(JSON.stringify({ runtimeOptions: { includedFrameworks: [{ name: 'Microsoft.NETCore.App', version: '../10' }] } }))).to.throw(BundleFormatError);
  });
});

describe('bicep-unpack: binding an apphost', () => {
  const placeholder = Buffer.from('c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2');
  const template = Buffer.concat([Buffer.from('host code '), placeholder, Buffer.alloc(960), Buffer.from(' more')]);

  it('writes the app binary into the placeholder, zero-padded, and changes nothing else', () => {
    const bound = bindAppHost(template, 'bicep.dll');
    expect(bound.length).to.equal(template.length);
    const at = template.indexOf(placeholder);
    expect(bound.subarray(at, at + 10).toString('latin1')).to.equal('bicep.dll\0');
    expect(bound.subarray(at + 9, at + 64).every((b) => b === 0)).to.equal(true);
    expect(bound.subarray(0, at).equals(template.subarray(0, at))).to.equal(true);
    expect(bound.subarray(at + 64).equals(template.subarray(at + 64))).to.equal(true);
    expect(template.indexOf(placeholder)).to.equal(at, 'the template itself is left as it was');
  });

  it('refuses a template without exactly one placeholder', () => {
    expect(() => bindAppHost(Buffer.from('no placeholder'), 'bicep.dll')).to.throw(BundleFormatError, 'exactly one');
    expect(() => bindAppHost(Buffer.concat([template, placeholder]), 'bicep.dll')).to.throw(BundleFormatError, 'exactly one');
  });
});

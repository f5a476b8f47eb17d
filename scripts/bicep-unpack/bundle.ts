// The .NET single-file bundle the Bicep CLI ships as, read and laid out as an ordinary self-contained
// app. Microsoft's bundle compresses its assemblies, so every start of the single file inflates
// them again (about 0.7 s of CPU before Bicep answers its first request, measured with
// `bicep --version`: 1.13 s against 0.14 s unpacked). Unpacked, the host maps them from disk.
// The layout is the bundle's own (dotnet/runtime, src/installer/managed/Microsoft.NET.HostModel/
// Bundle/Manifest.cs and FileEntry.cs): the apphost holds the manifest's offset just before a fixed
// 32-byte signature; the manifest is a header, then one entry per file. Only the version .NET 6 to
// 10 write (6.x) is read: anything else is refused, never guessed at.
import { inflateRawSync } from 'node:zlib';

/** SHA-256 of ".net core bundle": the apphost's bundle marker, preceded by the manifest's offset (Int64). */
const bundleSignature = Buffer.from('8b1202b96a612038727b930214d7a03213f5b9e6efae3318ee3b2dce24b36aae', 'hex');
const supportedMajorVersion = 6;

/** The apphost's placeholder for the app's .dll (HostWriter: SHA-256 of "foobar", as UTF-8 text). */
const appBinaryPlaceholder = Buffer.from('c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2', 'utf8');

export interface BundleEntry {
  /** Relative path inside the app, '/'-separated. */
  path: string;
  offset: number;
  size: number;
  /** 0 when stored uncompressed. */
  compressedSize: number;
  type: number;
}

export interface BundleManifest {
  version: string;
  bundleId: string;
  entries: BundleEntry[];
}

export class BundleFormatError extends Error {}

class Reader {
  private readonly data: Buffer;
  private at: number;
  constructor(data: Buffer, at: number) {
    this.data = data;
    this.at = at;
  }
  private need(bytes: number): void {
    if (this.at + bytes > this.data.length) throw new BundleFormatError(`the bundle manifest runs past the end of the file (at byte ${this.at})`);
  }
  uint32(): number {
    this.need(4);
    const value = this.data.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }
  int64(): number {
    this.need(8);
    const value = this.data.readBigInt64LE(this.at);
    this.at += 8;
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BundleFormatError(`the bundle manifest holds an impossible offset or size (${value})`);
    return Number(value);
  }
  byte(): number {
    this.need(1);
    return this.data[this.at++]!;
  }
  /** A string with .NET BinaryWriter's 7-bit encoded length prefix. */
  string(): string {
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 28) throw new BundleFormatError('the bundle manifest holds a malformed string length');
      const b = this.byte();
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    this.need(length);
    const text = this.data.toString('utf8', this.at, this.at + length);
    this.at += length;
    return text;
  }
}

/** The manifest of a single-file bundle; throws BundleFormatError when `data` is not one this code knows. */
export function readBundleManifest(data: Buffer): BundleManifest {
  const marker = data.indexOf(bundleSignature);
  if (marker < 8) throw new BundleFormatError('not a .NET single-file bundle (no bundle signature)');
  const headerOffset = Number(data.readBigInt64LE(marker - 8));
  if (headerOffset <= 0 || headerOffset >= data.length) throw new BundleFormatError('not a .NET single-file bundle (its manifest offset is outside the file)');
  const reader = new Reader(data, headerOffset);
  const major = reader.uint32();
  const minor = reader.uint32();
  if (major !== supportedMajorVersion) throw new BundleFormatError(`bundle format ${major}.${minor} is not the one this unpacker reads (${supportedMajorVersion}.x)`);
  const count = reader.uint32();
  const bundleId = reader.string();
  // deps.json's offset and size, runtimeconfig.json's offset and size, flags: both files are entries too.
  for (let i = 0; i < 5; i++) reader.int64();
  const entries: BundleEntry[] = [];
  for (let i = 0; i < count; i++) {
    const offset = reader.int64();
    const size = reader.int64();
    const compressedSize = reader.int64();
    const type = reader.byte();
    const entryPath = reader.string();
    if (offset + (compressedSize || size) > headerOffset) throw new BundleFormatError(`bundle entry ${entryPath} lies outside the embedded files`);
    if (entryPath === '' || entryPath.startsWith('/') || entryPath.split(/[\\/]/).includes('..')) throw new BundleFormatError(`bundle entry path ${JSON.stringify(entryPath)} would leave the app's folder`);
    entries.push({ path: entryPath.replaceAll('\\', '/'), offset, size, compressedSize, type });
  }
  return { version: `${major}.${minor}`, bundleId, entries };
}

/** One entry's bytes as the app sees them (inflated when the bundle compressed it). */
export function entryContents(data: Buffer, entry: BundleEntry): Buffer {
  if (entry.compressedSize === 0) return data.subarray(entry.offset, entry.offset + entry.size);
  const contents = inflateRawSync(data.subarray(entry.offset, entry.offset + entry.compressedSize));
  if (contents.length !== entry.size) throw new BundleFormatError(`bundle entry ${entry.path} inflates to ${contents.length} bytes, not the ${entry.size} its manifest says`);
  return contents;
}

/** The Microsoft.NETCore.App version a self-contained app's runtimeconfig.json was published with. */
export function includedRuntimeVersion(runtimeConfig: string): string {
  const parsed = JSON.parse(runtimeConfig) as { runtimeOptions?: { includedFrameworks?: { name?: string; version?: string }[] } };
  const version = parsed.runtimeOptions?.includedFrameworks?.find((f) => f.name === 'Microsoft.NETCore.App')?.version;
  if (version === undefined || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) throw new BundleFormatError('the bundle is not a self-contained app (its runtimeconfig.json names no included Microsoft.NETCore.App version)');
  return version;
}

/** The apphost template with the app's .dll written into its placeholder (what the SDK's HostWriter does). */
export function bindAppHost(template: Buffer, appBinary: string): Buffer {
  const at = template.indexOf(appBinaryPlaceholder);
  if (at < 0 || template.indexOf(appBinaryPlaceholder, at + 1) >= 0) throw new BundleFormatError('the apphost template does not hold exactly one app-binary placeholder');
  const name = Buffer.from(appBinary, 'utf8');
  if (name.length >= appBinaryPlaceholder.length) throw new BundleFormatError(`the app binary name ${appBinary} is longer than the apphost's placeholder`);
  const bound = Buffer.from(template);
  bound.fill(0, at, at + appBinaryPlaceholder.length);
  name.copy(bound, at);
  return bound;
}

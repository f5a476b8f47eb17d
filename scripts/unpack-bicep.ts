#!/usr/bin/env node
// Lays the Bicep CLI's single-file bundle out as an ordinary self-contained app (scripts/install-bicep.sh
// runs it; bicep-unpack/bundle.ts says why):
//   node scripts/unpack-bicep.ts runtime-version <single-file bicep>
//       prints the .NET runtime version the bundle was published with (its runtime pack is restored for it)
//   node scripts/unpack-bicep.ts unpack <single-file bicep> <runtime pack> <apphost pack> <new folder>
//       writes every bundled file, the runtime pack's native runtime and an apphost named bicep
// The packs are NuGet's Microsoft.NETCore.App.Runtime.linux-x64 and Microsoft.NETCore.App.Host.linux-x64
// folders of exactly that version: the bundle's assemblies are compiled together with that runtime's.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bindAppHost, BundleFormatError, entryContents, includedRuntimeVersion, readBundleManifest, type BundleManifest } from './bicep-unpack/bundle.ts';

const appName = 'bicep';
/** The runtime's own native libraries the single file carries in its host (not as bundle entries); debugger and tracing libraries left out. */
const nativeRuntime = /^lib(coreclr|clrjit|hostfxr|hostpolicy|System\.[\w.]+)\.so$/;

function runtimeConfig(data: Buffer, manifest: BundleManifest): string {
  const entry = manifest.entries.find((e) => e.path === `${appName}.runtimeconfig.json`);
  if (entry === undefined) throw new BundleFormatError(`the bundle holds no ${appName}.runtimeconfig.json`);
  return entryContents(data, entry).toString('utf8');
}

function unpack(singleFile: string, runtimePack: string, hostPack: string, out: string): void {
  if (existsSync(out)) throw new Error(`${out} exists already: unpacking writes a new folder`);
  const data = readFileSync(singleFile);
  const manifest = readBundleManifest(data);
  const version = includedRuntimeVersion(runtimeConfig(data, manifest));
  for (const pack of [runtimePack, hostPack]) {
    if (!pack.split(path.sep).includes(version)) throw new Error(`${pack} is not a pack of runtime ${version}, the one the bundle was published with`);
  }
  mkdirSync(out, { recursive: true });
  for (const entry of manifest.entries) {
    // Its list of the app's files leaves out the runtime's native libraries (the single file's host
    // holds them); without one, the host takes every file in the app's folder.
    if (entry.path === `${appName}.deps.json`) continue;
    const file = path.join(out, ...entry.path.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, entryContents(data, entry));
  }
  const natives = readdirSync(runtimePack).filter((name) => nativeRuntime.test(name));
  for (const name of ['libcoreclr.so', 'libhostfxr.so', 'libhostpolicy.so']) {
    if (!natives.includes(name)) throw new Error(`${runtimePack} holds no ${name}`);
  }
  for (const name of natives) copyFileSync(path.join(runtimePack, name), path.join(out, name));
  const host = path.join(out, appName);
  writeFileSync(host, bindAppHost(readFileSync(path.join(hostPack, 'apphost')), `${appName}.dll`));
  chmodSync(host, 0o755);
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  try {
    if (command === 'runtime-version' && args.length === 1) {
      const data = readFileSync(args[0]!);
      console.log(includedRuntimeVersion(runtimeConfig(data, readBundleManifest(data))));
      return 0;
    }
    if (command === 'unpack' && args.length === 4) {
      unpack(args[0]!, args[1]!, args[2]!, args[3]!);
      return 0;
    }
  } catch (error) {
    console.error(`unpack-bicep: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.error('usage: unpack-bicep.ts runtime-version <bicep> | unpack <bicep> <runtime pack native folder> <apphost pack native folder> <new folder>');
  return 2;
}

process.exitCode = main(process.argv.slice(2));

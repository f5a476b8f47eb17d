#!/usr/bin/env bash
# Restores the pinned Bicep CLI (the version in scripts/bicep-restore/bicep-restore.csproj) from NuGet
# with `dotnet restore` and installs it in .tools/bicep/, the project's own copy that the orchestrator's
# locator finds last (after $BICEP_PATH, `bicep` on PATH and ~/.azure/bin/bicep).
# NuGet delivers Microsoft's single-file CLI, whose compressed assemblies are inflated again at every
# start (about 0.7 s of CPU per Bicep process). It is laid out unpacked instead
# (scripts/unpack-bicep.ts): the same files on the same .NET runtime, restored from NuGet at the
# version the CLI was published with. Where that cannot be done, the single file is installed as it is.
# Needs the project's Node (npm ci first: scripts/setup.sh runs it before this).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
project="$root/scripts/bicep-restore/bicep-restore.csproj"
version=$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$project")
target="$root/.tools/bicep"
if [ -x "$target/bicep" ] && [ -f "$target/bicep.dll" ] && "$target/bicep" --version 2>/dev/null | grep -q "$version"; then
  echo "bicep $version already installed at $target/bicep"
  exit 0
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is needed to restore Bicep $version from NuGet." >&2
  echo "  Other ways: install Bicep (https://aka.ms/bicep-install), 'az bicep install', or set BICEP_PATH." >&2
  exit 1
fi
node="$root/node_modules/.bin/node"
if [ ! -x "$node" ]; then
  echo "error: run npm ci first: unpacking Bicep runs on the project's Node ($node)." >&2
  exit 1
fi
packages="$root/.tools/nuget"
# dotnet restore prints its errors on stdout: shown only when it fails.
restore() {
  local log
  log=$(DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet restore "$project" --packages "$packages" "$@" 2>&1) || { printf '%s\n' "$log" >&2; return 1; }
}
mkdir -p "$packages"
restore
single_file="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
[ -f "$single_file" ] || { echo "error: restore finished but $single_file is missing" >&2; exit 1; }

staged="$root/.tools/bicep.new"
rm -rf "$staged"
unpacked() {
  local runtime
  runtime=$("$node" "$root/scripts/unpack-bicep.ts" runtime-version "$single_file") || return 1
  restore "-p:BicepRuntimeVersion=$runtime" || return 1
  "$node" "$root/scripts/unpack-bicep.ts" unpack "$single_file" \
    "$packages/microsoft.netcore.app.runtime.linux-x64/$runtime/runtimes/linux-x64/native" \
    "$packages/microsoft.netcore.app.host.linux-x64/$runtime/runtimes/linux-x64/native" "$staged" || return 1
  # The layout must answer exactly as the single file does.
  local answer expected
  answer=$("$staged/bicep" --version 2>&1) || true
  expected=$("$single_file" --version 2>&1)
  [ "$answer" = "$expected" ] || { echo "the unpacked Bicep answered --version with \"$answer\", not \"$expected\"" >&2; return 1; }
}
if ! unpacked; then
  echo "warning: could not lay Bicep $version out unpacked; installing the single file (each Bicep start takes about 0.7 s longer)" >&2
  rm -rf "$staged"
  mkdir -p "$staged"
  install -m 0755 "$single_file" "$staged/bicep"
fi
rm -rf "$target"
mv "$staged" "$target"
"$target/bicep" --version

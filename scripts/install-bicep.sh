#!/usr/bin/env bash
# Restores the pinned Bicep CLI (the version in scripts/bicep-restore/bicep-restore.csproj) from NuGet
# with `dotnet restore`, and copies it to .tools/bicep/bicep, the project's own copy that the
# orchestrator's locator finds last (after $BICEP_PATH, `bicep` on PATH and ~/.azure/bin/bicep).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
project="$root/scripts/bicep-restore/bicep-restore.csproj"
version=$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$project")
target="$root/.tools/bicep"
if [ -x "$target/bicep" ] && "$target/bicep" --version 2>/dev/null | grep -q "$version"; then
  echo "bicep $version already installed at $target/bicep"
  exit 0
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is needed to restore Bicep $version from NuGet." >&2
  echo "  Other ways: install Bicep (https://aka.ms/bicep-install), 'az bicep install', or set BICEP_PATH." >&2
  exit 1
fi
packages="$root/.tools/nuget"
mkdir -p "$packages" "$target"
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet restore "$project" --packages "$packages" >/dev/null
src="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
[ -f "$src" ] || { echo "error: restore finished but $src is missing" >&2; exit 1; }
install -m 0755 "$src" "$target/bicep"
"$target/bicep" --version

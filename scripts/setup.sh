#!/usr/bin/env bash
# One-time setup on a fresh machine: system packages (PostgreSQL and Redis for the local environment
# and the tests, shellcheck for the workflow lint), the npm dependencies and the pinned Bicep CLI;
# the npm dependencies include Node 24 (the `node` package) that the npm scripts run on. The machine's own Node only
# runs npm: it must meet package.json's engines.node (the one requirement the docs state). Safe to run again.
# A CI job that needs less leaves parts out (.github/actions/setup's inputs):
#   CF_SETUP_SYSTEM_PACKAGES=false  no Debian packages      CF_SETUP_BICEP=false  no Bicep CLI
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js with npm is needed to run npm ci (no node or npm on PATH); see README.md, Prerequisites" >&2
  exit 2
fi
required_node=$(node -p 'require("./package.json").engines.node.replace(/^>=\s*/, "").split(".")[0]')
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt "$required_node" ]; then
  echo "setup: Node.js >= $required_node with npm is needed to run npm ci (found $(node --version)); see README.md, Prerequisites" >&2
  exit 2
fi

apt_packages=(postgresql redis-server shellcheck)
missing=()
if [ "${CF_SETUP_SYSTEM_PACKAGES:-true}" = true ]; then
  for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && as_root=(sudo -n); }
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ ${#as_root[@]} -gt 0 ]; }; then
    step "Installing Debian packages: ${missing[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The packages start their own services; the project runs its own instances on loopback.
    ("${as_root[@]}" service postgresql stop; "${as_root[@]}" service redis-server stop) >/dev/null 2>&1 || true
  else
    echo "note: ${missing[*]} not installed; the local environment and its tests need them (apt-get install ${missing[*]})" >&2
  fi
fi

step "Installing npm dependencies (npm ci)"
npm ci --no-audit --no-fund --loglevel=error

# cf-infra loads its npm packages from one bundle instead of some 540 files (scripts/bundle-vendor.ts).
step "Bundling cf-infra's npm dependencies"
node_modules/.bin/node scripts/bundle-vendor.ts || echo "warning: the npm packages were not bundled; commands load them from node_modules (each starts about 0.3 s slower); npm run vendor:bundle tries again" >&2

# After npm ci: laying Bicep out runs on the project's Node.
if [ "${CF_SETUP_BICEP:-true}" = true ]; then
  step "Installing the Bicep CLI"
  bash scripts/install-bicep.sh
fi

if [ "$(node --version)" != "$(node_modules/.bin/node --version)" ]; then
  echo "note: this machine's Node is $(node --version); npm scripts use Node $(node_modules/.bin/node --version) from node_modules/.bin"
fi
step "Ready"

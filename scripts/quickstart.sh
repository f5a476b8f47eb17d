#!/usr/bin/env bash
# Quick start: set up this checkout, then deploy westeu-test-1 into the local ARM emulator — no Azure
# account needed. Uses only an emulator it starts itself on $ARM_EMULATOR_PORT (default 8443), or the
# one you name with ARM_EMULATOR_ENDPOINT (and ARM_EMULATOR_CA): never whatever else happens to listen
# on the port (on a shared machine, someone else's). Starts the lock store (cf-infra local lockstore
# start) unless it runs, bootstraps the emulator's subscription as cf-infra bootstrap would a real one,
# deploys, and stops what it started (state stays in .local-data/arm-emulator and .local-data/azurite;
# `cf-infra list --emulator` reads it once both run again). Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

if [ "${QUICKSTART_SKIP_SETUP:-}" != 1 ]; then
  bash scripts/setup.sh
fi
export PATH="$root/node_modules/.bin:$PATH"

port=${ARM_EMULATOR_PORT:-8443}
export ARM_EMULATOR_PORT=$port
emulator_pid=
lockstore_started=
stop_started() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  if [ -n "$lockstore_started" ]; then
    node packages/cli/bin/cf-infra.js local lockstore stop || true
  fi
}
trap stop_started EXIT

listening() { node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }

mkdir -p .local-data
if [ -n "${ARM_EMULATOR_ENDPOINT:-}" ]; then
  step "Using the ARM emulator you named: ARM_EMULATOR_ENDPOINT=$ARM_EMULATOR_ENDPOINT"
elif listening; then
  echo "quickstart: something already listens on 127.0.0.1:$port, and quickstart uses only an emulator it starts itself or the one you name." >&2
  echo "  another emulator on this port (on a shared machine, maybe someone else's): set ARM_EMULATOR_PORT=<free port> for your own," >&2
  echo "  or ARM_EMULATOR_ENDPOINT=https://127.0.0.1:$port (and ARM_EMULATOR_CA=<its ca.pem>) to use that one." >&2
  exit 1
else
  step "Starting the ARM emulator on 127.0.0.1:$port (log: .local-data/arm-emulator.log)"
  node packages/arm-emulator/src/main.ts >.local-data/arm-emulator.log 2>&1 &
  emulator_pid=$!
  for _ in $(seq 1 150); do
    listening && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat .local-data/arm-emulator.log >&2; exit 1; }
    sleep 0.2
  done
  listening || { echo "the ARM emulator did not start; see .local-data/arm-emulator.log" >&2; exit 1; }
  # Every command below talks to this one emulator, not to whatever listens on the port later.
  export ARM_EMULATOR_ENDPOINT="https://127.0.0.1:$port"
  echo "Using the ARM emulator this script started: $ARM_EMULATOR_ENDPOINT (pid $emulator_pid)"
fi

step "The lock store (Azurite) on 127.0.0.1:${AZURITE_BLOB_PORT:-10000}"
lockstore_output=$(node packages/cli/bin/cf-infra.js local lockstore start)
echo "$lockstore_output"
case "$lockstore_output" in started*) lockstore_started=1 ;; esac

subscription=${ARM_EMULATOR_SUBSCRIPTION_ID:-$(node --input-type=module -e "import { defaultSubscriptionId } from './packages/arm-emulator/src/options.ts'; console.log(defaultSubscriptionId)")}

step "Bootstrapping the emulator's subscription $subscription"
node packages/cli/bin/cf-infra.js bootstrap --emulator --yes --subscription "$subscription"

# As the CI identity bootstrap just set up (--as ci): a right the deployment role lacks fails here, as in CI.
step "Deploying westeu-test-1 into the emulator as the CI identity"
node packages/cli/bin/cf-infra.js deploy westeu-test-1 --emulator --as ci --yes

step "Done"
echo "Next: start the emulator (npm run emulator) and the lock store (npm run lockstore -- start) again, then"
echo "      npm run list -- --emulator   |   npm run show -- westeu-test-1 --emulator   |   npm test"

#!/usr/bin/env bash
# Quick start: set up this checkout, then deploy westeu-test-1 into the local ARM emulator — no Azure
# account needed. Starts the emulator (unless one already listens on $ARM_EMULATOR_PORT, default
# 8443), bootstraps its subscription as cf-infra bootstrap would a real one, deploys, and stops the
# emulator it started (state stays in .local-data/arm-emulator; `cf-infra list --emulator` reads it).
# Azurite (the lock store) is started by the deploy itself when none listens. Safe to run again.
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
stop_emulator() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
}
trap stop_emulator EXIT

listening() { node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }

mkdir -p .local-data
if listening; then
  step "Using the ARM emulator already listening on 127.0.0.1:$port"
else
  step "Starting the ARM emulator on 127.0.0.1:$port (log: .local-data/arm-emulator.log)"
  node local/arm-emulator/main.ts >.local-data/arm-emulator.log 2>&1 &
  emulator_pid=$!
  for _ in $(seq 1 150); do
    listening && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat .local-data/arm-emulator.log >&2; exit 1; }
    sleep 0.2
  done
  listening || { echo "the ARM emulator did not start; see .local-data/arm-emulator.log" >&2; exit 1; }
fi

subscription=${ARM_EMULATOR_SUBSCRIPTION_ID:-$(node --input-type=module -e "import { defaultSubscriptionId } from './local/arm-emulator/options.ts'; console.log(defaultSubscriptionId)")}

step "Bootstrapping the emulator's subscription $subscription"
node orchestrator/src/cli.ts bootstrap --emulator --yes --subscription "$subscription"

# As the CI identity bootstrap just set up (--as ci): a right the deployment role lacks fails here, as in CI.
step "Deploying westeu-test-1 into the emulator as the CI identity"
node orchestrator/src/cli.ts deploy westeu-test-1 --emulator --as ci --yes

step "Done"
echo "Next: npm run list -- --emulator   |   npm run show -- westeu-test-1 --emulator   |   npm test"

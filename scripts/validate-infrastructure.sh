#!/usr/bin/env bash
# Story 10's validation script: the post-deploy smoke tests of `cf-infra validate`, arguments passed
# through (e.g. scripts/validate-infrastructure.sh westeu-test-1 --emulator --json).
# Exit code: 0 no check failed, 1 a check failed, 2 bad input. See docs/infrastructure/Validation.md.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/node_modules/.bin:$PATH"
exec node "$repo_root/packages/cli/bin/cf-infra.js" validate "$@"

#!/usr/bin/env bash
# The deployments a pull request affects, decided from the golden snapshots (not from path guesses):
# those whose committed golden snapshot changed against the base branch, plus those whose
# `plan --check` fails on the PR head (code that changes a snapshot without updating it).
# Usage: affected-deployments.sh <base-ref>   → a JSON array on stdout, e.g. ["westeu-test-1"]
set -euo pipefail
base=${1:?usage: affected-deployments.sh <base-ref>}

golden_changed=$(git diff --name-only "origin/${base}...HEAD" -- deployments/snapshots/ \
  | sed -n 's#^deployments/snapshots/\([^/]*\)\.json$#\1#p')

set +e
npm run --silent plan -- --all --check --json > "${RUNNER_TEMP:-/tmp}/plan-check.json"
rc=$?
set -e
if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
  echo "plan --check failed (exit $rc): fix the ci job first" >&2
  exit "$rc"
fi
check_failing=$(jq -r '.[] | select(.changes) | .deployment' "${RUNNER_TEMP:-/tmp}/plan-check.json")

printf '%s\n%s\n' "$golden_changed" "$check_failing" | sort -u | while read -r d; do
  # A deleted deployment has no stack to preview.
  [ -n "$d" ] && [ -f "deployments/$d.yaml" ] && echo "$d"
done | jq -R . | jq -cs .

#!/usr/bin/env bash
# The rings of rollout.yml, from the registry (deployments/*.yaml through `cf-infra list --registry`),
# as GitHub step outputs on stdout:
#   source=<the first test deployment: it deploys this commit's Bicep and builds the template>
#   test=<the other test deployments>  stg=<...>  prod=<...>   (JSON arrays, [] when none)
set -euo pipefail

ring() {
  npm run --silent list -- --registry --environment "$1" --json | jq -c '[.[].deployment]'
}

test=$(ring test)
source=$(jq -r '.[0] // empty' <<< "$test")
if [ -z "$source" ]; then
  echo "rollout-rings: no deployment with environment: test in deployments/*.yaml; the rollout builds its template in one" >&2
  exit 2
fi
echo "source=$source"
echo "test=$(jq -c '.[1:]' <<< "$test")"
echo "stg=$(ring stg)"
echo "prod=$(ring prod)"

#!/usr/bin/env bash
# Seeds development data for two tenants into every service database (sql/seed/tenant-example.sql).
# Same connection and input variables as scripts/init-databases.sh; run it after that script.
# Idempotent: the rows have fixed ids.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sql_dir=${CF_SQL_DIR:-$here/../sql}
psql_bin=${PSQL:-psql}
suffix=${CF_DATABASE_SUFFIX:-local}

[ -n "${CF_SERVICES:-}" ] || { echo "seed-test-data: CF_SERVICES is empty" >&2; exit 2; }

for service in $CF_SERVICES; do
  database="complianceflow_${service}_${suffix}"
  "$psql_bin" --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname "$database" \
    --file "$sql_dir/seed/tenant-example.sql"
  echo "seed-test-data: $database seeded (2 tenants)"
done

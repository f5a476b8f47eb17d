#!/usr/bin/env bash
# Creates every service's database and login role, the extensions and the row-level-security
# example (sql/service.sql), once per service. Idempotent: run it again and nothing changes.
#
# Connection (the server admin): the usual libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE (the maintenance database, default postgres), PGSSLMODE.
# Input:
#   CF_SERVICES                    the services, space-separated (from deployments/catalog.yaml;
#                                  local/catalog.env carries them for Compose)
#   CF_DATABASE_SUFFIX             database name suffix (default: local) → complianceflow_<service>_<suffix>
#   CF_SERVICE_PASSWORD            password of the service roles cf_<service>
#   CF_SERVICE_PASSWORD_<SERVICE>  per-service password (upper case), overrides CF_SERVICE_PASSWORD
#   CF_LOCK_MAINTENANCE_DATABASES  1 (default): revoke CONNECT on postgres/template1 from PUBLIC too
#   CF_RESET_PASSWORDS             1: set the passwords of existing roles again (rotation); by default
#                                  a password is only set when its role is created
#   PSQL                           the psql to use (default: psql from PATH)
# Passwords are passed to psql through its environment (\getenv), never on a command line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
sql_dir=${CF_SQL_DIR:-$here/../sql}
psql_bin=${PSQL:-psql}
suffix=${CF_DATABASE_SUFFIX:-local}
export PGDATABASE=${PGDATABASE:-postgres}
# The "already exists, skipping" notices of a second run are noise.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

fail() { echo "init-databases: $*" >&2; exit 2; }

[ -n "${CF_SERVICES:-}" ] || fail "CF_SERVICES is empty: give the services from deployments/catalog.yaml, space-separated"
[[ "$suffix" =~ ^[a-z0-9_]+$ ]] || fail "CF_DATABASE_SUFFIX '$suffix' must be lower-case letters, digits and underscores"
command -v "$psql_bin" >/dev/null 2>&1 || fail "psql not found (install the Debian package postgresql-client)"

psql_run() { "$psql_bin" --no-psqlrc --quiet --set ON_ERROR_STOP=1 "$@"; }

if [ "${CF_LOCK_MAINTENANCE_DATABASES:-1}" = 1 ]; then
  psql_run --file "$sql_dir/local/lock-maintenance-databases.sql"
fi

for service in $CF_SERVICES; do
  [[ "$service" =~ ^[a-z][a-z0-9]*$ ]] || fail "service name '$service' must be lower-case letters and digits"
  per_service_var="CF_SERVICE_PASSWORD_${service^^}"
  password=${!per_service_var:-${CF_SERVICE_PASSWORD:-}}
  [ -n "$password" ] || fail "no password for service $service: set CF_SERVICE_PASSWORD or $per_service_var"
  database="complianceflow_${service}_${suffix}"
  CF_ROLE_PASSWORD="$password" psql_run \
    --set service_db="$database" --set service_role="cf_${service}" \
    ${CF_RESET_PASSWORDS:+--set reset_password=1} \
    --command '\getenv service_password CF_ROLE_PASSWORD' \
    --file "$sql_dir/service.sql"
  echo "init-databases: $database ready for role cf_${service}"
done

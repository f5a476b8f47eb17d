-- One service's database, login role, extensions and the row-level-security pattern.
-- Shared by the local environment (scripts/init-databases.sh) and the Azure database tier's
-- post-deploy step. Run with psql as the server admin, connected to the maintenance database:
--
--   psql -v ON_ERROR_STOP=1 -v service_db=<db> -v service_role=<role> \
--        -c '\getenv service_password <ENV VAR HOLDING THE PASSWORD>' -f sql/service.sql
--
-- Variables (see sql/README.md):
--   service_db        the service's database, e.g. complianceflow_user_local / complianceflow_user_westeu_test_1
--   service_role      the service's login role, e.g. cf_user
--   service_password  its password; only set when the role is created (or when reset_password is set)
--   reset_password    optional: when defined, the password of an existing role is set again
-- Idempotent: a second run succeeds and changes no catalog entry.
\set ON_ERROR_STOP on
\ir 10-role-and-database.sql
\connect :"service_db"
\ir 20-schema-and-extensions.sql
\ir 30-tenant-rls-example.sql

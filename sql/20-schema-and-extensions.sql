-- Database level (connected to the service's database): the public schema and the extensions.
-- psql variables: service_role.
\set ON_ERROR_STOP on

-- Nobody but the service (and the admin) may create objects here; PostgreSQL 15+ already has this
-- default, older servers and restored dumps may not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"service_role";

-- On Azure these must be allow-listed in the server parameter azure.extensions, and
-- pg_stat_statements collects statistics only when it is in shared_preload_libraries.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;

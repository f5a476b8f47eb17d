-- Server level (connected to the maintenance database): the login role and the database, with
-- CONNECT for that role only. psql variables: service_db, service_role, service_password,
-- optional reset_password.
\set ON_ERROR_STOP on

-- CREATE ROLE / CREATE DATABASE have no IF NOT EXISTS and CREATE DATABASE cannot run inside a DO
-- block, so each is generated only when missing and run with \gexec.
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'service_role', :'service_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'service_role')
\gexec

\if :{?reset_password}
SELECT format('ALTER ROLE %I PASSWORD %L', :'service_role', :'service_password')
\gexec
\endif

-- Least privilege, restated on every run so a drifted role is put back. Only a superuser may
-- touch SUPERUSER, REPLICATION and BYPASSRLS (an Azure admin cannot, nor grant them).
ALTER ROLE :"service_role" LOGIN NOCREATEDB NOCREATEROLE INHERIT;
SELECT format('ALTER ROLE %I NOSUPERUSER NOREPLICATION NOBYPASSRLS', :'service_role')
WHERE (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
\gexec

-- On Azure the database tier may already have created the database; locally it is created here,
-- owned by the admin running this file (not by the service).
SELECT format('CREATE DATABASE %I', :'service_db')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'service_db')
\gexec

REVOKE ALL ON DATABASE :"service_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"service_db" TO :"service_role";

-- A non-superuser admin (Azure's azure_pg_admin member) must be a member of the service role to
-- hand it ownership of objects (30-tenant-rls-example.sql). A superuser needs no membership.
SELECT format('GRANT %I TO %I', :'service_role', current_user)
WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
  AND NOT pg_has_role(current_user, :'service_role', 'MEMBER')
\gexec

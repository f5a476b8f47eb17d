-- Local only: service roles may not connect to the maintenance databases either, so a role reaches
-- its own database and nothing else. Not for Azure, where the admin does not own these databases.
\set ON_ERROR_STOP on
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC;

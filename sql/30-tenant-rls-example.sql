-- The row-level-security pattern for tenant isolation (Story 3), on an example table that the
-- services' own migrations copy for their tables. psql variables: service_role.
--
-- The service role owns the table (services run their own migrations), so FORCE ROW LEVEL
-- SECURITY is what makes the policy apply to it: without FORCE a table owner bypasses RLS.
-- The application sets the tenant per transaction:  SET LOCAL app.current_tenant_id = '<uuid>';
-- current_setting(..., true) returns NULL when the setting was never defined, and nullif turns
-- the empty string it returns after a SET LOCAL has ended into NULL too: no tenant, no rows,
-- never an error.
\set ON_ERROR_STOP on

CREATE TABLE IF NOT EXISTS public.tenant_example (
  id          uuid        PRIMARY KEY DEFAULT uuid_generate_v4(),
  tenant_id   uuid        NOT NULL,
  name        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tenant_example_tenant_id_idx ON public.tenant_example (tenant_id);

ALTER TABLE public.tenant_example OWNER TO :"service_role";
ALTER TABLE public.tenant_example ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.tenant_example FORCE ROW LEVEL SECURITY;

-- CREATE POLICY has no IF NOT EXISTS; dropping and re-creating would change the catalog on every
-- run, so create it when missing and then restate its definition with ALTER POLICY.
SELECT format('CREATE POLICY tenant_isolation ON public.tenant_example FOR ALL TO %I USING (true)', :'service_role')
WHERE NOT EXISTS (
  SELECT 1 FROM pg_policies
  WHERE schemaname = 'public' AND tablename = 'tenant_example' AND policyname = 'tenant_isolation'
)
\gexec

ALTER POLICY tenant_isolation ON public.tenant_example
  TO :"service_role"
  USING (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = nullif(current_setting('app.current_tenant_id', true), '')::uuid);

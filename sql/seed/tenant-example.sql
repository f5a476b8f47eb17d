-- Development data for two tenants in one service database (connected to it, as the admin).
-- Fixed ids: seeding again changes nothing.
\set ON_ERROR_STOP on
INSERT INTO public.tenant_example (id, tenant_id, name) VALUES
  ('a0000000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'Acme Compliance: onboarding declaration'),
  ('a0000000-0000-4000-8000-000000000002', '11111111-1111-4111-8111-111111111111', 'Acme Compliance: annual review'),
  ('b0000000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'Globex Audit: onboarding declaration'),
  ('b0000000-0000-4000-8000-000000000002', '22222222-2222-4222-8222-222222222222', 'Globex Audit: incident case')
ON CONFLICT (id) DO NOTHING;

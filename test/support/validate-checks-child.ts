// Test harness: the PostgreSQL and Redis checks of `cf-infra validate` against the local native
// environment whose settings are argv[2] (JSON), run by the real runner with its default timeouts;
// prints the summary and then simply returns: the process ends only if no check left anything open.
import { loadCatalog } from '@complianceflow/cli/local/catalog.ts';
import type { LocalSettings } from '@complianceflow/cli/local/settings.ts';
import { localPostgresTarget, localRedisTarget } from '@complianceflow/cli/validate/local-target.ts';
import { postgresChecks } from '@complianceflow/cli/validate/postgres-checks.ts';
import { redisChecks } from '@complianceflow/cli/validate/redis-checks.ts';
import { renderTable } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';

const settings = JSON.parse(process.argv[2]!) as LocalSettings;
const catalog = loadCatalog();
const results = await runChecks([...postgresChecks(localPostgresTarget(settings, catalog.services)), ...redisChecks(localRedisTarget(settings, 'allkeys-lru'))], { secrets: [settings.serviceDbPassword] });
console.log(renderTable(results));
console.log('SUMMARY PRINTED');

// Test harness: the PostgreSQL and Redis checks of `cf-infra validate` against the local native
// environment whose settings are argv[2] (JSON), run by the real runner with its default timeouts;
// prints the summary and then simply returns: the process ends only if no check left anything open.
import { loadCatalog } from '../../src/local/catalog.ts';
import type { LocalSettings } from '../../src/local/settings.ts';
import { localPostgresTarget, localRedisTarget } from '../../src/validate/local-target.ts';
import { postgresChecks } from '../../src/validate/postgres-checks.ts';
import { redisChecks } from '../../src/validate/redis-checks.ts';
import { renderTable } from '../../src/validate/render.ts';
import { runChecks } from '../../src/validate/runner.ts';

const settings = JSON.parse(process.argv[2]!) as LocalSettings;
const catalog = loadCatalog();
const results = await runChecks([...postgresChecks(localPostgresTarget(settings, catalog.services)), ...redisChecks(localRedisTarget(settings, 'allkeys-lru'))], { secrets: [settings.serviceDbPassword] });
console.log(renderTable(results));
console.log('SUMMARY PRINTED');

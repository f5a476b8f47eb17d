// `npm run dev`: the sample service on the host, without Docker, set up like the container but with
// the local environment's host ports. node reads local/.env.example, then local/.env (its values
// win; a variable already in your shell wins over both), and restarts this process whenever a file
// under src/ or config/ changes (--watch-path). Editing local/.env itself needs a restart of npm run dev.
import inspector from 'node:inspector';

const env = process.env;
env.HOST ??= '127.0.0.1';
env.PORT ??= env.SAMPLE_SERVICE_PORT ?? '3000';
env.SERVICE_NAME ??= 'user';
env.DATABASE_URL ??= `postgres://cf_user:${env.SERVICE_DB_PASSWORD}@127.0.0.1:${env.POSTGRES_PORT}/complianceflow_user_${env.DATABASE_SUFFIX}`;
env.REDIS_URL ??= `redis://127.0.0.1:${env.REDIS_PORT}`;
env.KAFKA_BROKERS ??= `127.0.0.1:${env.KAFKA_PORT}`;

inspector.open(Number(env.SAMPLE_DEBUG_PORT ?? 9229), '127.0.0.1');
console.log(`debugger on 127.0.0.1:${env.SAMPLE_DEBUG_PORT ?? 9229} (SAMPLE_DEBUG_PORT)`);
await import('./server.js');

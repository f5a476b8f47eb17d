// A tiny HTTP service for the hot-reload pattern: edit this file while `docker compose watch`
// runs and `node --watch` reloads it in the container (or `npm run dev` on the host: src/dev.js).
// No dependencies on purpose.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const { greeting } = JSON.parse(readFileSync(new URL('../config/greeting.json', import.meta.url), 'utf8'));

// Where the service would connect, without credentials (never log secrets).
function redact(url) {
  if (!url) return null;
  const parsed = new URL(url);
  parsed.password = parsed.password ? '***' : '';
  return parsed.toString();
}

const server = createServer((request, response) => {
  console.log(`${new Date().toISOString()} ${request.method} ${request.url}`);
  const body =
    request.url === '/health'
      ? { status: 'ok' }
      : {
          service: process.env.SERVICE_NAME ?? 'sample',
          greeting,
          database: redact(process.env.DATABASE_URL),
          redis: process.env.REDIS_URL ?? null,
          kafka: process.env.KAFKA_BROKERS ?? null,
        };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
});

server.listen(port, host, () => console.log(`sample-service listening on ${host}:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

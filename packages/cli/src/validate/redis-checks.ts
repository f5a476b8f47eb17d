// Redis checks with the real `ioredis` client: TLS, PING, SET/GET with expiry, eviction policy.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { fail, pass, skipped, type CheckDefinition, type CheckOutcome } from './model.ts';
import { describeConnectionError, localNoTlsRedis, type RedisTarget } from './targets.ts';

// ioredis reports a failed handshake as "Connection is closed"; the 'error' event had the cause.
const lastErrors = new WeakMap<Redis, unknown>();

async function connect(target: RedisTarget): Promise<Redis> {
  // Loaded by the check that uses it: a deploy or --help that runs no Redis check never loads ioredis.
  const { Redis: RedisClient } = await import('ioredis');
  const client = new RedisClient({
    host: target.host,
    port: target.port,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: { servername: target.host, ...(target.ca === undefined ? {} : { ca: target.ca }) } } : {}),
    lazyConnect: true,
    connectTimeout: 5000,
    // A server that accepts the connection and never answers (frozen, SIGSTOP) must not hold a check.
    commandTimeout: 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', (error: unknown) => void lastErrors.set(client, error));
  return client;
}

/** Closes at once: disconnect() alone only half-closes, and a frozen server never finishes the close. */
function close(client: Redis): void {
  client.disconnect();
  client.stream?.destroy();
}

async function withRedis(target: RedisTarget, body: (client: Redis) => Promise<CheckOutcome>, signal?: AbortSignal): Promise<CheckOutcome> {
  const client = await connect(target);
  const onAbort = (): void => close(client);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    return await body(client);
  } catch (error) {
    const cause = /Connection is closed/.test((error as Error).message ?? '') ? (lastErrors.get(client) ?? error) : error;
    return fail(`redis: ${describeConnectionError(cause, `Redis at ${target.host}:${target.port}`, target.notRunningHint)}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    close(client);
  }
}

export function redisChecks(target: RedisTarget): CheckDefinition[] {
  return [
    {
      name: 'redis: TLS',
      troubleshooting: 'redis-tls',
      async run(signal) {
        if (!target.tls) return skipped(localNoTlsRedis);
        return withRedis(target, async (c) => ((await c.ping()) === 'PONG' ? pass('a TLS connection with a verified certificate answers') : fail('no PONG over TLS')), signal);
      },
    },
    {
      name: 'redis: PING',
      troubleshooting: 'redis-ping',
      run: (signal) => withRedis(target, async (c) => {
        const answer = await c.ping();
        return answer === 'PONG' ? pass('PONG') : fail(`PING answered ${answer}`);
      }, signal),
    },
    {
      name: 'redis: SET/GET with expiry',
      troubleshooting: 'redis-set-get',
      run: (signal) => withRedis(target, async (c) => {
        const key = `cf-validate:${randomUUID()}`;
        const value = randomUUID();
        try {
          await c.set(key, value, 'EX', 60);
          const read = await c.get(key);
          const ttl = await c.ttl(key);
          if (read !== value) return fail(`GET ${key} returned ${read === null ? 'nothing' : 'another value'}`);
          if (!(ttl > 0 && ttl <= 60)) return fail(`the key has TTL ${ttl}; expected 1..60 s`);
          return pass(`wrote and read back a key with a ${ttl} s expiry; removed it`);
        } finally {
          await c.del(key).catch(() => undefined);
        }
      }, signal),
    },
    {
      name: 'redis: eviction policy',
      troubleshooting: 'redis-eviction',
      run: async (signal) => {
        return withRedis(target, async (c) => {
          const reply = (await c.config('GET', 'maxmemory-policy')) as string[];
          const actual = reply[1];
          return actual === target.expectedEvictionPolicy
            ? pass(`maxmemory-policy is ${actual}`)
            : fail(`maxmemory-policy is ${actual ?? 'unknown'}; the profile wants ${target.expectedEvictionPolicy}`);
        }, signal);
      },
    },
  ];
}

export const armEvictionCheckName = 'arm: redis eviction policy';

/** Azure Managed Redis blocks CONFIG: the policy is the cache database resource's evictionPolicy (ARM). */
export function armEvictionCheck(expected: string, read: () => Promise<string | undefined>): CheckDefinition {
  return {
    name: armEvictionCheckName,
    troubleshooting: 'redis-eviction',
    timeoutMs: 60_000,
    async run() {
      const actual = await read();
      return actual === expected
        ? pass(`evictionPolicy of the cache database is ${actual}`)
        : fail(`evictionPolicy of the cache database is ${actual ?? 'not set'}; the profile wants ${expected}`);
    },
  };
}

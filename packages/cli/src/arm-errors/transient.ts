// Which ARM answers are worth retrying, and how long the server asks us to wait.

const transientStatuses = new Set([408, 429, 500, 502, 503, 504]);
const transientCodes = new Set(
  [
    'TooManyRequests',
    'RetryableError',
    'ServerTimeout',
    'ServerBusy',
    'InternalServerError',
    'ServiceUnavailable',
    'GatewayTimeout',
    // 409s that go away by themselves: another operation on the same resource is finishing.
    'AnotherOperationInProgress',
    'OperationNotAllowedWhileUpdating',
    // Network-level failures of the Azure SDK (no HTTP answer at all).
    'REQUEST_SEND_ERROR',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
  ].map((c) => c.toLowerCase()),
);

/** True for throttling (429), server errors (5xx), timeouts and the codes ARM uses for "try again". */
export function isTransient(status: number | undefined, code?: string): boolean {
  if (status !== undefined && transientStatuses.has(status)) return true;
  return code !== undefined && transientCodes.has(code.toLowerCase());
}

/** A Fetch Headers, the Azure SDK's HttpHeaders (`get`), or a plain object with any header case. */
export type HeaderSource = { get(name: string): string | null | undefined } | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * How long the server asked us to wait, in ms: `retry-after-ms` / `x-ms-retry-after-ms`, else
 * `Retry-After` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HeaderSource | undefined, now: Date = new Date()): number | undefined {
  if (headers === undefined) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const raw = header(headers, name);
    if (raw !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.max(0, Math.round(Number(raw)));
  }
  const raw = header(headers, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * The wait before retry number `attempt` (0-based): the server's Retry-After when it gave one,
 * else exponential back-off from `baseMs`, capped at `maxMs` either way.
 */
export function retryDelayMs(options: { attempt: number; headers?: HeaderSource; baseMs?: number; maxMs?: number; now?: Date }): number {
  const max = options.maxMs ?? 60_000;
  const server = retryAfterMs(options.headers, options.now);
  if (server !== undefined) return Math.min(server, max);
  return Math.min(max, (options.baseMs ?? 1000) * 2 ** options.attempt);
}

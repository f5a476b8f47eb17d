// The thin ARM edge of bootstrap and pause/resume: JSON GET/PUT/POST by resource id through the
// pipeline of the real SDK client (its bearer-token policy, retries and, for the emulator, its CA),
// with long-running operations followed to the end (Azure-AsyncOperation, then Location).
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient, type Pipeline, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { ArmClients } from '../arm/clients.ts';
import { retryAfterMs } from '../arm-errors/index.ts';

/** An ARM error response, shaped so packages/cli/src/arm-errors can explain it. */
export class ArmRequestError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: unknown;
  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'RestError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

export interface ArmRest {
  readonly endpoint: string;
  readonly subscriptionId: string;
  /** The resource, or undefined on 404. */
  get(id: string, apiVersion: string): Promise<Record<string, unknown> | undefined>;
  put(id: string, apiVersion: string, body: unknown): Promise<Record<string, unknown>>;
  post(path: string, apiVersion: string, body?: unknown): Promise<Record<string, unknown> | undefined>;
  /** Number of write requests (PUT/POST/PATCH/DELETE) sent so far. */
  readonly writes: number;
}

function parseBody(response: PipelineResponse): Record<string, unknown> | undefined {
  if (response.bodyAsText === undefined || response.bodyAsText === null || response.bodyAsText === '') return undefined;
  try {
    return JSON.parse(response.bodyAsText) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function failure(response: PipelineResponse): ArmRequestError {
  const body = parseBody(response);
  const error = (body?.['error'] ?? body) as { code?: string; message?: string; details?: unknown } | undefined;
  return new ArmRequestError(response.status, error?.code ?? `Http${response.status}`, error?.message ?? `${response.request.method} ${response.request.url} answered ${response.status}`, error?.details);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function armRest(clients: ArmClients, endpoint: string, options: { pollIntervalMs?: number } = {}): ArmRest {
  const pipeline: Pipeline = clients.resources.pipeline;
  const http: HttpClient = createDefaultHttpClient();
  const base = endpoint.replace(/\/+$/, '');
  const pollMs = options.pollIntervalMs ?? 2000;
  let writes = 0;

  async function send(method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown): Promise<PipelineResponse> {
    if (method !== 'GET') writes += 1;
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({ 'content-type': 'application/json', accept: 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return pipeline.sendRequest(http, request);
  }

  const url = (path: string, apiVersion: string): string => `${base}${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;

  /** Follows a 201/202 to its end; returns the final resource body when there is one. */
  async function settle(response: PipelineResponse, resourceUrl: string | undefined): Promise<Record<string, unknown> | undefined> {
    if (response.status >= 400) throw failure(response);
    const asyncUrl = response.headers.get('azure-asyncoperation');
    const location = response.headers.get('location');
    if ((response.status !== 201 && response.status !== 202) || (asyncUrl === undefined && location === undefined)) return parseBody(response);
    let wait = retryAfterMs(response.headers) ?? pollMs;
    if (asyncUrl !== undefined) {
      for (;;) {
        await sleep(wait);
        const poll = await send('GET', asyncUrl);
        if (poll.status >= 400) throw failure(poll);
        const status = String(parseBody(poll)?.['status'] ?? '').toLowerCase();
        if (status === 'succeeded') break;
        if (status === 'failed' || status === 'canceled') {
          const error = parseBody(poll)?.['error'] as { code?: string; message?: string; details?: unknown } | undefined;
          throw new ArmRequestError(poll.status, error?.code ?? 'OperationFailed', error?.message ?? `the operation ended ${status}`, error?.details);
        }
        wait = retryAfterMs(poll.headers) ?? pollMs;
      }
      if (resourceUrl === undefined) return undefined;
      const final = await send('GET', resourceUrl);
      return final.status < 400 ? parseBody(final) : undefined;
    }
    for (;;) {
      await sleep(wait);
      const poll = await send('GET', location!);
      if (poll.status === 202) {
        wait = retryAfterMs(poll.headers) ?? pollMs;
        continue;
      }
      if (poll.status >= 400) throw failure(poll);
      return parseBody(poll);
    }
  }

  return {
    endpoint: base,
    subscriptionId: clients.subscriptionId,
    get writes() {
      return writes;
    },
    async get(id, apiVersion) {
      const response = await send('GET', url(id, apiVersion));
      if (response.status === 404) return undefined;
      if (response.status >= 400) throw failure(response);
      return parseBody(response) ?? {};
    },
    async put(id, apiVersion, body) {
      const resourceUrl = url(id, apiVersion);
      return (await settle(await send('PUT', resourceUrl, body), resourceUrl)) ?? {};
    },
    async post(path, apiVersion, body) {
      return settle(await send('POST', url(path, apiVersion), body ?? {}), undefined);
    },
  };
}

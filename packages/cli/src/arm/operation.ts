// JSON requests through an SDK client's own pipeline (its bearer token, its one retry policy and, for
// the emulator, its CA), and long-running operations followed by @azure/core-lro's HTTP poller
// (Azure-AsyncOperation / Operation-Location, then Location, Retry-After honoured): for the ARM
// calls no typed SDK client makes (resources by id at a given api-version, stack what-if, actions).
import { createHttpPoller, type LongRunningOperation, type LroResponse } from '@azure/core-lro';
import { createHttpHeaders, createPipelineRequest, type HttpMethods, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export type Json = Record<string, unknown>;

/** An SDK client (its `sendRequest` runs the client's whole pipeline). */
export interface ServiceClient {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse>;
}

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

export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: Json | undefined;
}

type ErrorBody = { code?: string; message?: string; details?: unknown };

function parse(text: string | null | undefined): Json | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

export async function sendJson(client: ServiceClient, method: HttpMethods, url: string, body?: unknown): Promise<JsonAnswer> {
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({ accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await client.sendRequest(request);
  return { status: response.status, headers: response.headers.toJSON(), body: parse(response.bodyAsText) };
}

export function answerError(answer: JsonAnswer, what: string): ArmRequestError {
  const error = (answer.body?.['error'] ?? answer.body) as ErrorBody | undefined;
  return new ArmRequestError(answer.status, error?.code ?? `Http${answer.status}`, error?.message ?? `${what} answered ${answer.status}`, error?.details);
}

/** The answer, or an ArmRequestError for a 4xx/5xx (after the pipeline's retries). */
export async function sendChecked(client: ServiceClient, method: HttpMethods, url: string, body?: unknown): Promise<JsonAnswer> {
  const answer = await sendJson(client, method, url, body);
  if (answer.status >= 400) throw answerError(answer, `${method} ${url}`);
  return answer;
}

const lroResponse = (answer: JsonAnswer): LroResponse<Json | undefined> => ({ flatResponse: answer.body, rawResponse: { statusCode: answer.status, headers: answer.headers, body: answer.body } });

export interface OperationOptions {
  /** Poll interval when ARM sends no Retry-After (ms, default 2000). */
  intervalInMs?: number;
}

/**
 * Sends the request and, when ARM answers 201/202 with a status monitor, polls it to the end with
 * core-lro; the final body (for a PUT the resource, read again). A failed or canceled operation
 * throws an ArmRequestError with the operation's error (code, message, details).
 */
export async function runOperation(client: ServiceClient, method: 'PUT' | 'POST' | 'DELETE', url: string, body: unknown, options: OperationOptions = {}): Promise<Json | undefined> {
  let lastError: { status: number; error: ErrorBody } | undefined;
  const note = (answer: JsonAnswer): JsonAnswer => {
    const error = answer.body?.['error'];
    if (typeof error === 'object' && error !== null) lastError = { status: answer.status, error: error as ErrorBody };
    return answer;
  };
  const lro: LongRunningOperation<Json | undefined> = {
    requestMethod: method,
    requestPath: url,
    sendInitialRequest: async () => lroResponse(await sendChecked(client, method, url, body)),
    sendPollRequest: async (path: string) => lroResponse(note(await sendChecked(client, 'GET', path))),
  };
  const poller = await createHttpPoller(lro, { intervalInMs: options.intervalInMs ?? 2000 });
  try {
    return (await poller.pollUntilDone()) as Json | undefined;
  } catch (error) {
    if (lastError === undefined || error instanceof ArmRequestError) throw error;
    const { code, message, details } = lastError.error;
    throw new ArmRequestError(lastError.status, code ?? 'OperationFailed', message ?? (error as Error).message, details);
  }
}

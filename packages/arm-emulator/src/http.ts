// Request/response plumbing shared by the handlers: JSON bodies, ARM's error envelope, absolute URLs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArmError, invalidRequestContent } from './errors.ts';

export interface Request {
  method: string;
  /** Path without query, as sent (case preserved). */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  /** https://host:port of this server: every URL we hand out is absolute and same-origin. */
  origin: string;
  /** The caller's object id (from the bearer token). */
  principalId: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const reply = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** The request body as a JSON object; malformed JSON → 400 InvalidRequestContent (like ARM). */
export function jsonBody(req: Request): Record<string, unknown> {
  if (req.rawBody.trim() === '') throw invalidRequestContent('The request content is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody);
  } catch (error) {
    throw invalidRequestContent(`Unexpected character encountered while parsing value: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequestContent('The request content must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * ARM refuses a request body over 4 MB with 413 RequestContentTooLarge, "The request content size
 * exceeds the maximum size of 4 MB." (seen from management.azure.com in
 * github.com/Azure/Azure-Landing-Zones/issues/2644 and Azure/azure-api-management-devops-resource-kit/issues/594;
 * the template and parameter file limits are 4 MB each, learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits).
 * Our compiled main template is about 0.3 MB.
 */
export const maxRequestBytes = 4 * 1024 * 1024;

const tooLarge = (): ArmError =>
  new ArmError(413, 'RequestContentTooLarge', `The request content size exceeds the maximum size of 4 MB (${maxRequestBytes} bytes).`, {}, { connection: 'close' });

/**
 * The request body, refused with 413 before it is read when Content-Length says it is too large,
 * and as soon as a streamed (chunked) body passes the cap: what came so far is dropped, the rest
 * is never read (the connection is closed after the answer).
 */
export function readBody(message: IncomingMessage, limit = maxRequestBytes): Promise<string> {
  const declared = Number(message.headers['content-length'] ?? '0');
  if (declared > limit) {
    message.pause();
    return Promise.reject(tooLarge());
  }
  // Listeners, not for-await: leaving a for-await loop destroys the socket the 413 goes out on.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      message.off('data', onData);
      message.pause();
      reject(tooLarge());
    };
    message.on('data', onData);
    message.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    message.once('error', reject);
  });
}

export function send(res: ServerResponse, r: Reply, requestId: string): void {
  const headers: Record<string, string> = { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId, ...(r.headers ?? {}) };
  if (r.body === undefined) {
    res.writeHead(r.status, headers).end();
    return;
  }
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) }).end(text);
}

export function errorReply(error: ArmError): Reply {
  return { status: error.status, body: { error: error.body }, headers: error.headers };
}

export const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

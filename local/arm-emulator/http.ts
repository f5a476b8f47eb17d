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

export async function readBody(message: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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

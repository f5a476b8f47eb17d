// ARM resources by id at a given api-version, as JSON: what bootstrap reconciles, pause/resume and the
// Key Vault retention after a destroy. Requests go through the resources client's pipeline;
// long-running PUTs and POSTs are followed by core-lro (operation.ts).
import { createDefaultHttpClient } from '@azure/core-rest-pipeline';
import type { ArmClients } from './clients.ts';
import { answerError, runOperation, sendJson, type Json, type ServiceClient } from './operation.ts';

export { ArmRequestError } from './operation.ts';

export interface ArmResources {
  readonly subscriptionId: string;
  /** The resource, or undefined on 404. */
  get(id: string, apiVersion: string): Promise<Json | undefined>;
  put(id: string, apiVersion: string, body: unknown): Promise<Json>;
  /** An action (…/register, …/start, …/purge), followed to its end when long-running. */
  post(path: string, apiVersion: string, body?: unknown): Promise<Json | undefined>;
  /** Number of write requests (PUT/POST) sent so far. */
  readonly writes: number;
}

export function armResources(clients: ArmClients, options: { pollIntervalMs?: number } = {}): ArmResources {
  // The resources client's pipeline (bearer token, retry policy, the emulator's CA), sent by a default HTTP client.
  const http = createDefaultHttpClient();
  const client: ServiceClient = { sendRequest: (request) => clients.resources.pipeline.sendRequest(http, request) };
  const base = (clients.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');
  const url = (path: string, apiVersion: string): string => `${base}${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  const poll = options.pollIntervalMs === undefined ? {} : { intervalInMs: options.pollIntervalMs };
  let writes = 0;
  return {
    subscriptionId: clients.subscriptionId,
    get writes() {
      return writes;
    },
    async get(id, apiVersion) {
      const answer = await sendJson(client, 'GET', url(id, apiVersion));
      if (answer.status === 404) return undefined;
      if (answer.status >= 400) throw answerError(answer, `GET ${id}`);
      return answer.body ?? {};
    },
    async put(id, apiVersion, body) {
      writes += 1;
      return (await runOperation(client, 'PUT', url(id, apiVersion), body, poll)) ?? {};
    },
    async post(path, apiVersion, body) {
      writes += 1;
      return runOperation(client, 'POST', url(path, apiVersion), body ?? {}, poll);
    },
  };
}

// Stack what-if (Microsoft.Resources/deploymentStacksWhatIfResults, api 2025-07-01, stable only in
// that version): @azure/arm-resourcesdeploymentstacks 1.x speaks 2024-03-01, so the request goes
// through the stacks client's own pipeline (same auth, TLS, retries): PUT the what-if result (LRO,
// Azure-AsyncOperation), POST …/whatIf (LRO, Location), read the changes, DELETE the result.
// Returns undefined when the endpoint does not offer that api-version, so the caller falls back.
import { randomBytes } from 'node:crypto';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { ArmClients } from '../arm/clients.ts';
import { retryAfterMs } from '../arm-errors/index.ts';

export const stackWhatIfApiVersion = '2025-07-01';

/**
 * Provider (ARM's default) also checks that the caller may write every resource; ProviderNoRbac
 * checks read rights only, so an identity with Reader + what-if (the pull-request identity) can
 * preview (KnownValidationLevel, @azure/arm-resourcesdeployments / -deploymentstacks).
 */
export type WhatIfValidationLevel = 'Provider' | 'ProviderNoRbac';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

async function send(clients: ArmClients, method: string, url: string, body?: unknown): Promise<Answer> {
  const request = createPipelineRequest({
    url,
    method: method as 'GET',
    headers: createHttpHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const response = await clients.stacks.sendRequest(request);
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as Record<string, unknown>) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers.toJSON(), body: parsed };
}

class StackWhatIfError extends Error {
  readonly body: unknown;
  constructor(body: unknown, status: number) {
    super(`stack what-if failed (${status})`);
    this.body = body;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Follows a long-running operation until done; returns the final answer. */
async function settle(clients: ArmClients, first: Answer, pollMs: number): Promise<Answer> {
  const asyncUrl = first.headers['azure-asyncoperation'];
  const locationUrl = first.headers['location'];
  if (asyncUrl !== undefined) {
    for (;;) {
      const status = await send(clients, 'GET', asyncUrl);
      const state = String(status.body?.status ?? '');
      if (/^(succeeded)$/i.test(state)) return status;
      if (/^(failed|canceled)$/i.test(state)) throw new StackWhatIfError(status.body, 400);
      await sleep(retryAfterMs(status.headers) ?? pollMs);
    }
  }
  if (locationUrl !== undefined && first.status === 202) {
    for (;;) {
      await sleep(retryAfterMs(first.headers) ?? pollMs);
      const answer = await send(clients, 'GET', locationUrl);
      if (answer.status !== 202) {
        if (answer.status >= 400) throw new StackWhatIfError(answer.body, answer.status);
        return answer;
      }
    }
  }
  return first;
}

/** Where the clients send requests: the `endpoint` they were created with (the emulator), else Azure. */
function armEndpoint(clients: ArmClients): string {
  // core-client keeps the endpoint option here; `$host` stays at the public cloud's default.
  return (clients.stacks as unknown as { _endpoint?: string })._endpoint ?? 'https://management.azure.com';
}

export interface StackWhatIfInput {
  stackName: string;
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  actionOnUnmanage: Record<string, string>;
  denySettings: Record<string, unknown>;
  validationLevel?: WhatIfValidationLevel;
}

/** The raw stack what-if result, or undefined when the endpoint does not offer api 2025-07-01. */
export async function runStackWhatIf(clients: ArmClients, input: StackWhatIfInput, pollMs = 500): Promise<Record<string, unknown> | undefined> {
  const base = `${armEndpoint(clients).replace(/\/$/, '')}/subscriptions/${clients.subscriptionId}/providers/Microsoft.Resources`;
  const name = `${input.stackName}-${randomBytes(4).toString('hex')}`;
  const resultUrl = `${base}/deploymentStacksWhatIfResults/${name}?api-version=${stackWhatIfApiVersion}`;
  const put = await send(clients, 'PUT', resultUrl, {
    location: input.location,
    properties: {
      deploymentStackResourceId: `/subscriptions/${clients.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/${input.stackName}`,
      template: input.template,
      parameters: input.parameters,
      actionOnUnmanage: input.actionOnUnmanage,
      denySettings: input.denySettings,
      retentionInterval: 'PT1H',
      ...(input.validationLevel === undefined ? {} : { validationLevel: input.validationLevel }),
    },
  });
  if (put.status === 400 || put.status === 404) {
    const code = String((put.body?.error as { code?: unknown } | undefined)?.code ?? '');
    if (/ApiVersion|NoRegisteredProviderFound|InvalidResourceType|ResourceTypeNotFound/i.test(code) || put.status === 404) return undefined;
  }
  if (put.status >= 400) throw new StackWhatIfError(put.body, put.status);
  try {
    await settle(clients, put, pollMs);
    const post = await send(clients, 'POST', `${base}/deploymentStacksWhatIfResults/${name}/whatIf?api-version=${stackWhatIfApiVersion}`);
    if (post.status >= 400) throw new StackWhatIfError(post.body, post.status);
    const done = await settle(clients, post, pollMs);
    const result = done.body?.properties === undefined ? (await send(clients, 'GET', resultUrl)).body : done.body;
    return result;
  } finally {
    await send(clients, 'DELETE', resultUrl).catch(() => undefined);
  }
}

export { StackWhatIfError };

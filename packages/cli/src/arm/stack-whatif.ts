// Stack what-if (Microsoft.Resources/deploymentStacksWhatIfResults, api 2025-07-01, stable only in
// that version): @azure/arm-resourcesdeploymentstacks 1.x speaks 2024-03-01, so the requests go
// through the stacks client's own pipeline (same auth, TLS, retry policy) and core-lro follows them:
// PUT the what-if result (long-running), POST …/whatIf (long-running), read the changes, DELETE the result.
// Returns undefined when the endpoint does not offer that api-version, so the caller falls back.
import { randomBytes } from 'node:crypto';
import { deploymentStackId, providerId } from '@complianceflow/core/arm/ids.ts';
import { apiVersions } from './api-versions.ts';
import type { ArmClients } from './clients.ts';
import { ArmRequestError, runOperation, sendChecked, sendJson, type Json } from './operation.ts';

/**
 * Provider (ARM's default) also checks that the caller may write every resource; ProviderNoRbac
 * checks read rights only, so an identity with Reader + what-if (the pull-request identity) can
 * preview (KnownValidationLevel, @azure/arm-resourcesdeployments / -deploymentstacks).
 */
export type WhatIfValidationLevel = 'Provider' | 'ProviderNoRbac';

/** Where the clients send requests: the `endpoint` they were created with (the emulator), else Azure. */
const armEndpoint = (clients: ArmClients): string => (clients.endpoint ?? 'https://management.azure.com').replace(/\/+$/, '');

export interface StackWhatIfInput {
  stackName: string;
  location: string;
  template: Record<string, unknown>;
  parameters: Record<string, unknown>;
  actionOnUnmanage: Record<string, string>;
  denySettings: Record<string, unknown>;
  validationLevel?: WhatIfValidationLevel;
}

/** The first PUT's refusal of an api-version or type the endpoint does not know. */
function notOffered(error: unknown): boolean {
  if (!(error instanceof ArmRequestError)) return false;
  return error.statusCode === 404 || (error.statusCode === 400 && /ApiVersion|NoRegisteredProviderFound|InvalidResourceType|ResourceTypeNotFound/i.test(error.code));
}

/** The raw stack what-if result, or undefined when the endpoint does not offer api 2025-07-01. */
export async function runStackWhatIf(clients: ArmClients, input: StackWhatIfInput, pollMs = 500): Promise<Json | undefined> {
  const client = clients.stacks;
  const base = `${armEndpoint(clients)}${providerId(clients.subscriptionId, 'Microsoft.Resources')}/deploymentStacksWhatIfResults/${input.stackName}-${randomBytes(4).toString('hex')}`;
  const resultUrl = `${base}?api-version=${apiVersions.stackWhatIf}`;
  const definition = {
    location: input.location,
    properties: {
      deploymentStackResourceId: deploymentStackId(clients.subscriptionId, input.stackName),
      template: input.template,
      parameters: input.parameters,
      actionOnUnmanage: input.actionOnUnmanage,
      denySettings: input.denySettings,
      retentionInterval: 'PT1H',
      ...(input.validationLevel === undefined ? {} : { validationLevel: input.validationLevel }),
    },
  };
  try {
    await runOperation(client, 'PUT', resultUrl, definition, { intervalInMs: pollMs });
  } catch (error) {
    if (notOffered(error)) return undefined;
    throw error;
  }
  try {
    const done = await runOperation(client, 'POST', `${base}/whatIf?api-version=${apiVersions.stackWhatIf}`, undefined, { intervalInMs: pollMs });
    return done?.['properties'] === undefined ? (await sendChecked(client, 'GET', resultUrl)).body : done;
  } finally {
    await sendJson(client, 'DELETE', resultUrl).catch(() => undefined);
  }
}

// Test helpers: one shared Bicep process for every emulator test file (disposed by a root hook),
// emulators on free ports in temp dirs, the real SDK clients over HTTPS with the emulator's CA,
// and a raw HTTPS call for what no SDK in package.json speaks (subscriptions, api 2025-07-01).
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { expect } from 'chai';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConsumptionManagementClient } from '@azure/arm-consumption';
import { StorageManagementClient } from '@azure/arm-storage';
import type { TokenCredential } from '@azure/core-auth';
import { createArmClients, type ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { bicepExpander, startEmulator, type EmulatorOptions, type RunningEmulator } from '@complianceflow/arm-emulator/index.ts';

export const sharedExpander = bicepExpander();
after(async () => {
  await sharedExpander.dispose();
});

/** The orchestrator's ARM clients, plus the SDKs the tests use to look at what was created (storage accounts, budgets). */
export type TestClients = ArmClients & { storage: StorageManagementClient; consumption: ConsumptionManagementClient };

export interface TestEmulator extends RunningEmulator {
  clients: TestClients;
}

/** Clients of the emulator with quick retries, as the caller `credential` (default: the owner). */
export function testClients(emu: RunningEmulator, credential?: TokenCredential): TestClients {
  const retryOptions = { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 };
  const clients = createArmClients({ kind: 'emulator', subscriptionId: emu.subscriptionId, endpoint: emu.endpoint, caPem: emu.caPem, ...(credential === undefined ? {} : { credential }) }, { retryOptions });
  const options = { endpoint: emu.endpoint, tlsOptions: { ca: emu.caPem }, retryOptions };
  return { ...clients, storage: new StorageManagementClient(clients.credential, emu.subscriptionId, options), consumption: new ConsumptionManagementClient(clients.credential, emu.subscriptionId, options) };
}

const dirs: string[] = [];
export function tempStateDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'arm-emulator-test-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ stateDir: options.stateDir ?? tempStateDir(), port: 0, expander: sharedExpander, latency: { defaultMs: 0 }, ...options });
  return { ...emu, clients: testClients(emu) };
}

/** Starts a test emulator before the suite's tests and closes it after them; `set` hands it to the suite. */
export function useTestEmulator(set: (emu: TestEmulator) => void, options: Partial<EmulatorOptions> = {}): void {
  let emu: TestEmulator | undefined;
  before(async () => {
    emu = await startTestEmulator(options);
    set(emu);
  });
  after(async () => {
    await emu?.close();
  });
}

/** Runs `body` against a test emulator started with `options`, and closes the emulator whatever happens. */
export async function withTestEmulator<T>(options: Partial<EmulatorOptions>, body: (emu: TestEmulator) => Promise<T>): Promise<T> {
  const emu = await startTestEmulator(options);
  try {
    return await body(emu);
  } finally {
    await emu.close();
  }
}

/** Awaits `p`, expects it to fail with ARM's `status` and error `code`, and returns the error. */
export async function expectArmError(p: Promise<unknown>, status: number, code: string): Promise<any> {
  try {
    await p;
  } catch (error) {
    const e = error as { statusCode?: number; code?: string };
    expect(e.statusCode, `status of ${String(error)}`).to.equal(status);
    expect(e.code, String(error)).to.equal(code);
    return error;
  }
  expect.fail(`expected ${status} ${code}`);
}

/** SDK poller options: poll fast (Retry-After, when the emulator sends one, still wins). */
export const fast = { updateIntervalInMs: 10 };

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export function call(emu: RunningEmulator, method: string, pathAndQuery: string, body?: unknown, opts: { token?: string | null; rawBody?: string; ca?: string | null } = {}): Promise<RawResponse> {
  const url = new URL(pathAndQuery.startsWith('https://') ? pathAndQuery : emu.endpoint + pathAndQuery);
  const text = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  const token = opts.token === undefined ? makeEmulatorToken().token : opts.token;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ...(opts.ca === null ? {} : { ca: opts.ca ?? emu.caPem }),
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw === '' ? undefined : JSON.parse(raw) });
        });
      },
    );
    req.on('error', reject);
    if (text !== undefined) req.write(text);
    req.end();
  });
}

/** Registers a resource provider with a raw POST and waits (up to 4 s) until it reports Registered. */
export async function registerProvider(emu: RunningEmulator, namespace: string): Promise<void> {
  const provider = `/subscriptions/${emu.subscriptionId}/providers/${namespace}`;
  expect((await call(emu, 'POST', `${provider}/register?api-version=2025-04-01`)).status).to.equal(200);
  for (let i = 0; i < 200 && (await call(emu, 'GET', `${provider}?api-version=2025-04-01`)).body.registrationState !== 'Registered'; i++) await new Promise((r) => setTimeout(r, 20));
}

/** Follows a Location LRO with raw calls until it is done. */
export async function pollLocation(emu: RunningEmulator, location: string): Promise<RawResponse> {
  for (;;) {
    const r = await call(emu, 'GET', location);
    if (r.status !== 202) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** A subscription template's nested deployment `name` into the resource group `parameters('rgName')` it also creates (inner-scoped expressions). */
export function nestedRgDeployment(name: string, parameters: Record<string, unknown>, inner: { parameters: Record<string, unknown>; resources: unknown[]; outputs?: Record<string, unknown> }): Record<string, unknown> {
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2024-03-01',
    name,
    resourceGroup: "[parameters('rgName')]",
    dependsOn: ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('rgName'))]"],
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      parameters,
      template: { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', ...inner },
    },
  };
}

/** A tiny subscription-scope template: one resource group and one storage account inside it. */
export function tinyTemplate(opts: { storageNames?: string[]; extraOutputs?: Record<string, unknown> } = {}): Record<string, unknown> {
  const names = opts.storageNames ?? ['sttiny1'];
  return {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { rgName: { type: 'string' }, location: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: "[parameters('rgName')]", location: "[parameters('location')]", tags: { env: 'test' } },
      nestedRgDeployment('storage', { location: { value: "[parameters('location')]" } }, {
        parameters: { location: { type: 'string' } },
        resources: names.map((n) => ({ type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-05-01', name: n, location: "[parameters('location')]", sku: { name: 'Standard_LRS' }, kind: 'StorageV2', properties: { minimumTlsVersion: 'TLS1_2' } })),
        outputs: names.length === 0 ? {} : { blob: { type: 'string', value: `[reference(resourceId('Microsoft.Storage/storageAccounts', '${names[0]}'), '2023-05-01').primaryEndpoints.blob]` } },
      }),
    ],
    outputs: {
      rg: { type: 'string', value: "[parameters('rgName')]" },
      ...(names.length === 0 ? {} : { blob: { type: 'string', value: "[reference('storage').outputs.blob.value]" } }),
      ...(opts.extraOutputs ?? {}),
    },
  };
}

export function tinyStack(rgName: string, extra: { storageNames?: string[]; actionOnUnmanage?: Record<string, string>; denySettings?: Record<string, unknown> } = {}): any {
  return {
    location: 'westeurope',
    properties: {
      template: tinyTemplate({ storageNames: extra.storageNames }),
      parameters: { rgName: { value: rgName }, location: { value: 'westeurope' } },
      actionOnUnmanage: extra.actionOnUnmanage ?? { resources: 'delete', resourceGroups: 'delete' },
      denySettings: extra.denySettings ?? { mode: 'none' },
    },
  };
}

/** Built-in role definition GUIDs the tests assign (authorization/builtin-roles.ts holds their permissions). */
export const roles = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;

let assignmentCounter = 0;
/** PUTs a role assignment as the subscription's Owner (the default principal): `role` is a GUID or a full role definition id. */
export async function assignRole(emu: RunningEmulator, scope: string, principalId: string, role: string, properties: Record<string, unknown> = {}): Promise<RawResponse> {
  const roleDefinitionId = role.startsWith('/') ? role : `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
  const name = `a0000000-0000-4000-a000-${String(++assignmentCounter).padStart(12, '0')}`;
  return call(emu, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, { properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal', ...properties } });
}

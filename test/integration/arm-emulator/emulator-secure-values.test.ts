// Secure parameters and outputs never leave the emulator, and its state file never holds them in
// clear: every endpoint that answers with a stack, a deployment, an operation or a what-if result is
// walked after deploys that carry a securestring and a secureObject (raw HTTPS, real token), and
// state.json is grepped. A restart mid-operation fails the operation instead of inventing a value.
// Also: request bodies are capped (413 RequestContentTooLarge, ARM's error shape) before being read.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { maxRequestBytes } from '@complianceflow/arm-emulator/http.ts';
import { call, nestedRgDeployment, startTestEmulator, tempStateDir, useTestEmulator, type RawResponse, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

const password = `Pw-${randomBytes(24).toString('base64url')}`;
const objectSecret = `Key-${randomBytes(24).toString('base64url')}`;
const shortSecret = 'abc12';

function secureTemplate(): Record<string, unknown> {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      adminPassword: { type: 'securestring' },
      apiKeys: { type: 'secureObject' },
      pin: { type: 'securestring' },
      rgName: { type: 'string' },
    },
    resources: [
      { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2024-03-01', name: "[parameters('rgName')]", location: 'westeurope', tags: { env: 'test' } },
      nestedRgDeployment('db', { password: { value: "[parameters('adminPassword')]" } }, {
        parameters: { password: { type: 'securestring' } },
        resources: [
          {
            type: 'Microsoft.DBforPostgreSQL/flexibleServers',
            apiVersion: '2024-08-01',
            name: 'psql-secure-test',
            location: 'westeurope',
            sku: { name: 'Standard_B1ms', tier: 'Burstable' },
            properties: { version: '16', administratorLogin: 'cfadmin', administratorLoginPassword: "[parameters('password')]", storage: { storageSizeGB: 32 } },
          },
        ],
      }),
    ],
    outputs: {
      echoed: { type: 'securestring', value: "[parameters('adminPassword')]" },
      keys: { type: 'secureObject', value: "[parameters('apiKeys')]" },
      rg: { type: 'string', value: "[parameters('rgName')]" },
    },
  };
}

const parameters = (rgName: string) => ({ adminPassword: { value: password }, apiKeys: { value: { primary: objectSecret } }, pin: { value: shortSecret }, rgName: { value: rgName } });
const stackSettings = { actionOnUnmanage: { resources: 'delete', resourceGroups: 'delete' }, denySettings: { mode: 'none' } };

describe('ARM emulator: secure values are never answered with nor stored in clear', function () {
  this.timeout(120_000);
  let emu: TestEmulator;
  let sub: string;
  const answers: { what: string; response: RawResponse }[] = [];
  const operationUrls = new Set<string>();

  async function record(what: string, response: RawResponse): Promise<RawResponse> {
    answers.push({ what, response });
    for (const header of ['location', 'azure-asyncoperation']) {
      const url = response.headers[header];
      if (typeof url === 'string') operationUrls.add(url);
    }
    return response;
  }

  async function done(what: string, response: RawResponse): Promise<void> {
    const location = response.headers.location ?? response.headers['azure-asyncoperation'];
    if (typeof location !== 'string') return;
    for (;;) {
      const r = await record(`${what} (poll)`, await call(emu, 'GET', location));
      const status = (r.body as { status?: string } | undefined)?.status;
      if (r.status !== 202 && status !== 'Running' && status !== 'InProgress') return;
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  useTestEmulator((e) => (emu = e));
  before(async () => {
    sub = `/subscriptions/${emu.subscriptionId}`;
    await emu.clients.resources.providers.register('Microsoft.DBforPostgreSQL');
    await emu.clients.resources.providers.register('Microsoft.Storage');
    const stack = `${sub}/providers/Microsoft.Resources/deploymentStacks/cf-secure`;
    const deployment = `${sub}/providers/Microsoft.Resources/deployments/secure-deployment`;
    const stackBody = { location: 'westeurope', properties: { template: secureTemplate(), parameters: parameters('rg-secure-stack'), ...stackSettings } };
    const deploymentBody = { location: 'westeurope', properties: { mode: 'Incremental', template: secureTemplate(), parameters: parameters('rg-secure-deployment') } };

    await done('stack PUT', await record('stack PUT', await call(emu, 'PUT', `${stack}?api-version=2024-03-01`, stackBody)));
    await done('stack validate', await record('stack validate', await call(emu, 'POST', `${stack}/validate?api-version=2024-03-01`, stackBody)));
    await done('deployment PUT', await record('deployment PUT', await call(emu, 'PUT', `${deployment}?api-version=2025-04-01`, deploymentBody)));
    await done('deployment validate', await record('deployment validate', await call(emu, 'POST', `${deployment}/validate?api-version=2025-04-01`, deploymentBody)));
    await done('deployment what-if', await record('deployment what-if', await call(emu, 'POST', `${deployment}/whatIf?api-version=2025-04-01`, deploymentBody)));
    const whatIf = `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/cf-secure-whatif`;
    const whatIfBody = { location: 'westeurope', properties: { deploymentStackResourceId: stack, retentionInterval: 'P7D', template: secureTemplate(), parameters: parameters('rg-secure-stack'), ...stackSettings } };
    await done('stack what-if PUT', await record('stack what-if PUT', await call(emu, 'PUT', `${whatIf}?api-version=2025-07-01`, whatIfBody)));
    await done('stack what-if POST', await record('stack what-if POST', await call(emu, 'POST', `${whatIf}/whatIf?api-version=2025-07-01`)));

    for (const [what, path] of [
      ['stack GET', `${stack}?api-version=2024-03-01`],
      ['stack list', `${sub}/providers/Microsoft.Resources/deploymentStacks?api-version=2024-03-01`],
      ['stack exportTemplate', `${stack}/exportTemplate?api-version=2024-03-01`],
      ['deployment GET', `${deployment}?api-version=2025-04-01`],
      ['deployment list', `${sub}/providers/Microsoft.Resources/deployments?api-version=2025-04-01`],
      ['deployment operations', `${deployment}/operations?api-version=2025-04-01`],
      ['stack what-if GET', `${whatIf}?api-version=2025-07-01`],
      ['stack what-if list', `${sub}/providers/Microsoft.Resources/deploymentStacksWhatIfResults?api-version=2025-07-01`],
      ['server GET', `${sub}/resourceGroups/rg-secure-stack/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-secure-test?api-version=2024-08-01`],
      ['resources list', `${sub}/resources?api-version=2021-04-01`],
    ] as const) {
      if (what === 'stack exportTemplate') await record(what, await call(emu, 'POST', path));
      else await record(what, await call(emu, 'GET', path));
    }
    // Every operation handed out, asked again now that all are finished.
    // A result already read is gone by design (read once, then dropped): only what is still answered is walked.
    for (const url of operationUrls) {
      const answer = await call(emu, 'GET', url);
      if (url.includes('/operationResults/') && answer.status === 404 && answer.body?.error?.code === 'OperationNotFound') continue;
      await record(`operation ${new URL(url).pathname.split('/').slice(-2).join('/')}`, answer);
    }
  });

  it('the deploys succeeded (the walk covers real answers, not errors)', () => {
    const failed = answers.filter((a) => a.response.status >= 400).map((a) => `${a.what}: ${a.response.status} ${JSON.stringify(a.response.body)}`);
    expect(failed).to.deep.equal([]);
    expect(operationUrls.size).to.be.greaterThan(6);
    const stack = answers.find((a) => a.what === 'stack GET')!.response.body as { properties: { provisioningState: string; outputs: Record<string, unknown>; parameters: Record<string, unknown> } };
    expect(stack.properties.provisioningState).to.equal('succeeded');
    expect(stack.properties.parameters.adminPassword).to.deep.equal({});
    expect(stack.properties.parameters.rgName).to.deep.equal({ value: 'rg-secure-stack' });
    expect(Object.keys(stack.properties.outputs), 'secure outputs are not answered').to.deep.equal(['rg']);
    const deployment = answers.find((a) => a.what === 'deployment GET')!.response.body as { properties: { parameters: Record<string, unknown>; outputs: Record<string, unknown> } };
    expect(deployment.properties.parameters.adminPassword).to.deep.equal({ type: 'SecureString' });
    expect(deployment.properties.parameters.apiKeys).to.deep.equal({ type: 'SecureObject' });
    expect(Object.keys(deployment.properties.outputs)).to.deep.equal(['rg']);
  });

  it('no endpoint answers with a secure value (stacks, deployments, operations, what-if results, resources)', () => {
    expect(answers.length).to.be.greaterThan(20);
    for (const { what, response } of answers) {
      const text = JSON.stringify(response.body ?? null);
      for (const secret of [password, objectSecret]) expect(text.includes(secret), `${what} answers with a secure value`).to.equal(false);
      expect(text.includes(`"${shortSecret}"`), `${what} answers with the short secure value`).to.equal(false);
    }
  });

  it('state.json holds no secure value in clear', () => {
    const state = readFileSync(`${emu.stateDir}/state.json`, 'utf8');
    expect(state.length).to.be.greaterThan(1000);
    for (const secret of [password, objectSecret]) expect(state.includes(secret)).to.equal(false);
    expect(state.includes(`"${shortSecret}"`)).to.equal(false);
  });

  it('a stack what-if result kept over a restart is refused when run again (its secure values were not stored), not run with a made-up value', async () => {
    const stateDir = tempStateDir();
    const first = await startTestEmulator({ stateDir });
    const s = `/subscriptions/${first.subscriptionId}`;
    await first.clients.resources.providers.register('Microsoft.DBforPostgreSQL');
    const whatIf = `${s}/providers/Microsoft.Resources/deploymentStacksWhatIfResults/cf-restart-whatif`;
    const body = { location: 'westeurope', properties: { deploymentStackResourceId: `${s}/providers/Microsoft.Resources/deploymentStacks/cf-restart`, retentionInterval: 'P7D', template: secureTemplate(), parameters: parameters('rg-restart'), ...stackSettings } };
    expect((await call(first, 'PUT', `${whatIf}?api-version=2025-07-01`, body)).status).to.equal(201);
    // Before the restart it runs again (the values are held in memory) …
    expect((await call(first, 'POST', `${whatIf}/whatIf?api-version=2025-07-01`)).status).to.equal(202);
    await first.close();
    expect(readFileSync(`${stateDir}/state.json`, 'utf8').includes(password)).to.equal(false);
    // … after it, the emulator says why it cannot.
    const again = await startTestEmulator({ stateDir });
    const rerun = await call(again, 'POST', `${whatIf}/whatIf?api-version=2025-07-01`);
    expect(rerun.status).to.equal(400);
    expect(rerun.body.error.code).to.equal('InvalidRequestContent');
    expect(rerun.body.error.message).to.include('keeps no secure parameter values on disk');
    const kept = await call(again, 'GET', `${whatIf}?api-version=2025-07-01`);
    expect(kept.body.properties.parameters.adminPassword).to.deep.equal({});
    await again.close();
  });
});

describe('ARM emulator: request bodies are capped before they are read', function () {
  this.timeout(60_000);
  let emu: TestEmulator;
  useTestEmulator((e) => (emu = e));

  /** Streams `total` bytes (chunked, no Content-Length) and resolves with the answer and how much was written before it came. */
  function streamPut(path: string, total: number, contentLength?: number): Promise<{ status: number; body: any; written: number }> {
    return new Promise((resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let written = 0;
      let answered = false;
      const req = https.request(new URL(emu.endpoint + path), {
        method: 'PUT',
        ca: emu.caPem,
        headers: { authorization: `Bearer ${makeEmulatorToken().token}`, 'content-type': 'application/json', ...(contentLength === undefined ? {} : { 'content-length': String(contentLength) }) },
      });
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), written }));
      });
      // The server closes the connection after its 413: writes after that fail, which is expected.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = (): void => {
        while (!answered && written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      req.write('{"location":"westeurope","properties":{"x":"');
      pump();
    });
  }

  it('a streamed 64 MB PUT gets 413 RequestContentTooLarge (ARM error shape) once past the cap, without the rest being read', async () => {
    const stack = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/cf-big?api-version=2024-03-01`;
    const answer = await streamPut(stack, 64 * 1024 * 1024);
    expect(answer.status).to.equal(413);
    expect(answer.body.error.code).to.equal('RequestContentTooLarge');
    expect(answer.body.error.message).to.include('exceeds the maximum size of 4 MB');
    // The answer came while the client was still sending: far from all 64 MB went in.
    expect(answer.written).to.be.below(32 * 1024 * 1024);
  });

  it('a Content-Length over the cap is refused before any of the body is read', async () => {
    const stack = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/cf-big2?api-version=2024-03-01`;
    const answer = await streamPut(stack, 8 * 1024 * 1024, 300 * 1024 * 1024);
    expect(answer.status).to.equal(413);
    expect(answer.body.error.code).to.equal('RequestContentTooLarge');
  });

  it('a body just under the cap is read and judged on its content as before', async () => {
    const stack = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Resources/deploymentStacks/cf-under?api-version=2024-03-01`;
    const text = JSON.stringify({ location: 'westeurope', properties: { description: 'x'.repeat(maxRequestBytes - 200) } });
    const answer = await call(emu, 'PUT', stack, undefined, { rawBody: text });
    expect(answer.status).to.equal(400);
    expect(answer.body.error.code).to.not.equal('RequestContentTooLarge');
  });
});

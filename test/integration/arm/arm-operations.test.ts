// The long-running operations of arm/operation.ts (requests through an SDK client's pipeline,
// followed by the core-lro poller) against a scripted loopback server: Location and
// Azure-AsyncOperation monitors, a failed operation's own error, a refused first request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createDefaultHttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import { ArmRequestError, runOperation } from '@complianceflow/cli/arm/operation.ts';
import { explainArmError, formatArmError } from '@complianceflow/cli/arm-errors/index.ts';

describe('ARM long-running operations (core-lro poller) and their errors', () => {
  type Answer = { status: number; headers?: Record<string, string>; body?: unknown };
  let server: Server;
  let base: string;
  let script: Record<string, Answer[]>;
  const seen: string[] = [];
  // A bare HTTP client on loopback HTTP (the CLI's clients add the SDK pipeline: token, retries, TLS).
  const http = createDefaultHttpClient();
  const client = { sendRequest: (request: PipelineRequest) => http.sendRequest(Object.assign(request, { allowInsecureConnection: true })) };

  before(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push(`${req.method} ${path}`);
      const answer = script[`${req.method} ${path}`]?.shift() ?? { status: 500, body: { error: { code: 'Unscripted', message: path } } };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
  });

  it('follows a 202 + Location, poll by poll, to its final answer', async () => {
    script = {
      'POST /register': [{ status: 202, headers: { location: `${base}/op/1`, 'retry-after': '0' } }],
      'GET /op/1': [{ status: 202, headers: { location: `${base}/op/1`, 'retry-after': '0' } }, { status: 200, body: { registrationState: 'Registered' } }],
    };
    expect(await runOperation(client, 'POST', `${base}/register`, {}, { intervalInMs: 1 })).to.deep.equal({ registrationState: 'Registered' });
    expect(seen).to.deep.equal(['POST /register', 'GET /op/1', 'GET /op/1']);
  });

  it('a PUT answered at once is done without a poll; an Azure-AsyncOperation PUT reads the resource again', async () => {
    script = { 'PUT /r': [{ status: 200, body: { id: '/r', properties: {} } }] };
    expect(await runOperation(client, 'PUT', `${base}/r`, {}, { intervalInMs: 1 })).to.deep.equal({ id: '/r', properties: {} });
    expect(seen).to.deep.equal(['PUT /r']);
    seen.length = 0;
    script = {
      'PUT /r': [{ status: 201, headers: { 'azure-asyncoperation': `${base}/status/2` }, body: { properties: { provisioningState: 'Accepted' } } }],
      'GET /status/2': [{ status: 200, body: { status: 'Running' } }, { status: 200, body: { status: 'Succeeded' } }],
      'GET /r': [{ status: 200, body: { id: '/r', properties: { provisioningState: 'Succeeded' } } }],
    };
    expect(await runOperation(client, 'PUT', `${base}/r`, {}, { intervalInMs: 1 })).to.deep.equal({ id: '/r', properties: { provisioningState: 'Succeeded' } });
    expect(seen).to.deep.equal(['PUT /r', 'GET /status/2', 'GET /status/2', 'GET /r']);
  });

  it('a failed operation throws its own error (code, message, details), which the explainer reads', async () => {
    const inner = { code: 'QuotaExceeded', message: 'Operation could not be completed as it results in exceeding approved quota.' };
    script = {
      'PUT /budget': [{ status: 201, headers: { 'azure-asyncoperation': `${base}/status/3` } }],
      'GET /status/3': [{ status: 200, body: { status: 'Failed', error: { code: 'BudgetCreationFailed', message: 'The budget could not be created.', details: [inner] } } }],
    };
    const error = await runOperation(client, 'PUT', `${base}/budget`, {}, { intervalInMs: 1 }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ArmRequestError);
    expect(error).to.deep.include({ code: 'BudgetCreationFailed', message: 'The budget could not be created.', details: [inner] });
    expect(formatArmError(explainArmError(error)).join('\n')).to.include('BudgetCreationFailed').and.include('QuotaExceeded');
  });

  it('a refused first request is an ArmRequestError with its status and code', async () => {
    script = { 'PUT /stack': [{ status: 409, body: { error: { code: 'DeploymentStackInNonTerminalState', message: 'busy' } } }] };
    const error = await runOperation(client, 'PUT', `${base}/stack`, {}).then(() => undefined, (e: unknown) => e);
    expect(error).to.deep.include({ statusCode: 409, code: 'DeploymentStackInNonTerminalState', message: 'busy' });
    expect(seen).to.deep.equal(['PUT /stack']);
  });
});

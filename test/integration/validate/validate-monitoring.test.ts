// The monitoring check: the envelope and the query are pure functions tested directly; the send path
// and the Log Analytics query run for real (node:https, the real LogsQueryClient) against a loopback
// HTTPS server that plays ingestion and query: it keeps what it was sent and answers the query from
// that (an event shows up only after a delay, as ingestion lags), so nothing is hard-coded.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { logsQuery } from '@complianceflow/cli/validate/azure-target.ts';
import { eventEnvelope, eventQuery, monitoringCheckName, monitoringChecks, parseAppInsightsConnectionString, sendTelemetry, testEventName } from '@complianceflow/cli/validate/monitoring-checks.ts';
import { renderJson } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import type { MonitoringTarget } from '@complianceflow/cli/validate/targets.ts';
import { loadTls, type TlsMaterial } from '@complianceflow/arm-emulator/tls.ts';

const iKey = '6f1d0c2e-9a7b-4e3c-8d5f-2b1a0c9e8d7f';
const workspaceId = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-cf-westeu-test-1/providers/Microsoft.OperationalInsights/workspaces/log-cf-westeu-test-1';

interface Recorded { at: number; name: string; iKey: string; authorization?: string }

/** Ingestion (POST /v2.1/track) and Log Analytics (POST /v1/<resource id>/query) on one loopback server. */
function fakeMonitor(tls: TlsMaterial, options: { lagMs: number; requireToken: boolean }) {
  const events: Recorded[] = [];
  const requests: { path: string; contentType?: string; body: string }[] = [];
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', ...(req.headers['content-type'] === undefined ? {} : { contentType: req.headers['content-type'] }), body });
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.method === 'POST' && req.url === '/v2.1/track') {
        if (options.requireToken && !/^Bearer .+/.test(req.headers.authorization ?? '')) return json(401, { itemsReceived: 1, itemsAccepted: 0, errors: [{ index: 0, statusCode: 401, message: 'Authorization required' }] });
        const items = JSON.parse(body) as { iKey?: string; data?: { baseType?: string; baseData?: { name?: string } } }[];
        const accepted = items.filter((i) => i.iKey === iKey && i.data?.baseType === 'EventData' && typeof i.data.baseData?.name === 'string');
        for (const i of accepted) events.push({ at: Date.now(), name: i.data!.baseData!.name!, iKey: i.iKey!, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) });
        return json(200, { itemsReceived: items.length, itemsAccepted: accepted.length, errors: items.flatMap((i, index) => (accepted.includes(i) ? [] : [{ index, statusCode: 400, message: 'Invalid instrumentation key' }])) });
      }
      if (req.method === 'POST' && req.url === `/v1${workspaceId}/query`) {
        const query = (JSON.parse(body) as { query: string }).query;
        const name = /^AppEvents \| where Name == '([^']+)'/.exec(query)?.[1];
        const rows = events.filter((e) => e.name === name && Date.now() - e.at >= options.lagMs).map((e) => [new Date(e.at).toISOString(), e.name]);
        return json(200, { tables: [{ name: 'PrimaryResult', columns: [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Name', type: 'string' }], rows }] });
      }
      return json(404, { error: { code: 'NotFound', message: req.url } });
    });
  });
  return { server, events, requests };
}

describe('validate: monitoring (test telemetry found in Log Analytics)', function () {
  this.timeout(60_000);
  let root: string;
  let tls: TlsMaterial;
  let monitor: ReturnType<typeof fakeMonitor>;
  let origin: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'cf-validate-monitoring-'));
    tls = loadTls(root);
    monitor = fakeMonitor(tls, { lagMs: 700, requireToken: true });
    await new Promise<void>((resolve) => monitor.server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(monitor.server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => monitor?.server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  const connection = (): string => `InstrumentationKey=${iKey};IngestionEndpoint=${origin}/;LiveEndpoint=https://live.example/;ApplicationId=a1b2`;
  const target = (overrides: Partial<MonitoringTarget> = {}): MonitoringTarget => ({
    connectionString: connection(),
    workspaceResourceId: workspaceId,
    waitMs: 10_000,
    query: (kql) => logsQuery(new EmulatorCredential(), { endpoint: `${origin}/v1`, ca: tls.caPem })(workspaceId, kql),
    ingestionToken: async () => 'entra-token-for-monitor',
    ca: tls.caPem,
    ...overrides,
  });

  it('pure: connection string, envelope, query', () => {
    expect(parseAppInsightsConnectionString(`InstrumentationKey=${iKey};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com`)).to.deep.equal({ instrumentationKey: iKey, ingestionEndpoint: 'https://westeurope-5.in.applicationinsights.azure.com/' });
    expect(parseAppInsightsConnectionString('IngestionEndpoint=https://x/')).to.deep.equal({ problem: 'the connection string has no InstrumentationKey' });
    expect(parseAppInsightsConnectionString(`InstrumentationKey=${iKey}`)).to.deep.equal({ problem: 'the connection string has no https IngestionEndpoint' });
    const time = new Date('2026-11-29T06:00:00.000Z');
    expect(eventEnvelope(iKey, 'cf-validate-1', time, { deployment: 'westeu-test-1' })).to.deep.equal([{
      name: 'Microsoft.ApplicationInsights.Event',
      time: '2026-11-29T06:00:00.000Z',
      iKey,
      tags: { 'ai.cloud.role': 'cf-infra-validate', 'ai.internal.sdkVersion': 'cf-infra-validate:1' },
      data: { baseType: 'EventData', baseData: { ver: 2, name: 'cf-validate-1', properties: { source: 'cf-infra validate', deployment: 'westeu-test-1' } } },
    }]);
    expect(testEventName('abc')).to.equal('cf-validate-abc');
    expect(eventQuery('cf-validate-abc')).to.equal("AppEvents | where Name == 'cf-validate-abc' | project TimeGenerated, Name | take 1");
    expect(() => eventQuery("x' or 1==1")).to.throw(/must be letters, digits and dashes/);
  });

  it('sends the event with the connection string (bearer token), finds it through LogsQueryClient after the lag, reports how long it took', async () => {
    const results = await runChecks(monitoringChecks(target(), { pollIntervalMs: 200 }), { secrets: [connection()] });
    expect(results[0]!.name).to.equal(monitoringCheckName);
    expect(results[0]!.status, renderJson(results)).to.equal('pass');
    const sent = monitor.events.at(-1)!;
    expect(sent.authorization).to.equal('Bearer entra-token-for-monitor');
    expect(results[0]!.reason).to.match(new RegExp(`^event ${sent.name} sent and found in AppEvents of log-cf-westeu-test-1 after \\d+ m?s$`));
    const track = monitor.requests.find((r) => r.path === '/v2.1/track')!;
    expect(track.contentType).to.equal('application/json');
    expect(monitor.requests.filter((r) => r.path.endsWith('/query')).length).to.be.greaterThan(1);
  });

  it('not found within the wait: fails naming the event and the wait; a refused token fails naming the role; a wrong key is reported', async () => {
    const [never] = await runChecks(monitoringChecks(target({ waitMs: 400 }), { pollIntervalMs: 100 }));
    expect(never!.status).to.equal('fail');
    expect(never!.reason).to.match(/^event cf-validate-[0-9a-f-]+ was accepted by 127\.0\.0\.1:\d+ but not found in AppEvents of log-cf-westeu-test-1 within 400 ms/);
    const { ingestionToken: _omit, ...withoutToken } = target();
    const [refused] = await runChecks(monitoringChecks(withoutToken), { secrets: [connection()] });
    expect(refused!.status).to.equal('fail');
    expect(refused!.reason).to.match(/answered 401 \(Authorization required\): local authentication is disabled, so the caller needs an Entra token and the Monitoring Metrics Publisher role/);
    expect(refused!.reason).not.to.include(iKey);
    const wrongKey = `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${origin}/`;
    const answer = await sendTelemetry(parseAppInsightsConnectionString(wrongKey) as { instrumentationKey: string; ingestionEndpoint: string }, eventEnvelope('00000000-0000-0000-0000-000000000000', 'cf-validate-x', new Date()), { ca: tls.caPem, token: 't' });
    expect(answer).to.deep.equal({ itemsReceived: 1, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message: 'Invalid instrumentation key' }] });
  });
});

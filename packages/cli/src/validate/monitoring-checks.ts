// Monitoring: one custom event with a unique name, sent with the Application Insights connection
// string (its IngestionEndpoint, POST v2.1/track, the envelope of the classic ingestion API), must
// show up in the Log Analytics workspace the workspace-based Application Insights writes to (table
// AppEvents, column Name) within a bounded wait. The envelope and the query are pure functions; the
// send is node:https (so a test can trust its own CA), the query LogsQueryClient by default.
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { fail, pass, type CheckDefinition } from './model.ts';
import type { MonitoringTarget } from './targets.ts';

export const monitoringCheckName = 'monitoring: test telemetry found in Log Analytics';
export const defaultMonitoringWaitMs = 5 * 60_000;
export const ingestionScope = 'https://monitor.azure.com//.default';

export interface AppInsightsConnection {
  instrumentationKey: string;
  /** Ends with a slash. */
  ingestionEndpoint: string;
}

/** Pure: the instrumentation key and ingestion endpoint of a connection string, or what is wrong with it. */
export function parseAppInsightsConnectionString(text: string): AppInsightsConnection | { problem: string } {
  const fields = new Map(text.split(';').map((part) => part.trim()).filter((p) => p !== '').map((part) => {
    const at = part.indexOf('=');
    return [part.slice(0, at).toLowerCase(), part.slice(at + 1)] as const;
  }));
  const key = fields.get('instrumentationkey');
  const endpoint = fields.get('ingestionendpoint');
  if (key === undefined || key === '') return { problem: 'the connection string has no InstrumentationKey' };
  if (endpoint === undefined || !/^https:\/\/[^/\s]+/i.test(endpoint)) return { problem: 'the connection string has no https IngestionEndpoint' };
  return { instrumentationKey: key, ingestionEndpoint: endpoint.endsWith('/') ? endpoint : `${endpoint}/` };
}

/** Pure: the name of the test event (unique per run). */
export function testEventName(id: string): string {
  return `cf-validate-${id}`;
}

/** Pure: the ingestion envelope (one EventData item) for POST v2.1/track. */
export function eventEnvelope(instrumentationKey: string, name: string, time: Date, properties: Record<string, string> = {}): object[] {
  return [
    {
      name: 'Microsoft.ApplicationInsights.Event',
      time: time.toISOString(),
      iKey: instrumentationKey,
      tags: { 'ai.cloud.role': 'cf-infra-validate', 'ai.internal.sdkVersion': 'cf-infra-validate:1' },
      data: { baseType: 'EventData', baseData: { ver: 2, name, properties: { source: 'cf-infra validate', ...properties } } },
    },
  ];
}

/** Pure: the KQL that finds the event (workspace-based Application Insights: AppEvents, column Name). */
export function eventQuery(name: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`event name ${JSON.stringify(name)} must be letters, digits and dashes`);
  return `AppEvents | where Name == '${name}' | project TimeGenerated, Name | take 1`;
}

export interface TrackAnswer {
  itemsReceived: number;
  itemsAccepted: number;
  errors: { index?: number; statusCode?: number; message?: string }[];
}

/** Sends the envelope to <IngestionEndpoint>v2.1/track; resolves with the service's answer or throws naming the status. */
export function sendTelemetry(connection: AppInsightsConnection, body: object[], options: { ca?: string; token?: string; timeoutMs?: number } = {}): Promise<TrackAnswer> {
  const url = new URL('v2.1/track', connection.ingestionEndpoint);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      timeout: options.timeoutMs ?? 20_000,
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let answer: Partial<TrackAnswer> = {};
        try {
          answer = JSON.parse(text) as Partial<TrackAnswer>;
        } catch {
          // not JSON: the status says enough
        }
        if (response.statusCode !== 200 && response.statusCode !== 206) {
          const hint = response.statusCode === 401 || response.statusCode === 403
            ? ': local authentication is disabled, so the caller needs an Entra token and the Monitoring Metrics Publisher role on the Application Insights resource'
            : '';
          reject(new Error(`POST ${url.origin}${url.pathname} answered ${response.statusCode}${answer.errors?.[0]?.message === undefined ? '' : ` (${answer.errors[0].message})`}${hint}`));
          return;
        }
        resolve({ itemsReceived: answer.itemsReceived ?? 0, itemsAccepted: answer.itemsAccepted ?? 0, errors: answer.errors ?? [] });
      });
    });
    request.on('timeout', () => request.destroy(new Error(`POST ${url.origin}${url.pathname}: no answer within ${Math.round((options.timeoutMs ?? 20_000) / 1000)} s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Pure: a wait or an elapsed time in words (ms below a second). */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** Asks the query until it returns a row or the wait is over; the elapsed time, or undefined when never found. */
export async function waitForRows(query: () => Promise<unknown[][]>, waitMs: number, intervalMs: number, signal?: AbortSignal): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    if ((await query()).length > 0) return Date.now() - started;
    if (Date.now() - started + intervalMs > waitMs) return undefined;
    // Aborted (the check's time is up): no timer is left to keep the process alive.
    await sleep(intervalMs, undefined, signal === undefined ? {} : { signal });
  }
}

export function monitoringChecks(target: MonitoringTarget, options: { pollIntervalMs?: number } = {}): CheckDefinition[] {
  return [
    {
      name: monitoringCheckName,
      troubleshooting: 'monitoring',
      timeoutMs: target.waitMs + 60_000,
      async run(signal) {
        const connection = parseAppInsightsConnectionString(target.connectionString);
        if ('problem' in connection) return fail(`Application Insights: ${connection.problem} (Key Vault secret applicationinsights-connection-string)`);
        const name = testEventName(randomUUID());
        const token = target.ingestionToken === undefined ? undefined : await target.ingestionToken();
        const sent = await sendTelemetry(connection, eventEnvelope(connection.instrumentationKey, name, new Date()), { ...(target.ca === undefined ? {} : { ca: target.ca }), ...(token === undefined ? {} : { token }) });
        if (sent.itemsAccepted !== 1) return fail(`the ingestion endpoint accepted ${sent.itemsAccepted} of ${sent.itemsReceived} items: ${sent.errors.map((e) => `${e.statusCode ?? ''} ${e.message ?? ''}`.trim()).join('; ') || 'no reason given'}`);
        const kql = eventQuery(name);
        const tookMs = await waitForRows(() => target.query(kql, signal), target.waitMs, options.pollIntervalMs ?? 15_000, signal);
        return tookMs === undefined
          ? fail(`event ${name} was accepted by ${new URL(connection.ingestionEndpoint).host} but not found in AppEvents of ${target.workspaceResourceId.split('/').pop()} within ${duration(target.waitMs)} (ingestion can lag; raise --monitoring-wait, check sampling and the daily cap)`)
          : pass(`event ${name} sent and found in AppEvents of ${target.workspaceResourceId.split('/').pop()} after ${duration(tookMs)}`);
      },
    },
  ];
}

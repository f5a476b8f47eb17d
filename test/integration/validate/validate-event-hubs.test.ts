// The Event Hubs (Kafka) checks' failure paths for real with kafkajs: nothing listening at the
// bootstrap server, a TLS server that is not Kafka, an untrusted certificate; connection strings
// never in a reason nor in kafkajs's logs. And the consumer-group comparison (pure).
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import { consumerGroupDifferences, consumerGroupsChecks, entityPathOf, eventHubsProduceConsumeChecks, expectedConsumerGroups, kafkaConsumers, produceConsumeCheckName } from '@complianceflow/cli/validate/event-hubs-checks.ts';
import { renderJson, renderTable } from '@complianceflow/cli/validate/render.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import type { EventHubsTarget } from '@complianceflow/cli/validate/targets.ts';
import { loadTls, type TlsMaterial } from '@complianceflow/arm-emulator/tls.ts';

const connectionString = (hub: string, rule: string): string =>
  `Endpoint=sb://cfvalidate.servicebus.windows.net/;SharedAccessKeyName=${rule};SharedAccessKey=k3y-${rule}-${hub}-Zq8vX1w0pL5n;EntityPath=${hub}`;

function target(bootstrapServer: string, ca?: string): EventHubsTarget {
  return {
    bootstrapServer,
    hubs: ['user-events', 'case-events'].map((name) => ({ name, sendConnectionString: connectionString(name, 'send'), listenConnectionString: connectionString(name, 'listen') })),
    perHubTimeoutMs: 8000,
    ...(ca === undefined ? {} : { ca }),
  };
}

const secretsOf = (t: EventHubsTarget): string[] => t.hubs.flatMap((h) => [h.sendConnectionString, h.listenConnectionString]);

describe('validate: Event Hubs over Kafka (kafkajs), failure paths for real', function () {
  this.timeout(60_000);
  let root: string;
  let tls: TlsMaterial;
  let otherCa: TlsMaterial;
  let notKafka: https.Server;
  let notKafkaPort: number;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'cf-validate-kafka-'));
    tls = loadTls(mkdtempSync(path.join(root, 'ca-')));
    otherCa = loadTls(mkdtempSync(path.join(root, 'other-')));
    // A TLS server that speaks HTTP, not Kafka: it answers the Kafka request with 400 and closes.
    notKafka = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => notKafka.listen(0, '127.0.0.1', resolve));
    notKafkaPort = (notKafka.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise((resolve) => notKafka?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('nothing listening: fails naming the bootstrap server, within the bound, for every hub', async () => {
    const bootstrap = `127.0.0.1:${await findFreePort()}`;
    const t = target(bootstrap);
    const logs: string[] = [];
    const [result] = await runChecks(eventHubsProduceConsumeChecks(t, { log: (line) => logs.push(line) }), { secrets: secretsOf(t) });
    expect(result!.name).to.equal(produceConsumeCheckName);
    expect(result!.status).to.equal('fail');
    expect(result!.reason).to.match(new RegExp(`^2 of 2 hubs failed: user-events: Event Hubs \\(Kafka\\) at ${bootstrap} is not reachable \\(ECONNREFUSED\\)`));
    expect(result!.reason).to.include(`case-events: Event Hubs (Kafka) at ${bootstrap}`).and.not.include('timed out');
    for (const s of secretsOf(t)) expect(result!.reason + logs.join('\n')).not.to.include(s);
  });

  it('a TLS server that is not Kafka: fails clearly (no Kafka handshake), connection strings in no output', async () => {
    const t = target(`127.0.0.1:${notKafkaPort}`, tls.caPem);
    const logs: string[] = [];
    const results = await runChecks(eventHubsProduceConsumeChecks(t, { log: (line) => logs.push(line) }), { secrets: secretsOf(t) });
    const [result] = results;
    expect(result!.status).to.equal('fail');
    expect(result!.reason).to.match(/user-events: Event Hubs \(Kafka\) at 127\.0\.0\.1:\d+: the server did not answer the Kafka handshake/);
    const everything = `${result!.reason}\n${logs.join('\n')}\n${renderJson(results)}\n${renderTable(results)}`;
    expect(logs.length).to.be.greaterThan(0);
    for (const s of secretsOf(t)) expect(everything).not.to.include(s);
    expect(everything).not.to.include('SharedAccessKey=k3y');
  });

  it('a server certificate of another CA: fails naming the untrusted certificate', async () => {
    const t = target(`127.0.0.1:${notKafkaPort}`, otherCa.caPem);
    const [result] = await runChecks(eventHubsProduceConsumeChecks(t), { secrets: secretsOf(t) });
    expect(result!.status).to.equal('fail');
    expect(result!.reason).to.match(/the TLS certificate of Event Hubs \(Kafka\) at 127\.0\.0\.1:\d+ is not trusted/);
  });

  it('a connection string scoped to another hub fails before connecting; a bootstrap server that is not host:port too', async () => {
    const t = target('127.0.0.1:1');
    t.hubs[0]!.listenConnectionString = connectionString('case-events', 'listen');
    expect(entityPathOf(t.hubs[0]!.listenConnectionString)).to.equal('case-events');
    const [scoped] = await runChecks(eventHubsProduceConsumeChecks(t), { secrets: secretsOf(t) });
    expect(scoped!.reason).to.equal('the listen connection string of user-events is scoped to case-events');
    const [bad] = await runChecks(eventHubsProduceConsumeChecks({ ...target('cfvalidate.servicebus.windows.net') }));
    expect(bad!.reason).to.equal('the Kafka bootstrap server "cfvalidate.servicebus.windows.net" is not host:port (stack output messaging.kafkaBootstrapServer)');
  });

  it('consumer groups: only amqp consumers have Event Hubs (ARM) groups; Kafka consumers are named, never looked up (pure + the check)', async () => {
    const catalog = {
      protocols: { notification: 'amqp', analytics: 'amqp', review: 'kafka', user: 'kafka' } as const,
      eventHubs: [{ name: 'user-events', partitions: 2, consumers: ['notification', 'analytics', 'review'] }, { name: 'case-events', partitions: 2, consumers: ['analytics'] }, { name: 'review-events', partitions: 2, consumers: ['review'] }],
    };
    const expected = expectedConsumerGroups(catalog);
    expect(expected).to.deep.equal({ 'user-events': ['notification-consumer', 'analytics-consumer'], 'case-events': ['analytics-consumer'], 'review-events': [] });
    expect(kafkaConsumers(catalog)).to.deep.equal(['review']);
    expect(consumerGroupDifferences(expected, { 'user-events': ['notification-consumer', 'review-consumer'], 'case-events': ['analytics-consumer'], 'review-events': [], 'other-events': [] })).to.deep.equal([
      'user-events lacks analytics-consumer',
      'user-events has review-consumer the catalogue does not list',
      'hub other-events is not in the catalogue',
    ]);
    const existing = new Set(['user-events/notification-consumer', 'user-events/analytics-consumer']);
    const asked: string[] = [];
    const exists = async (hub: string, group: string) => (asked.push(`${hub}/${group}`), existing.has(`${hub}/${group}`));
    const [missing] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: ['review'], declared: expected, exists }));
    expect(missing).to.include({ status: 'fail', reason: '1 consumer group(s) do not exist: case-events/analytics-consumer' });
    expect(asked).to.deep.equal(['user-events/notification-consumer', 'user-events/analytics-consumer', 'case-events/analytics-consumer']);
    existing.add('case-events/analytics-consumer');
    const [ok] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: ['review'], declared: expected, exists }));
    expect(ok).to.include({ status: 'pass', reason: '3 consumer groups of amqp consumers exist (ARM) on 2 hubs, as the catalogue implies; Kafka consumers (review) have no Event Hubs consumer group to check: Event Hubs creates their Kafka groups on first use' });
    const [unconfirmed] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: [], declared: expected }));
    expect(unconfirmed!.status).to.equal('skipped');
    const [noOutput] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: [], declared: undefined }));
    expect(noOutput).to.include({ status: 'fail', reason: 'the stack output messaging.consumerGroups is missing: redeploy the messaging tier' });
    // An ARM group left for a service that now speaks Kafka is named: it proves nothing for that service.
    const [stale] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: ['review'], declared: { ...expected, 'review-events': ['review-consumer'] }, exists }));
    expect(stale).to.include({ status: 'fail', reason: 'messaging.consumerGroups differs from deployments/catalog.yaml (Event Hubs consumer groups of its amqp consumers): review-events has review-consumer the catalogue does not list' });
  });

  it('consumer groups with every consumer on Kafka (the catalogue today): skipped, saying why — never a pass that proves nothing', async () => {
    const catalog = { protocols: { notification: 'kafka', analytics: 'kafka' } as const, eventHubs: [{ name: 'user-events', partitions: 2, consumers: ['notification', 'analytics'] }] };
    const expected = expectedConsumerGroups(catalog);
    const [result] = await runChecks(consumerGroupsChecks({ expected, kafkaConsumers: kafkaConsumers(catalog), declared: expected, exists: async () => { throw new Error('must not be asked'); } }));
    expect(result).to.include({ status: 'skipped', reason: 'no consumer in deployments/catalog.yaml uses amqp, so no Event Hubs consumer group is expected; Kafka consumers (analytics, notification) have no Event Hubs consumer group to check: Event Hubs creates their Kafka groups on first use' });
  });
});

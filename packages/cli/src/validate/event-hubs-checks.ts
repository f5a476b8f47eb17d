// Event Hubs over the Kafka protocol with the real `kafkajs` client: SASL PLAIN over TLS to
// <namespace>.servicebus.windows.net:9093 (user `$ConnectionString`, password a hub's connection
// string), one message per hub produced with the hub's send-only string and consumed back with its
// listen-only string; and the Event Hubs consumer groups of the catalogue's amqp consumers exist
// (ARM resources). Kafka consumers have none to check: Event Hubs keeps Kafka consumer groups apart
// from its own and creates them on first use ("Kafka consumer groups on Event Hubs are fully distinct
// from standard Event Hubs consumer groups ... They are autocreated",
// https://learn.microsoft.com/azure/event-hubs/apache-kafka-frequently-asked-questions), so before a
// service has run, its Kafka group does not exist anywhere; what a Kafka consumer needs (the topic,
// its listen-only login, a group of its own) is what "produce and consume" proves.
//
// The consumer joins a Kafka group of its own, cf-validate-<uuid>, and commits nothing: on Event Hubs
// Kafka consumer groups are not the Event Hubs consumer groups <service>-consumer, so it can never
// take partitions from, or move the offsets of, a real service's group.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaConfig, LogEntry, Producer } from 'kafkajs';
import { fail, pass, skipped, type CheckDefinition, type CheckOutcome } from './model.ts';
import { maskSecrets } from './runner.ts';
import type { Catalog } from '../config/types.ts';
import { describeConnectionError, type ConsumerGroupsTarget, type EventHub, type EventHubsTarget } from './targets.ts';


export const produceConsumeCheckName = 'event hubs: produce and consume one message per hub (Kafka)';
export const consumerGroupsCheckName = 'event hubs: consumer groups exist';
export const defaultPerHubTimeoutMs = 45_000;
/** How long a producer's or consumer's disconnect may take (the check's margin covers two). */
const disconnectTimeoutMs = 5000;
export const kafkaUser = '$ConnectionString';

/** Pure: the EntityPath (hub) a connection string is scoped to, if any. */
export function entityPathOf(connectionString: string): string | undefined {
  return /(?:^|;)\s*EntityPath=([^;]+)/i.exec(connectionString)?.[1]?.trim();
}

/** Pure: the host and port of a bootstrap server (host:port). */
export function splitBootstrap(server: string): { host: string; port: number } | undefined {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(server.trim());
  return match === null ? undefined : { host: match[1]!, port: Number(match[2]) };
}

/** A kafkajs logCreator that masks the given secrets and hands each line to a sink (default: drops it). */
export function maskingLogCreator(secrets: readonly string[], sink: (line: string) => void = () => undefined): KafkaConfig['logCreator'] {
  return () => (entry: LogEntry) => {
    const { message, ...extra } = entry.log;
    sink(maskSecrets(`${entry.namespace} ${String(message)} ${JSON.stringify(extra)}`, secrets));
  };
}

interface KafkaOptions {
  target: EventHubsTarget;
  connectionString: string;
  timeoutMs: number;
  log?: (line: string) => void;
}

async function kafkaFor({ target, connectionString, timeoutMs, log }: KafkaOptions): Promise<Kafka> {
  // Loaded by the check that uses it: a deploy or --help that runs no Kafka check never loads kafkajs.
  const { default: kafkajs } = await import('kafkajs');
  const host = splitBootstrap(target.bootstrapServer)?.host ?? target.bootstrapServer;
  const step = Math.max(1000, Math.min(10_000, Math.floor(timeoutMs / 4)));
  return new kafkajs.Kafka({
    clientId: 'cf-infra-validate',
    brokers: [target.bootstrapServer],
    ssl: { servername: host, rejectUnauthorized: true, ...(target.ca === undefined ? {} : { ca: [target.ca] }) },
    sasl: { mechanism: 'plain', username: kafkaUser, password: connectionString },
    connectionTimeout: step,
    authenticationTimeout: step,
    requestTimeout: step,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
    logLevel: kafkajs.logLevel.WARN,
    logCreator: maskingLogCreator(target.hubs.flatMap((h) => [h.sendConnectionString, h.listenConnectionString]), log),
  });
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** An error of a hub's round trip in words (never the connection string: the caller masks too). */
export function describeKafkaError(error: unknown, bootstrapServer: string): string {
  const e = error as { name?: string; message?: string; code?: string; cause?: unknown; originalError?: unknown };
  const inner = (e.originalError ?? e.cause) as { code?: string; message?: string } | undefined;
  const where = `Event Hubs (Kafka) at ${bootstrapServer}`;
  if (e.name === 'KafkaJSSASLAuthenticationError') return `${where} refused the SASL PLAIN login (${kafkaUser}): the connection string is wrong, revoked or for another namespace (${e.message ?? ''})`;
  const code = inner?.code ?? e.code ?? /\b(E[A-Z]{4,}|[A-Z_]*CERT[A-Z_]*)\b/.exec(e.message ?? '')?.[1];
  if (code !== undefined) return describeConnectionError({ code, message: inner?.message ?? e.message }, where, undefined);
  if (/Closed connection|Connection closed|ECONNRESET|socket hang up|Invalid response|Response without match|Request .* timed out|size/i.test(e.message ?? '')) {
    return `${where}: the server did not answer the Kafka handshake (${e.message ?? e.name}): is the bootstrap server the namespace's Kafka endpoint (port 9093, Standard tier or above)?`;
  }
  return `${where}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}

/** Produces one message with a unique key (send-only string), consumes it back (listen-only string). */
async function roundTrip(target: EventHubsTarget, hub: EventHub, timeoutMs: number, log?: (line: string) => void): Promise<string> {
  const key = `cf-validate-${randomUUID()}`;
  const started = Date.now();
  const left = (): number => Math.max(1, timeoutMs - (Date.now() - started));
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  try {
    producer = (await kafkaFor({ target, connectionString: hub.sendConnectionString, timeoutMs, ...(log === undefined ? {} : { log }) })).producer({ allowAutoTopicCreation: false });
    await withDeadline(producer.connect(), left(), `connecting to ${target.bootstrapServer} to produce`);
    const [metadata] = await withDeadline(producer.send({ topic: hub.name, acks: -1, messages: [{ key, value: JSON.stringify({ validation: key, at: new Date().toISOString() }) }] }), left(), `producing to ${hub.name}`);
    if (metadata === undefined) throw new Error(`producing to ${hub.name}: no record metadata returned`);
    const offset = metadata.baseOffset ?? metadata.offset;
    if (offset === undefined) throw new Error(`producing to ${hub.name}: the broker reported no offset`);
    await withDeadline(producer.disconnect(), disconnectTimeoutMs, 'disconnecting the producer').catch(() => undefined);
    producer = undefined;

    // A Kafka group of its own, nothing committed: never a service's <service>-consumer group.
    consumer = (await kafkaFor({ target, connectionString: hub.listenConnectionString, timeoutMs, ...(log === undefined ? {} : { log }) })).consumer({ groupId: `cf-validate-${randomUUID()}`, maxWaitTimeInMs: 1000, retry: { retries: 1 } });
    await withDeadline(consumer.connect(), left(), `connecting to ${target.bootstrapServer} to consume`);
    await withDeadline(consumer.subscribe({ topic: hub.name, fromBeginning: false }), left(), `subscribing to ${hub.name}`);
    const active = consumer;
    const found = new Promise<void>((resolve, reject) => {
      active.on(active.events.CRASH, (event) => reject(event.payload.error));
      active.run({ autoCommit: false, eachMessage: async ({ partition, message }) => { if (partition === metadata.partition && message.key?.toString() === key) resolve(); } }).catch(reject);
    });
    active.seek({ topic: hub.name, partition: metadata.partition, offset });
    await withDeadline(found, left(), `consuming the message back from ${hub.name} (partition ${metadata.partition}, offset ${offset})`);
    return `${hub.name} (partition ${metadata.partition}, ${Date.now() - started} ms)`;
  } finally {
    // Bounded: a frozen broker never answers a consumer's LeaveGroup (issue 16: nothing hangs).
    await withDeadline(producer?.disconnect() ?? Promise.resolve(), disconnectTimeoutMs, 'disconnecting the producer').catch(() => undefined);
    await withDeadline(consumer?.disconnect() ?? Promise.resolve(), disconnectTimeoutMs, 'disconnecting the consumer').catch(() => undefined);
  }
}

function produceConsumeCheck(target: EventHubsTarget, log?: (line: string) => void): CheckDefinition {
  const perHub = target.perHubTimeoutMs ?? defaultPerHubTimeoutMs;
  const secrets = target.hubs.flatMap((h) => [h.sendConnectionString, h.listenConnectionString]);
  return {
    name: produceConsumeCheckName,
    troubleshooting: 'event-hubs',
    // Hubs run at once; the margin covers disconnects.
    timeoutMs: perHub + 15_000,
    async run(): Promise<CheckOutcome> {
      if (target.hubs.length === 0) return fail('no event hub to check: the catalogue lists none');
      if (splitBootstrap(target.bootstrapServer) === undefined) return fail(`the Kafka bootstrap server "${target.bootstrapServer}" is not host:port (stack output messaging.kafkaBootstrapServer)`);
      const scoped = target.hubs.flatMap((h) => [['send', h.sendConnectionString], ['listen', h.listenConnectionString]].flatMap(([kind, cs]) => {
        const path = entityPathOf(cs!);
        return path !== undefined && path !== h.name ? [`the ${kind} connection string of ${h.name} is scoped to ${path}`] : [];
      }));
      if (scoped.length > 0) return fail(scoped.join('; '));
      const outcomes = await Promise.all(target.hubs.map((hub) => roundTrip(target, hub, perHub, log).then((ok) => ({ ok }), (error: unknown) => ({ error: `${hub.name}: ${describeKafkaError(error, target.bootstrapServer)}` }))));
      const failed = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
      const reason = failed.length === 0
        ? pass(`produced and consumed one message on each of ${target.hubs.length} hubs over SASL PLAIN/TLS at ${target.bootstrapServer}: ${outcomes.map((o) => ('ok' in o ? o.ok : '')).join(', ')}`)
        : fail(`${failed.length} of ${target.hubs.length} hubs failed: ${failed.join('; ')}`);
      return { status: reason.status, reason: maskSecrets(reason.reason, secrets) };
    },
  };
}

/** Pure: differences between the groups the catalogue implies and those the stack declares. */
export function consumerGroupDifferences(expected: Record<string, string[]>, declared: Record<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [hub, groups] of Object.entries(expected)) {
    const have = declared[hub];
    if (have === undefined) {
      problems.push(`hub ${hub} is not in the output`);
      continue;
    }
    const missing = groups.filter((g) => !have.includes(g));
    const extra = have.filter((g) => !groups.includes(g));
    if (missing.length > 0) problems.push(`${hub} lacks ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`${hub} has ${extra.join(', ')} the catalogue does not list`);
  }
  for (const hub of Object.keys(declared)) if (!(hub in expected)) problems.push(`hub ${hub} is not in the catalogue`);
  return problems;
}

function consumerGroupsCheck(target: ConsumerGroupsTarget): CheckDefinition {
  return {
    name: consumerGroupsCheckName,
    troubleshooting: 'event-hubs',
    timeoutMs: 60_000,
    async run() {
      if (target.declared === undefined) return fail('the stack output messaging.consumerGroups is missing: redeploy the messaging tier');
      const differences = consumerGroupDifferences(target.expected, target.declared);
      if (differences.length > 0) return fail(`messaging.consumerGroups differs from deployments/catalog.yaml (Event Hubs consumer groups of its amqp consumers): ${differences.join('; ')}`);
      const pairs = Object.entries(target.expected).flatMap(([hub, groups]) => groups.map((group) => ({ hub, group })));
      const kafka = target.kafkaConsumers.length === 0 ? '' : `; Kafka consumers (${target.kafkaConsumers.join(', ')}) have no Event Hubs consumer group to check: Event Hubs creates their Kafka groups on first use`;
      if (pairs.length === 0) return skipped(`no consumer in deployments/catalog.yaml uses amqp, so no Event Hubs consumer group is expected${kafka}`);
      if (target.exists === undefined) return skipped(`the outputs declare the ${pairs.length} consumer groups of the amqp consumers, but there is no ARM access here to confirm they exist${kafka}`);
      const absent: string[] = [];
      for (const { hub, group } of pairs) if (!(await target.exists(hub, group))) absent.push(`${hub}/${group}`);
      return absent.length === 0
        ? pass(`${pairs.length} consumer groups of amqp consumers exist (ARM) on ${Object.keys(target.expected).filter((h) => target.expected[h]!.length > 0).length} hubs, as the catalogue implies${kafka}`)
        : fail(`${absent.length} consumer group(s) do not exist: ${absent.join(', ')}`);
    },
  };
}

export function eventHubsProduceConsumeChecks(target: EventHubsTarget, options: { log?: (line: string) => void } = {}): CheckDefinition[] {
  return [produceConsumeCheck(target, options.log)];
}

export function consumerGroupsChecks(target: ConsumerGroupsTarget): CheckDefinition[] {
  return [consumerGroupsCheck(target)];
}

/** Pure: hub → <consumer>-consumer for its amqp consumers, as the messaging tier creates them in ARM (Kafka consumers get none). */
export function expectedConsumerGroups(catalog: Pick<Catalog, 'eventHubs' | 'protocols'>): Record<string, string[]> {
  return Object.fromEntries(catalog.eventHubs.map((hub) => [hub.name, hub.consumers.filter((c) => catalog.protocols[c] === 'amqp').map((c) => `${c}-consumer`)]));
}

/** Pure: the consuming services that use Kafka (their groups are created by Event Hubs on first use). */
export function kafkaConsumers(catalog: Pick<Catalog, 'eventHubs' | 'protocols'>): string[] {
  return [...new Set(catalog.eventHubs.flatMap((hub) => hub.consumers))].filter((c) => catalog.protocols[c] === 'kafka').sort();
}

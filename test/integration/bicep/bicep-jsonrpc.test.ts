import { expect } from 'chai';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandTemplate, openBicep, type Bicep } from '@complianceflow/core/bicep/index.ts';
import { BicepRpcClient } from '@complianceflow/core/bicep/jsonrpc.ts';
import { projectBicepPath } from '@complianceflow/core/bicep/paths.ts';
import { parseCliDiagnostics } from '@complianceflow/core/bicep/process-per-file.ts';
import { CliError } from '@complianceflow/core/errors.ts';

const zero = '00000000-0000-0000-0000-000000000000';

const files: Record<string, string> = {
  'good.bicep': `targetScope = 'subscription'
param location string
param name string
resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: name
  location: location
  tags: { app: 'complianceflow' }
}
output id string = rg.id
`,
  'good.bicepparam': `using './good.bicep'
param location = 'westeurope'
param name = 'rg-cf-test'
`,
  'lint.bicep': `param unused string
param location string = 'westeurope'
output where string = location
`,
  'broken.bicep': `param location string
output count int = location
`,
  'broken.bicepparam': `using './good.bicep'
param location = 3
param name = 'x'
`,
  // What the ARM emulator does: an ARM template (with a nested deployment) + a .bicepparam using it.
  'template.json': JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { account: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2025-01-01', name: "[parameters('account')]", location: '[resourceGroup().location]', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'nested',
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          template: {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [{ type: 'Microsoft.Network/virtualNetworks', apiVersion: '2024-05-01', name: 'vnet-a', location: 'westeurope', properties: { addressSpace: { addressPrefixes: ['10.0.0.0/16'] } } }],
          },
        },
      },
    ],
  }),
  'template.bicepparam': `using './template.json'
param account = 'stcftest'
`,
};

describe('bicep jsonrpc client (real Bicep CLI)', () => {
  let dir: string;
  let bicep: Bicep;
  const file = (name: string) => path.join(dir, name);

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-rpc-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(file(name), text);
    bicep = await openBicep({ locate: { env: { BICEP_PATH: projectBicepPath } } });
  });
  after(async () => {
    await bicep?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compiles a clean file to an ARM template', async () => {
    const compiled = await bicep.compile(file('good.bicep'));
    expect(compiled.diagnostics).to.deep.equal([]);
    const resources = compiled.template['resources'] as { type: string }[];
    expect(resources.map((r) => r.type)).to.deep.equal(['Microsoft.Resources/resourceGroups']);
  });

  it('reports a lint warning with file:line:col and the rule, and fails on it in strict mode', async () => {
    const lenient = await bicep.compile(file('lint.bicep'), { strict: false });
    expect(lenient.diagnostics.map((d) => [d.level, d.code, d.range.start.line])).to.deep.equal([['Warning', 'no-unused-params', 0]]);
    const error = await bicep.compile(file('lint.bicep')).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.include('1 warning(s) (warnings are errors here)');
    expect((error as Error).message).to.include(`${file('lint.bicep')}:1:7: Warning no-unused-params: Parameter "unused" is declared but never used.`);
  });

  it('refuses a file that does not compile, naming the line', async () => {
    const error = await bicep.compile(file('broken.bicep'), { strict: false }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.include(`${file('broken.bicep')}:2:20: Error BCP033: Expected a value of type "int" but the provided value is of type "string".`);
  });

  it('refuses a file that does not exist', async () => {
    const error = await bicep.compile(file('missing.bicep')).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.include('bicep bicep/compile failed').and.include('missing.bicep');
  });

  it('compiles a parameters file (parameters and template)', async () => {
    const compiled = await bicep.compileParams(file('good.bicepparam'));
    expect(compiled.parameters['parameters']).to.deep.equal({ location: { value: 'westeurope' }, name: { value: 'rg-cf-test' } });
    expect(compiled.template['$schema']).to.include('subscriptionDeploymentTemplate');
  });

  it('takes the snapshot of a subscription-scope template', async () => {
    const snapshot = await bicep.snapshot(file('good.bicepparam'), { tenantId: zero, subscriptionId: zero, location: 'westeurope', deploymentName: 'cf-test' });
    expect(snapshot.predictedResources).to.deep.equal([
      { id: `/subscriptions/${zero}/resourceGroups/rg-cf-test`, type: 'Microsoft.Resources/resourceGroups', name: 'rg-cf-test', apiVersion: '2025-04-01', location: 'westeurope', tags: { app: 'complianceflow' } },
    ]);
    expect(snapshot.outputs).to.deep.equal({ id: `/subscriptions/${zero}/resourceGroups/rg-cf-test` });
  });

  it('expands an ARM template.json with a nested deployment at resource-group scope (the emulator case)', async () => {
    const snapshot = await bicep.snapshot(file('template.bicepparam'), { tenantId: zero, subscriptionId: zero, resourceGroup: 'rg-emu', location: 'westeurope', deploymentName: 'emu' });
    expect(snapshot.predictedResources.map((r) => [r['type'], r['id'], r['location']])).to.deep.equal([
      ['Microsoft.Storage/storageAccounts', `/subscriptions/${zero}/resourceGroups/rg-emu/providers/Microsoft.Storage/storageAccounts/stcftest`, 'westeurope'],
      ['Microsoft.Network/virtualNetworks', `/subscriptions/${zero}/resourceGroups/rg-emu/providers/Microsoft.Network/virtualNetworks/vnet-a`, 'westeurope'],
    ]);
  });

  it('expandTemplate: a submitted template and its ARM-shaped parameters, without files of the caller', async () => {
    const snapshot = await expandTemplate(bicep, {
      template: JSON.parse(files['template.json']!) as Record<string, unknown>,
      parameters: { account: { value: "st'quoted" } },
      armShape: true,
      metadata: { tenantId: zero, subscriptionId: zero, resourceGroup: 'rg-emu', location: 'westeurope', deploymentName: 'emu' },
    });
    expect(snapshot.predictedResources.map((r) => r['name'])).to.deep.equal(["st'quoted", 'vnet-a']);
  });

  it('explains a snapshot that fails with the compiler diagnostics', async () => {
    const error = await bicep.snapshot(file('broken.bicepparam'), { subscriptionId: zero }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(CliError);
    expect((error as Error).message).to.include(`${file('broken.bicepparam')}:2:18: Error BCP033`);
  });

  it('formats a file', async () => {
    writeFileSync(file('ugly.bicep'), "param   location   string='westeurope'\noutput  where string=location\n");
    expect(await bicep.format(file('ugly.bicep'))).to.equal("param location string = 'westeurope'\noutput where string = location\n");
  });

  it('serves concurrent requests on one process, each answer to its own request', async () => {
    const [good, lint, params, formatted] = await Promise.all([
      bicep.compile(file('good.bicep')),
      bicep.compile(file('lint.bicep'), { strict: false }),
      bicep.compileParams(file('good.bicepparam')),
      bicep.format(file('lint.bicep')),
    ]);
    expect(good.diagnostics).to.deep.equal([]);
    expect(Object.keys(good.template['outputs'] as object)).to.deep.equal(['id']);
    expect(lint.diagnostics.map((d) => d.code)).to.deep.equal(['no-unused-params']);
    expect(Object.keys(lint.template['outputs'] as object)).to.deep.equal(['where']);
    expect(params.parameters['parameters']).to.deep.equal({ location: { value: 'westeurope' }, name: { value: 'rg-cf-test' } });
    expect(formatted).to.equal(files['lint.bicep']);
  });
});

/** A request that fails with a CliError, and a later one that fails the same way; returns the message. */
async function failsNowAndLater(client: BicepRpcClient): Promise<string> {
  const first = await client.request('bicep/version', {}).then(() => undefined, (e: unknown) => e);
  expect(first).to.be.instanceOf(CliError);
  const later = await client.request('bicep/version', {}).then(() => undefined, (e: unknown) => e);
  expect((later as Error).message).to.equal((first as Error).message);
  return (first as Error).message;
}

describe('bicep jsonrpc framing and process lifetime', () => {
  /** A stand-in `bicep jsonrpc --stdio` written in the test: `answer` runs once `count` requests are in. */
  function fakeBicep(dir: string, count: number, answer: string): string {
    const script = path.join(dir, 'bicep');
    writeFileSync(
      script,
      `#!${process.execPath}
let buffer = Buffer.alloc(0);
const requests = [];
const framed = (message) => { const body = Buffer.from(JSON.stringify(message)); return Buffer.concat([Buffer.from('Content-Length: ' + body.length + '\\r\\n\\r\\n'), body]); };
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\\r\\n\\r\\n');
    if (end < 0) break;
    const size = Number(/Content-Length: (\\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + size) break;
    requests.push(JSON.parse(buffer.subarray(end + 4, end + 4 + size).toString()));
    buffer = buffer.subarray(end + 4 + size);
  }
  if (requests.length === ${count}) { ${answer} }
});
`,
    );
    chmodSync(script, 0o755);
    return script;
  }

  it('pairs answers sent out of order, split into 3-byte chunks inside multi-byte characters, with their requests', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-fake-'));
    // Answers in reverse order, 'bad' with Bicep's error shape, the bytes dribbled out 3 at a time.
    const client = new BicepRpcClient(
      fakeBicep(
        dir,
        3,
        `const out = Buffer.concat(requests.reverse().map((r) => framed(r.params.path === 'bad'
          ? { jsonrpc: '2.0', id: r.id, error: { code: -32000, message: 'Request failed', data: { message: 'no such file: bad' } } }
          : { jsonrpc: '2.0', id: r.id, result: { contents: 'é€ ' + r.params.path } })));
        let at = 0;
        const step = () => { if (at < out.length) { process.stdout.write(out.subarray(at, at + 3)); at += 3; setTimeout(step, 1); } };
        step();`,
      ),
    );
    try {
      const answers = await Promise.all(['a', 'bad', 'b'].map((p) => client.request('bicep/format', { path: p }).then((r) => r.contents, (e: unknown) => e)));
      expect(answers[0]).to.equal('é€ a');
      expect(answers[1]).to.be.instanceOf(CliError);
      expect((answers[1] as Error).message).to.equal('bicep bicep/format failed: no such file: bad');
      expect(answers[2]).to.equal('é€ b');
    } finally {
      await client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed answer (no Content-Length) and every request after it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-bad-'));
    const client = new BicepRpcClient(fakeBicep(dir, 1, `process.stdout.write('Content-Type: text/plain\\r\\n\\r\\n{}');`));
    try {
      expect(await failsNowAndLater(client)).to.match(/^bicep jsonrpc sent a malformed message: .*Content-Length/);
    } finally {
      await client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects pending and later requests when the process ends, with its exit code and stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-dead-'));
    const dead = path.join(dir, 'bicep');
    writeFileSync(dead, '#!/bin/sh\nread line\necho "something broke" >&2\nexit 3\n');
    chmodSync(dead, 0o755);
    const client = new BicepRpcClient(dead);
    try {
      expect(await failsNowAndLater(client)).to.equal(`the bicep jsonrpc process (${dead}) ended (exit code 3): something broke`);
    } finally {
      await client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects requests after dispose', async () => {
    const client = new BicepRpcClient(projectBicepPath);
    expect((await client.request('bicep/version', {})).version).to.equal('0.49.2');
    await client.dispose();
    const error = await client.request('bicep/version', {}).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.equal('the bicep jsonrpc client was disposed');
  });
});

describe('bicep process-per-file fallback (real Bicep CLI)', () => {
  let dir: string;
  let bicep: Bicep;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-bicep-cli-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    bicep = await openBicep({ mode: 'process-per-file', locate: { env: { BICEP_PATH: projectBicepPath } } });
  });
  after(async () => {
    await bicep?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses the CLI diagnostics format', () => {
    const stderr = '/a/b.bicep(4,49) : Warning use-recent-api-versions: Use a more recent API version. [https://aka.ms/bicep/linter-diagnostics#use-recent-api-versions]\n';
    expect(parseCliDiagnostics(stderr + stderr)).to.deep.equal([
      { source: '/a/b.bicep', range: { start: { line: 3, char: 48 }, end: { line: 3, char: 48 } }, level: 'Warning', code: 'use-recent-api-versions', message: 'Use a more recent API version.' },
    ]);
  });

  it('gives the same diagnostics and snapshot as the jsonrpc client, and leaves no snapshot file behind', async () => {
    const error = await bicep.compile(path.join(dir, 'broken.bicep'), { strict: false }).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).to.include(`${path.join(dir, 'broken.bicep')}:2:20: Error BCP033`);
    const snapshot = await bicep.snapshot(path.join(dir, 'good.bicepparam'), { tenantId: zero, subscriptionId: zero, location: 'westeurope', deploymentName: 'cf-test' });
    expect(snapshot.predictedResources.map((r) => r['id'])).to.deep.equal([`/subscriptions/${zero}/resourceGroups/rg-cf-test`]);
    expect(existsSync(path.join(dir, 'good.snapshot.json'))).to.equal(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.snapshot.json'))).to.deep.equal([]);
  });
});

// Key Vault after a deploy into the ARM emulator (in this process, latency 0, real Azurite, real SDK
// clients over HTTPS): the template-written secrets are readable in the vault's data plane; the
// deploy's secrets phase creates every missing generated secret (the PostgreSQL admin password the
// server was created with among them) and a second deploy keeps them (same versions); no value in
// any output or report; the Key Vault check passes, and fails naming a deleted secret; a soft-deleted
// generated secret fails the next deploy's secrets phase (never overwritten, never silently replaced).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import type { ArmClients } from '@complianceflow/cli/arm/clients.ts';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import type { DeployResult } from '@complianceflow/cli/deploy/pipeline.ts';
import { main } from '@complianceflow/cli/cli.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { secretClient } from '@complianceflow/cli/secrets/client.ts';
import { expectedSecrets, vaultOf } from '@complianceflow/cli/secrets/expected.ts';
import { postDeploySecrets } from '@complianceflow/cli/secrets/names.ts';
import { keyVaultCheckName, keyVaultChecksFor, readSecrets } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { runChecks } from '@complianceflow/cli/validate/runner.ts';
import type { RunningEmulator } from '@complianceflow/arm-emulator/index.ts';
import { deployInto, reportTexts, startEmulatorWorld, startServices, type EmulatorWorld, type Services } from '../../support/world.ts';
import { repoRoot } from '@complianceflow/core/repo-root.ts';

const deployment = 'westeu-test-1';

describe('Key Vault secrets after a deploy (emulator + Azurite, real SDK clients)', function () {
  this.timeout(240_000);
  let shared: Services;
  let world: EmulatorWorld;
  let emulator: RunningEmulator;
  let clients: ArmClients;
  let services: string[];
  let first: DeployResult & { lines: string[]; texts: string };
  /** Every secret value read from the vault: none may appear in any output. */
  const values: string[] = [];

  const access = () => ({ credential: new EmulatorCredential(), emulatorCaPem: emulator.caPem, retryOptions: { maxRetries: 0 } });

  async function deploy(): Promise<DeployResult & { lines: string[]; texts: string }> {
    const result = await deployInto(shared, world, deployment);
    const texts = result.reportDir === undefined ? '' : await reportTexts(result.reportDir);
    return { ...result, texts };
  }

  const expectNoValue = (text: string): void => {
    for (const v of values) {
      const at = text.indexOf(v);
      expect(at, `a secret value appears in the output: …${text.slice(Math.max(0, at - 120), at)}<value>`).to.equal(-1);
    }
  };

  before(async () => {
    shared = await startServices();
    world = await startEmulatorWorld(shared);
    ({ emulator, clients } = world);
    services = (JSON.parse(JSON.stringify((await import('yaml')).parse(await readFile(path.join(repoRoot, 'deployments/catalog.yaml'), 'utf8')))) as { services: string[] }).services;
    first = await deploy();
  });
  after(async () => {
    await world?.close();
    await shared?.close();
  });

  it('the stack output security.keyVaultUri leads to the emulator', () => {
    expect(first.exitCode, first.lines.join('\n')).to.equal(ExitCode.Success);
    const vault = vaultOf(first.stack);
    expect(vault?.url).to.match(new RegExp(`^${emulator.endpoint}/keyvault/kv-cf-`));
  });

  it('the template-written secrets (Application Insights, Event Hubs) are readable with their values', async () => {
    const expected = expectedSecrets(first.stack, services);
    expect(expected.templateWritten).to.include('applicationinsights-connection-string');
    expect(expected.templateWritten.filter((n) => /^eventhub-.*-(send|listen)-connection-string$/.test(n)).length).to.be.greaterThan(1);
    const reads = await readSecrets(vaultOf(first.stack)!.url, expected.templateWritten, access());
    for (const r of reads) {
      expect(r.readable, `${r.name}: ${r.readable ? '' : r.reason}`).to.equal(true);
      if (r.readable) values.push(r.value);
    }
    const byName = new Map(reads.map((r) => [r.name, r]));
    const ai = byName.get('applicationinsights-connection-string');
    expect(ai?.readable && ai.value).to.match(/^InstrumentationKey=/);
    const send = reads.find((r) => r.name.endsWith('-send-connection-string'));
    expect(send?.readable && send.value).to.match(/^Endpoint=sb:\/\/.*SharedAccessKeyName=.*send/i);
  });

  it('the secrets phase created every generated secret once (names reported, operator secret listed as missing)', async () => {
    const secrets = first.report?.secrets;
    expect(secrets, first.lines.join('\n')).to.not.equal(undefined);
    const generated = expectedSecrets(first.stack, services).required.filter((n) => !n.includes('connection-string'));
    expect(generated).to.include.members(['postgresql-admin-password', 'jwt-signing-key', 'jwt-refresh-signing-key', ...services.map((s) => `postgresql-${s}-password`)]);
    expect(secrets!.created.sort()).to.deep.equal([...generated].sort());
    expect(secrets!.kept).to.deep.equal([]);
    expect(secrets!.operatorMissing).to.deep.equal(postDeploySecrets.filter((s) => s.source === 'operator').map((s) => s.name));
    expect(first.report!.phases.map((p) => p.name)).to.include('secrets');
    expect(first.lines.join('\n')).to.contain('az keyvault secret set --vault-name kv-cf-');
    const client = secretClient(secrets!.vault, access());
    for (const name of generated) {
      const s = await client.getSecret(name);
      const bytes = postDeploySecrets.find((d) => d.name === name || (d.name.includes('<service>') && name.startsWith('postgresql-')))!.bytes!;
      expect(s.value!.length, name).to.equal(Math.ceil((bytes * 4) / 3));
      expect(s.properties.tags).to.include({ source: 'post-deploy', deployment });
      expect(s.properties.expiresOn!.getTime()).to.be.greaterThan(Date.now() + 170 * 24 * 3600 * 1000);
      values.push(s.value!);
    }
    expect(new Set(values).size).to.equal(values.length);
  });

  it('the PostgreSQL server was created with a new password, stored in Key Vault; the stack never answers with it (a secure parameter)', async () => {
    const stackGet = await clients.stacks.deploymentStacks.getAtSubscription(first.stack!.name!);
    expect((stackGet.properties?.parameters as Record<string, { value?: unknown }> | undefined)?.postgresAdministratorPassword).to.deep.equal({});
    expect(first.report!.secrets!.created).to.include('postgresql-admin-password');
    const stored = (await secretClient(vaultOf(first.stack)!.url, access()).getSecret('postgresql-admin-password')).value;
    expect(stored).to.be.a('string').with.length.greaterThan(40);
  });

  it('no secret value appears in the deploy output or its run report', () => {
    expect(values.length).to.be.greaterThan(10);
    expectNoValue(first.lines.join('\n'));
    expectNoValue(first.texts);
    expect(first.texts).to.contain('Secrets (Key Vault):');
  });

  it('a second deploy keeps every secret unchanged (same versions); without the admin password it changes nothing but the fed-back zone', async () => {
    const url = vaultOf(first.stack)!.url;
    const names = expectedSecrets(first.stack, services).required;
    const before = await readSecrets(url, names, access());
    const second = await deploy();
    expect(second.exitCode, second.lines.join('\n')).to.equal(ExitCode.Success);
    expect(second.report!.secrets!.created).to.deep.equal([]);
    // The server exists: no admin password is passed, and that is no change (a write-only property).
    // What it creates is the second deploy's shape only (the environment's default domain fed back).
    const changed = second.whatIf!.changes.filter((c) => c.kind !== 'noChange' && c.kind !== 'ignore');
    expect([...new Set(changed.map((c) => `${c.kind} ${c.type}`))].sort()).to.deep.equal([
      'create Microsoft.Network/privateDnsZones',
      'create Microsoft.Network/privateDnsZones/A',
      'create Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    ]);
    expect(second.report!.secrets!.kept.length).to.equal(first.report!.secrets!.created.length);
    const after = await readSecrets(url, names, access());
    expect(after.map((r) => (r.readable ? r.version : r.reason))).to.deep.equal(before.map((r) => (r.readable ? r.version : r.reason)));
    expectNoValue(second.lines.join('\n'));
    expectNoValue(second.texts);
  });

  it('the Key Vault check passes as the workload identity, and fails naming a deleted secret (values masked)', async () => {
    const checks = keyVaultChecksFor(first.stack, services, { kind: 'emulator', caPem: emulator.caPem });
    expect(Array.isArray(checks)).to.equal(true);
    const [ok] = await runChecks(checks as never);
    expect(ok!.name).to.equal(keyVaultCheckName);
    expect(ok!.status, ok!.reason).to.equal('pass');
    expect(ok!.reason).to.contain('the workload identity').and.contain('azuread-client-secret');
    const client = secretClient(vaultOf(first.stack)!.url, access());
    await (await client.beginDeleteSecret('jwt-signing-key', { intervalInMs: 10 })).pollUntilDone();
    const current = await client.getSecret('postgresql-admin-password');
    await client.updateSecretProperties('postgresql-admin-password', current.properties.version!, { enabled: false });
    const [bad] = await runChecks(keyVaultChecksFor(first.stack, services, { kind: 'emulator', caPem: emulator.caPem }) as never);
    expect(bad!.status).to.equal('fail');
    expect(bad!.reason).to.match(/missing: jwt-signing-key/).and.match(/disabled: postgresql-admin-password/);
    expect(bad!.troubleshooting).to.equal('docs/infrastructure/Validation.md#key-vault');
    expectNoValue(JSON.stringify([ok, bad]));
    await client.updateSecretProperties('postgresql-admin-password', current.properties.version!, { enabled: true });
  });

  /** Runs the CLI in this process against this emulator and Azurite, capturing stdout and stderr. */
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const saved = { ...process.env };
    const log = console.log;
    const error = console.error;
    const out: string[] = [];
    const err: string[] = [];
    Object.assign(process.env, { ARM_EMULATOR_ENDPOINT: emulator.endpoint, ARM_EMULATOR_CA: emulator.caPath, ARM_EMULATOR_SUBSCRIPTION_ID: emulator.subscriptionId, AZURITE_BLOB_PORT: String(shared.azurite.port) });
    console.log = (...a: unknown[]) => void out.push(a.join(' '));
    console.error = (...a: unknown[]) => void err.push(a.join(' '));
    try {
      return { code: await main(args), out: out.join('\n'), err: err.join('\n') };
    } finally {
      console.log = log;
      console.error = error;
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  }

  it('cf-infra secrets --check lists the state of every expected secret (names only) and fails naming the soft-deleted one', async () => {
    const r = await cli(['secrets', deployment, '--emulator', '--check', '--json']);
    expect(r.code, r.err).to.equal(ExitCode.Failed);
    const listed = JSON.parse(r.out) as { secrets: { name: string; source: string; state: string }[] };
    const state = new Map(listed.secrets.map((s) => [s.name, s]));
    expect(state.get('jwt-signing-key')).to.include({ source: 'generated', state: 'deleted' });
    expect(state.get('applicationinsights-connection-string')).to.include({ source: 'template', state: 'ok' });
    expect(state.get('azuread-client-secret')).to.include({ source: 'operator', state: 'missing' });
    const text = await cli(['secrets', deployment, '--emulator', '--check']);
    expect(text.code).to.equal(ExitCode.Failed);
    expect(text.err).to.contain('jwt-signing-key (deleted)').and.contain('Validation.md#key-vault');
    expectNoValue(r.out + r.err + text.out + text.err);
  });

  it('cf-infra secrets: bad input is exit 2 before anything starts', async () => {
    expect((await cli(['secrets'])).code).to.equal(ExitCode.BadInput);
    expect((await cli(['secrets', deployment, '--emulator', '--bogus'])).code).to.equal(ExitCode.BadInput);
    const unknown = await cli(['secrets', 'nowhere-test-9', '--emulator']);
    expect(unknown.code).to.equal(ExitCode.BadInput);
    expect(unknown.err).to.contain('unknown deployment');
  });

  it('a soft-deleted generated secret is not replaced: the next deploy fails naming it, and passes once it is recovered', async () => {
    const third = await deploy();
    expect(third.exitCode).to.equal(ExitCode.Failed);
    expect(third.report!.error!.message).to.contain('jwt-signing-key').and.contain('deleted state');
    expect(third.report!.error!.hint).to.contain('Validation.md#key-vault');
    const client = secretClient(vaultOf(first.stack)!.url, access());
    await (await client.beginRecoverDeletedSecret('jwt-signing-key', { intervalInMs: 10 })).pollUntilDone();
    const fourth = await deploy();
    expect(fourth.exitCode, fourth.lines.join('\n')).to.equal(ExitCode.Success);
    expect(fourth.report!.secrets!.created).to.deep.equal([]);
    expectNoValue(third.lines.join('\n') + third.texts + fourth.lines.join('\n') + fourth.texts);
  });

  /** The administrator password the emulator's PostgreSQL server was last given (write-only: only its state has it). */
  const serverPassword = async (): Promise<unknown> => {
    const state = JSON.parse(await readFile(path.join(emulator.stateDir, 'state.json'), 'utf8')) as { resources: Record<string, { type: string; declared: { properties?: { administratorLoginPassword?: unknown } } }> };
    const server = Object.values(state.resources).find((r) => r.type.toLowerCase() === 'microsoft.dbforpostgresql/flexibleservers');
    return server?.declared.properties?.administratorLoginPassword;
  };

  it('cf-infra secrets creates purged generated secrets again, once (a new admin password also on the server); --check then passes', async () => {
    const client = secretClient(vaultOf(first.stack)!.url, access());
    const oldAdmin = (await client.getSecret('postgresql-admin-password')).value;
    for (const name of ['jwt-refresh-signing-key', 'postgresql-admin-password']) {
      await (await client.beginDeleteSecret(name, { intervalInMs: 10 })).pollUntilDone();
      await client.purgeDeletedSecret(name);
    }
    const made = await cli(['secrets', deployment, '--emulator']);
    expect(made.code, made.err).to.equal(ExitCode.Success);
    expect(made.out).to.contain('2 created (postgresql-admin-password, jwt-refresh-signing-key)').and.contain('az keyvault secret set --vault-name kv-cf-');
    const newAdmin = (await client.getSecret('postgresql-admin-password')).value!;
    expect(newAdmin).to.not.equal(oldAdmin);
    expect(await serverPassword()).to.equal(newAdmin);
    values.push(newAdmin);
    const again = await cli(['secrets', deployment, '--emulator', '--json']);
    expect(again.code, again.err).to.equal(ExitCode.Success);
    expect((JSON.parse(again.out) as { created: string[] }).created).to.deep.equal([]);
    const check = await cli(['secrets', deployment, '--emulator', '--check']);
    expect(check.code, check.err).to.equal(ExitCode.Success);
    values.push((await client.getSecret('jwt-refresh-signing-key')).value!);
    expectNoValue(made.out + made.err + again.out + again.err + check.out + check.err);
  });
  it('restarted on another port with Key Vault RBAC on: the stack output follows the port; the workload identity reads everything, the deployer (no role) is refused', async () => {
    const stackName = first.stack!.name!;
    await world.close();
    // The same state, restarted with RBAC on the vaults (already set up: nothing more to do).
    world = await startEmulatorWorld(shared, { stateDir: emulator.stateDir, keyVaultRbac: true }, { bare: true });
    ({ emulator, clients } = world);
    const stack = await clients.stacks.deploymentStacks.getAtSubscription(stackName);
    expect(vaultOf(stack)!.url.startsWith(`${emulator.endpoint}/keyvault/`)).to.equal(true);
    const [check] = await runChecks(keyVaultChecksFor(stack, services, { kind: 'emulator', caPem: emulator.caPem }) as never);
    expect(check!.status, check!.reason).to.equal('pass');
    const reads = await readSecrets(vaultOf(stack)!.url, ['jwt-signing-key'], { credential: new EmulatorCredential(), emulatorCaPem: emulator.caPem, retryOptions: { maxRetries: 0 } });
    expect(reads[0]!.readable === false && reads[0]!.problem).to.equal('forbidden');
    expectNoValue(JSON.stringify([check, reads]));
  });
});

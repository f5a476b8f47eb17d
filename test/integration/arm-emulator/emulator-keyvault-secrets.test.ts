// The Key Vault secrets data plane with the real @azure/keyvault-secrets SDK over HTTPS (the
// emulator's CA, challenge auth): set/get/list/versions/not-found/disabled/delete/recover; a
// template-written secret (ARM Microsoft.KeyVault/vaults/secrets) is readable there while ARM never
// answers with its value; deleting the vault removes its secrets; no value in the emulator's log.
import { SecretClient } from '@azure/keyvault-secrets';
import { expect } from 'chai';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';
import { makeEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { secretClient } from '@complianceflow/cli/secrets/client.ts';
import { readSecrets } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { startEmulator } from '@complianceflow/arm-emulator/index.ts';
import { call, registerProvider, sharedExpander, tempStateDir, useTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

describe('ARM emulator: Key Vault secrets data plane', () => {
  let emu: TestEmulator;
  const log: string[] = [];
  const sub = (): string => `/subscriptions/${emu.subscriptionId}`;
  const kv = '2025-05-01';
  const vaultId = (name: string): string => `${sub()}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/${name}`;
  const stateDir = tempStateDir();
  let vaultUri: string;
  let client: SecretClient;

  const putVault = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const put = await call(emu, 'PUT', `${vaultId(name)}?api-version=${kv}`, { location: 'westeurope', properties: { tenantId: emu.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, softDeleteRetentionInDays: 7, ...extra } });
    expect(put.status, JSON.stringify(put.body)).to.be.oneOf([200, 201]);
    return put.body.properties.vaultUri as string;
  };

  useTestEmulator((e) => (emu = e), { stateDir, log: (line) => log.push(line) });
  before(async () => {
    await registerProvider(emu, 'Microsoft.KeyVault');
    expect((await call(emu, 'PUT', `${sub()}/resourcegroups/rg-kv?api-version=2025-04-01`, { location: 'westeurope' })).status).to.be.oneOf([200, 201]);
    vaultUri = await putVault('kv-data-plane');
    client = secretClient(vaultUri, { credential: new EmulatorCredential(), emulatorCaPem: emu.caPem, retryOptions: { maxRetries: 0 } });
  });

  it('gives its vaults a vaultUri on the emulator (path-addressed)', () => {
    expect(vaultUri).to.equal(`${emu.endpoint}/keyvault/kv-data-plane/`);
  });

  it('answers an unauthenticated request with the Key Vault challenge', async () => {
    const r = await call(emu, 'GET', '/keyvault/kv-data-plane/secrets?api-version=2026-04-01', undefined, { token: null });
    expect(r.status).to.equal(401);
    expect(r.headers['www-authenticate']).to.equal(`Bearer authorization="https://login.microsoftonline.com/${emu.tenantId}", resource="https://vault.azure.net"`);
    expect(r.body.error.code).to.equal('Unauthorized');
    const bad = await call(emu, 'GET', '/keyvault/kv-data-plane/secrets?api-version=2026-04-01', undefined, { token: 'not-a-token' });
    expect(bad.status).to.equal(401);
  });

  it('sets, gets (current and by version) and lists versions with the SDK', async () => {
    const first = await client.setSecret('db-password', 'first-value-0001', { contentType: 'text/plain', tags: { source: 'test' } });
    expect(first.value).to.equal('first-value-0001');
    expect(first.properties.version).to.match(/^[0-9a-f]{32}$/);
    expect(first.properties.enabled).to.equal(true);
    expect(first.properties.recoveryLevel).to.equal('Recoverable+Purgeable');
    expect(first.properties.recoverableDays).to.equal(7);
    expect(first.properties.createdOn).to.be.instanceOf(Date);
    const second = await client.setSecret('db-password', 'second-value-0002');
    const got = await client.getSecret('db-password');
    expect(got.value).to.equal('second-value-0002');
    expect(got.properties.version).to.equal(second.properties.version);
    expect((await client.getSecret('db-password', { version: first.properties.version! })).value).to.equal('first-value-0001');
    const versions: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions('db-password')) versions.push(p.version!);
    expect(versions.sort()).to.deep.equal([first.properties.version!, second.properties.version!].sort());
  });

  it('lists secrets page by page (maxresults 25, nextLink followed by the SDK)', async () => {
    for (let i = 0; i < 27; i++) await client.setSecret(`bulk-${String(i).padStart(2, '0')}`, `v${i}`);
    const raw = await call(emu, 'GET', '/keyvault/kv-data-plane/secrets?api-version=2026-04-01&maxresults=25');
    expect(raw.body.value).to.have.length(25);
    expect(raw.body.value[0]).to.not.have.property('value');
    expect(raw.body.nextLink).to.be.a('string').and.match(new RegExp(`^${emu.endpoint}/keyvault/kv-data-plane/secrets\\?`));
    const names: string[] = [];
    for await (const p of client.listPropertiesOfSecrets()) names.push(p.name);
    expect(names.filter((n) => n.startsWith('bulk-'))).to.have.length(27);
    expect(names).to.include('db-password');
  });

  it('answers a missing secret with 404 SecretNotFound', async () => {
    try {
      await client.getSecret('no-such-secret');
      expect.fail('expected SecretNotFound');
    } catch (error) {
      const e = error as { statusCode?: number; code?: string; message: string };
      expect(e.statusCode).to.equal(404);
      expect(e.code).to.equal('SecretNotFound');
      expect(e.message).to.contain('A secret with (name/id) no-such-secret was not found in this key vault');
    }
  });

  it('refuses to read a disabled secret (403 SecretDisabled) and updates attributes', async () => {
    const s = await client.setSecret('to-disable', 'x-value');
    await client.updateSecretProperties('to-disable', s.properties.version!, { enabled: false });
    try {
      await client.getSecret('to-disable');
      expect.fail('expected 403');
    } catch (error) {
      expect((error as { statusCode?: number }).statusCode).to.equal(403);
      expect((error as Error).message).to.contain('disabled');
    }
  });

  it('soft-deletes, keeps the name reserved, recovers and purges', async () => {
    await client.setSecret('to-delete', 'delete-me');
    const poller = await client.beginDeleteSecret('to-delete', { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.recoveryId).to.contain('/deletedsecrets/to-delete');
    try {
      await client.setSecret('to-delete', 'again');
      expect.fail('expected 409');
    } catch (error) {
      expect((error as { statusCode?: number }).statusCode).to.equal(409);
    }
    await (await client.beginRecoverDeletedSecret('to-delete', { intervalInMs: 10 })).pollUntilDone();
    expect((await client.getSecret('to-delete')).value).to.equal('delete-me');
    await (await client.beginDeleteSecret('to-delete', { intervalInMs: 10 })).pollUntilDone();
    await client.purgeDeletedSecret('to-delete');
    await client.setSecret('to-delete', 'reused');
    expect((await client.getSecret('to-delete')).value).to.equal('reused');
  });

  it('turns a template-written secret (ARM vaults/secrets) into a readable secret; ARM never returns the value; unchanged = same version', async () => {
    const id = `${vaultId('kv-data-plane')}/secrets/from-arm`;
    const body = { properties: { value: 'arm-written-value', contentType: 'text/plain' }, tags: { source: 'arm' } };
    const put = await call(emu, 'PUT', `${id}?api-version=${kv}`, body);
    expect(put.status, JSON.stringify(put.body)).to.be.oneOf([200, 201]);
    expect(put.body.properties).to.not.have.property('value');
    expect(put.body.properties.secretUri).to.equal(`${vaultUri}secrets/from-arm`);
    const armGet = await call(emu, 'GET', `${id}?api-version=${kv}`);
    expect(JSON.stringify(armGet.body)).to.not.contain('arm-written-value');
    const read = await client.getSecret('from-arm');
    expect(read.value).to.equal('arm-written-value');
    expect(read.properties.tags).to.deep.equal({ source: 'arm' });
    await call(emu, 'PUT', `${id}?api-version=${kv}`, body);
    expect((await client.getSecret('from-arm')).properties.version).to.equal(read.properties.version);
  });

  it('never writes a secret value into its log', () => {
    const all = log.join('\n');
    expect(all).to.contain('/keyvault/kv-data-plane/secrets/db-password');
    for (const value of ['first-value-0001', 'second-value-0002', 'arm-written-value', 'delete-me']) expect(all).to.not.contain(value);
  });

  it('keeps secrets across a restart (state persisted) and follows the new port in vaultUri', async () => {
    await emu.close();
    const again = await startEmulator({ stateDir, port: 0, expander: sharedExpander, latency: { defaultMs: 0 } });
    try {
      const got = await call(again, 'GET', `${vaultId('kv-data-plane')}?api-version=${kv}`);
      expect(got.body.properties.vaultUri).to.equal(`${again.endpoint}/keyvault/kv-data-plane/`);
      const c = secretClient(got.body.properties.vaultUri, { credential: new EmulatorCredential(), emulatorCaPem: again.caPem, retryOptions: { maxRetries: 0 } });
      expect((await c.getSecret('db-password')).value).to.equal('second-value-0002');
      const del = await call(again, 'DELETE', `${vaultId('kv-data-plane')}?api-version=${kv}`);
      expect(del.status).to.be.oneOf([200, 204]);
      const gone = await call(again, 'GET', '/keyvault/kv-data-plane/secrets/db-password?api-version=2026-04-01');
      expect(gone.status).to.equal(404);
      // Recreated under the same name (recover), the vault has no secrets any more.
      await call(again, 'PUT', `${vaultId('kv-data-plane')}?api-version=${kv}`, { location: 'westeurope', properties: { tenantId: again.tenantId, sku: { family: 'A', name: 'standard' }, createMode: 'recover' } });
      const empty = await call(again, 'GET', '/keyvault/kv-data-plane/secrets?api-version=2026-04-01');
      expect(empty.status, JSON.stringify(empty.body)).to.equal(200);
      expect(empty.body.value).to.deep.equal([]);
    } finally {
      await again.close();
      emu = { ...emu, close: async () => {} };
    }
  });
});

describe('ARM emulator: Key Vault RBAC in the data plane (keyVaultRbac)', () => {
  let emu: TestEmulator;
  const kv = '2025-05-01';
  const officer = '11111111-0000-0000-0000-000000000001';
  const reader = '11111111-0000-0000-0000-000000000002';
  const nobody = '11111111-0000-0000-0000-000000000003';
  let vaultUri: string;
  const as = (principalId: string) => secretClient(vaultUri, { credential: new EmulatorCredential({ principalId }), emulatorCaPem: emu.caPem, retryOptions: { maxRetries: 0 } });
  const refused = async (what: Promise<unknown>): Promise<{ statusCode?: number; message: string }> => {
    try {
      await what;
    } catch (error) {
      return error as { statusCode?: number; message: string };
    }
    throw new Error('expected a refusal');
  };

  useTestEmulator((e) => (emu = e), { keyVaultRbac: true });
  before(async () => {
    const sub = `/subscriptions/${emu.subscriptionId}`;
    await registerProvider(emu, 'Microsoft.KeyVault');
    await call(emu, 'POST', `${sub}/providers/Microsoft.Authorization/register?api-version=2025-04-01`);
    expect((await call(emu, 'PUT', `${sub}/resourcegroups/rg-rbac?api-version=2025-04-01`, { location: 'westeurope' })).status).to.be.oneOf([200, 201]);
    const vaultId = `${sub}/resourceGroups/rg-rbac/providers/Microsoft.KeyVault/vaults/kv-rbac`;
    const put = await call(emu, 'PUT', `${vaultId}?api-version=${kv}`, { location: 'westeurope', properties: { tenantId: emu.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true } });
    expect(put.status, JSON.stringify(put.body)).to.be.oneOf([200, 201]);
    vaultUri = put.body.properties.vaultUri;
    const assign = async (scope: string, name: string, principalId: string, role: string): Promise<void> => {
      const r = await call(emu, 'PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`, {
        properties: { roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId, principalType: 'ServicePrincipal' },
      });
      expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
    };
    // The officer at the resource group (above the vault), the reader on the vault itself.
    await assign(`${sub}/resourceGroups/rg-rbac`, '22222222-0000-0000-0000-000000000001', officer, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7');
    await assign(vaultId, '22222222-0000-0000-0000-000000000002', reader, '4633458b-17de-408a-b874-0445c86b69e6');
  });

  it('a Secrets Officer (at the resource group) writes; a Secrets User (at the vault) reads but cannot write', async () => {
    await as(officer).setSecret('rbac-secret', 'rbac-value');
    expect((await as(reader).getSecret('rbac-secret')).value).to.equal('rbac-value');
    const e = await refused(as(reader).setSecret('rbac-secret', 'other'));
    expect(e.statusCode).to.equal(403);
    expect(e.message).to.contain('Caller is not authorized').and.contain('setSecret');
  });

  it('a principal without a role is refused (403 ForbiddenByRbac), and readSecrets says forbidden', async () => {
    const e = await refused(as(nobody).getSecret('rbac-secret'));
    expect(e.statusCode).to.equal(403);
    const raw = await call(emu, 'GET', '/keyvault/kv-rbac/secrets/rbac-secret?api-version=2026-04-01', undefined, { token: makeEmulatorToken({ oid: nobody }).token });
    expect(raw.body.error.code).to.equal('Forbidden');
    expect(raw.body.error.innererror.code).to.equal('ForbiddenByRbac');
    const [read] = await readSecrets(vaultUri, ['rbac-secret'], { credential: new EmulatorCredential({ principalId: nobody }), emulatorCaPem: emu.caPem, retryOptions: { maxRetries: 0 } });
    expect(read!.readable).to.equal(false);
    expect(read!.readable === false && read!.problem).to.equal('forbidden');
  });
});

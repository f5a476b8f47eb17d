// Soft-deleted Key Vaults: deleting a vault leaves a deletedVaults record; purge removes it (long-running)
// unless purge protection is on.
import { expect } from 'chai';
import { call, pollLocation, registerProvider, useTestEmulator, type TestEmulator } from '../../support/arm-emulator/helpers.ts';

describe('ARM emulator: soft-deleted Key Vaults', () => {
  let emu: TestEmulator;
  const sub = (): string => `/subscriptions/${emu.subscriptionId}`;
  const kv = '2025-05-01';
  useTestEmulator((e) => (emu = e));
  before(async () => {
    await registerProvider(emu, 'Microsoft.KeyVault');
    expect((await call(emu, 'PUT', `${sub()}/resourcegroups/rg-kv?api-version=2025-04-01`, { location: 'westeurope' })).status).to.be.oneOf([200, 201]);
  });

  const makeAndDelete = async (name: string, purgeProtection: boolean): Promise<void> => {
    const id = `${sub()}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/${name}`;
    const put = await call(emu, 'PUT', `${id}?api-version=${kv}`, { location: 'westeurope', properties: { tenantId: '00000000-0000-0000-0000-000000000000', sku: { family: 'A', name: 'standard' }, softDeleteRetentionInDays: 7, ...(purgeProtection ? { enablePurgeProtection: true } : {}) } });
    expect(put.status, JSON.stringify(put.body)).to.be.oneOf([200, 201]);
    const del = await call(emu, 'DELETE', `${id}?api-version=${kv}`);
    expect(del.status, JSON.stringify(del.body)).to.be.oneOf([200, 202, 204]);
  };

  it('keeps a deleted-vault record that purge removes', async () => {
    await makeAndDelete('kv-free', false);
    const at = `${sub()}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-free`;
    const got = await call(emu, 'GET', `${at}?api-version=${kv}`);
    expect(got.status, JSON.stringify(got.body)).to.equal(200);
    const props = got.body.properties;
    expect(props.purgeProtectionEnabled).to.equal(false);
    expect(Date.parse(props.scheduledPurgeDate) - Date.parse(props.deletionDate)).to.equal(7 * 24 * 3600 * 1000);
    const list = await call(emu, 'GET', `${sub()}/providers/Microsoft.KeyVault/deletedVaults?api-version=${kv}`);
    expect(list.body.value.map((v: any) => v.name)).to.include('kv-free');
    const purge = await call(emu, 'POST', `${at}/purge?api-version=${kv}`);
    expect(purge.status, JSON.stringify(purge.body)).to.equal(202);
    await pollLocation(emu, purge.headers.location as string);
    expect((await call(emu, 'GET', `${at}?api-version=${kv}`)).status).to.equal(404);
  });

  it('refuses to purge a vault under purge protection', async () => {
    await makeAndDelete('kv-kept', true);
    const at = `${sub()}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-kept`;
    const purge = await call(emu, 'POST', `${at}/purge?api-version=${kv}`);
    expect(purge.status).to.equal(409);
    expect(purge.body.error.code).to.equal('InvalidOperation');
    expect((await call(emu, 'GET', `${at}?api-version=${kv}`)).status).to.equal(200);
    const id = `${sub()}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-kept`;
    const props = { tenantId: '00000000-0000-0000-0000-000000000000', sku: { family: 'A', name: 'standard' } };
    const again = await call(emu, 'PUT', `${id}?api-version=${kv}`, { location: 'westeurope', properties: props });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('ConflictError');
    const recovered = await call(emu, 'PUT', `${id}?api-version=${kv}`, { location: 'westeurope', properties: { ...props, createMode: 'recover' } });
    expect(recovered.status, JSON.stringify(recovered.body)).to.be.oneOf([200, 201]);
    expect((await call(emu, 'GET', `${at}?api-version=${kv}`)).status).to.equal(404);
  });
});

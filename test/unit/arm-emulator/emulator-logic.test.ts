// The emulator's pure parts: the policy hook with the shared evaluator (one rule), property deltas,
// output reference resolution and the env-var options of `npm run emulator`.
import { expect } from 'chai';
import { propertyDelta } from '@complianceflow/arm-emulator/diff.ts';
import { optionsFromEnv } from '@complianceflow/arm-emulator/options.ts';
import { resolveOutputs } from '@complianceflow/arm-emulator/outputs.ts';
import { sharedEvaluator } from '@complianceflow/arm-emulator/policy.ts';
import { scrubSecrets, scrubSecretsInJson } from '@complianceflow/arm-emulator/secure.ts';
import type { StoredResource } from '@complianceflow/arm-emulator/state.ts';

const stored = (id: string, type: string, body: Record<string, unknown>, keys?: Record<string, unknown>): StoredResource => ({
  id,
  type,
  name: id.split('/').pop()!,
  apiVersion: '2023-01-01',
  declared: body,
  body: { id, type, name: id.split('/').pop(), ...body },
  ...(keys === undefined ? {} : { keys }),
});

describe('ARM emulator: policy hook (shared evaluator)', () => {
  const definition = stored('/subscriptions/s/providers/Microsoft.Authorization/policyDefinitions/require-env-tag', 'Microsoft.Authorization/policyDefinitions', {
    properties: {
      mode: 'Indexed',
      policyRule: {
        if: { allOf: [{ field: 'type', in: ['Microsoft.Storage/storageAccounts', 'Microsoft.KeyVault/vaults'] }, { field: 'tags[env]', exists: 'false' }] },
        then: { effect: 'deny' },
      },
    },
  });
  const assignment = stored('/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/env-tag', 'Microsoft.Authorization/policyAssignments', { properties: { policyDefinitionId: definition.id, scope: '/subscriptions/s' } });
  const lookup = (id: string) => [definition, assignment].find((r) => r.id.toLowerCase() === id.toLowerCase());
  const resource = (type: string, tags?: Record<string, string>): { id: string; type: string; name: string; body: Record<string, unknown> } => ({
    id: `/subscriptions/s/resourceGroups/rg/providers/${type}/x1`,
    type,
    name: 'x1',
    body: { location: 'westeurope', ...(tags === undefined ? {} : { tags }) },
  });

  it('denies a storage account without the env tag and names assignment and definition', () => {
    const denial = sharedEvaluator.evaluate(resource('Microsoft.Storage/storageAccounts'), [assignment], lookup);
    expect(denial?.assignment.id).to.equal(assignment.id);
    expect(denial?.definition.id).to.equal(definition.id);
  });

  it('allows a tagged account, another type, and anything when the assignment does not enforce', () => {
    expect(sharedEvaluator.evaluate(resource('Microsoft.Storage/storageAccounts', { env: 'test' }), [assignment], lookup)).to.equal(undefined);
    expect(sharedEvaluator.evaluate(resource('Microsoft.Network/virtualNetworks'), [assignment], lookup)).to.equal(undefined);
    const off = { ...assignment, body: { ...assignment.body, properties: { ...(assignment.body.properties as object), enforcementMode: 'DoNotEnforce' } } };
    expect(sharedEvaluator.evaluate(resource('Microsoft.Storage/storageAccounts'), [off], lookup)).to.equal(undefined);
  });
});

describe('ARM emulator: property deltas', () => {
  it('reports leaves with dotted paths and arrays with children, as what-if does', () => {
    const before = { sku: { name: 'Standard_LRS' }, properties: { rules: [{ port: 443 }, { port: 80 }], old: true } };
    const after = { sku: { name: 'Premium_LRS' }, tags: { env: 'test' }, properties: { rules: [{ port: 443 }, { port: 8080 }] } };
    expect(propertyDelta(before, after)).to.deep.equal([
      { path: 'sku.name', propertyChangeType: 'Modify', before: 'Standard_LRS', after: 'Premium_LRS' },
      { path: 'properties.rules', propertyChangeType: 'Array', children: [{ path: '1', propertyChangeType: 'Modify', children: [{ path: 'port', propertyChangeType: 'Modify', before: 80, after: 8080 }] }] },
      { path: 'properties.old', propertyChangeType: 'Delete', before: true },
      { path: 'tags.env', propertyChangeType: 'Create', after: 'test' },
    ]);
    expect(propertyDelta(after, JSON.parse(JSON.stringify(after)))).to.deep.equal([]);
  });
});

describe('ARM emulator: output resolution', () => {
  it('resolves reference() and listKeys() of held resources and lists what it cannot resolve', () => {
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1';
    const st = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1';
    const resources = {
      [id.toLowerCase()]: stored(id, 'Microsoft.KeyVault/vaults', { location: 'westeurope', properties: { vaultUri: 'https://kv1.vault.azure.net/' } }),
      [st.toLowerCase()]: stored(st, 'Microsoft.Storage/storageAccounts', { properties: {} }, { keys: [{ keyName: 'key1', value: 'k1' }] }),
    };
    const out = resolveOutputs(
      {
        uri: `[reference('${id}', '2023-07-01').vaultUri]`,
        location: `[reference('${id}', '2023-07-01', 'Full').location]`,
        key: `[listKeys('${st}', '2023-05-01').keys[0].value]`,
        nested: { list: [`[reference('${id}', '2023-07-01').VAULTURI]`] },
        missing: "[reference('/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/nope', '2023-07-01').vaultUri]",
        plain: 'text',
      },
      resources,
    );
    expect(out.value).to.deep.equal({
      uri: 'https://kv1.vault.azure.net/',
      location: 'westeurope',
      key: 'k1',
      nested: { list: ['https://kv1.vault.azure.net/'] },
      missing: "[reference('/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/nope', '2023-07-01').vaultUri]",
      plain: 'text',
    });
    expect(out.unresolved).to.have.length(1);
  });

  it('evaluates the functions the snapshot leaves around reference() in object outputs', () => {
    const ns = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/evh1';
    const resources = { [ns.toLowerCase()]: stored(ns, 'Microsoft.EventHub/namespaces', { properties: { serviceBusEndpoint: 'https://evh1.servicebus.windows.net:443/' } }) };
    const text = `[createObject('name', 'evh1', 'kafka', format('{0}:9093', split(split(reference('${ns}', '2024-01-01').serviceBusEndpoint, '/')[2], ':')[0]), 'groups', createArray('a', 'b'), 'enabled', false(), 'tmpl', format('x://{{user}}@{0}', toLower('EVH1')))]`;
    expect(resolveOutputs(text, resources).value).to.deep.equal({ name: 'evh1', kafka: 'evh1.servicebus.windows.net:9093', groups: ['a', 'b'], enabled: false, tmpl: 'x://{user}@evh1' });
    const unknown = "[uniqueString('x')]";
    expect(resolveOutputs(unknown, resources)).to.deep.equal({ value: unknown, unresolved: [unknown] });
  });
});

describe('ARM emulator: options from the environment', () => {
  it('reads latency, faults and failing types, and names the variable on bad values', () => {
    const o = optionsFromEnv({ ARM_EMULATOR_LATENCY_MS: 'default=50,Microsoft.DBforPostgreSQL/flexibleServers=4000', ARM_EMULATOR_TRANSIENT_RATE: '0.1', ARM_EMULATOR_FAIL_TYPES: 'Microsoft.Cache/redisEnterprise=QuotaExceeded', ARM_EMULATOR_PORT: '9443' }, { stateDir: '/tmp/x' });
    expect(o.latency).to.deep.equal({ defaultMs: 50, perType: { 'Microsoft.DBforPostgreSQL/flexibleServers': 4000 } });
    expect(o.faults).to.deep.include({ transientRate: 0.1, failingTypes: { 'Microsoft.Cache/redisEnterprise': 'QuotaExceeded' } });
    expect(o.port).to.equal(9443);
    expect(() => optionsFromEnv({ ARM_EMULATOR_TRANSIENT_RATE: '2' }, { stateDir: '/tmp/x' })).to.throw(/ARM_EMULATOR_TRANSIENT_RATE="2" is refused.*allowed: a number from 0 to 1/);
    expect(() => optionsFromEnv({ ARM_EMULATOR_LATENCY_MS: 'fast' }, { stateDir: '/tmp/x' })).to.throw(/ARM_EMULATOR_LATENCY_MS="fast" is refused: "fast" is not name=value/);
    expect(() => optionsFromEnv({ ARM_EMULATOR_PORT: '99999' }, { stateDir: '/tmp/x' })).to.throw(/ARM_EMULATOR_PORT="99999" is refused: not a TCP port; allowed: an integer from 0 to 65535/);
  });
});

describe('ARM emulator: secure values kept out of the state file', () => {
  const secrets = new Set(['p@ss"word\\with\nescapes', 'ünïcødé-sécret', 'abc', 'sixsix']);
  const state = {
    a: { password: 'p@ss"word\\with\nescapes', connection: 'Server=x;Password=p@ss"word\\with\nescapes;', short: 'abc', inside: 'xabcx' },
    list: ['ünïcødé-sécret', 'prefix sixsix suffix', 'abc'],
    clear: 'nothing secret here',
  };

  it('scrubSecretsInJson() writes what scrubSecrets() gives, escaped values and short whole strings included', function () {
    const fromText = JSON.parse(scrubSecretsInJson(JSON.stringify(state), secrets)) as unknown;
    expect(fromText).to.deep.equal(scrubSecrets(state, secrets));
    expect(JSON.stringify(fromText)).not.to.include('sixsix').and.not.to.include('sécret');
    expect((fromText as typeof state).a.inside).to.equal('xabcx');
  });
});

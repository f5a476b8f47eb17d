// The pure parts of the post-deploy secrets and the Key Vault check: which secrets are created,
// kept or missing; which problems a read shows; the names the stack's templates write.
import { expect } from 'chai';
import type { DeploymentStack } from '@azure/arm-resourcesdeploymentstacks';
import { isUnreachable } from '@complianceflow/cli/secrets/client.ts';
import { expectedSecrets, templateSecretNames, vaultOf } from '@complianceflow/cli/secrets/expected.ts';
import { expandPostDeploySecrets, postDeploySecretNames } from '@complianceflow/cli/secrets/names.ts';
import { ensurePostDeploySecrets, planPostDeploySecrets, randomSecretValue, unreachablePrefix } from '@complianceflow/cli/secrets/post-deploy.ts';
import { readSecrets, secretProblems, type SecretRead } from '@complianceflow/cli/validate/key-vault-checks.ts';
import { EmulatorCredential } from '@complianceflow/cli/arm/emulator-credential.ts';

const services = ['user', 'billing'];

describe('post-deploy secrets: plan', () => {
  it('creates every generated secret missing, keeps the ones there, lists missing operator secrets', () => {
    const plan = planPostDeploySecrets(new Set(['postgresql-admin-password', 'jwt-signing-key']), services);
    expect(plan.create.map((c) => c.name)).to.deep.equal(['postgresql-user-password', 'postgresql-billing-password', 'jwt-refresh-signing-key']);
    expect(plan.create.find((c) => c.name === 'jwt-refresh-signing-key')!.bytes).to.equal(64);
    expect(plan.kept).to.deep.equal(['postgresql-admin-password', 'jwt-signing-key']);
    expect(plan.operatorMissing).to.deep.equal(['azuread-client-secret']);
  });

  it('creates nothing when all are there', () => {
    const all = new Set(postDeploySecretNames(services));
    const plan = planPostDeploySecrets(all, services);
    expect(plan.create).to.deep.equal([]);
    expect(plan.operatorMissing).to.deep.equal([]);
  });

  it('expands <service> for each catalogue service, once', () => {
    expect(expandPostDeploySecrets(services).map((e) => e.name)).to.deep.equal(postDeploySecretNames(services));
    expect(postDeploySecretNames(services)).to.include.members(['postgresql-user-password', 'postgresql-billing-password']);
  });

  it('generates base64url values of the requested length, each different', () => {
    const a = randomSecretValue(32);
    expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecretValue(64)).to.have.length(86);
    expect(randomSecretValue(32)).to.not.equal(a);
  });
});

describe('Key Vault check: problems of what was read', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const ok = (name: string, extra: Partial<Extract<SecretRead, { readable: true }>> = {}): SecretRead => ({ name, readable: true, value: 'v', version: '1', enabled: true, ...extra });
  it('names each secret by problem, and none when all are fine', () => {
    expect(secretProblems([ok('a'), ok('b', { expiresOn: new Date('2026-12-01') })], now)).to.deep.equal([]);
    const problems = secretProblems(
      [
        { name: 'gone', readable: false, problem: 'missing', reason: 'SecretNotFound' },
        { name: 'gone-too', readable: false, problem: 'missing', reason: 'SecretNotFound' },
        ok('off', { enabled: false }),
        ok('old', { expiresOn: new Date('2026-05-31') }),
        ok('early', { notBefore: new Date('2026-06-02') }),
        ok('blank', { value: ' ' }),
        { name: 'locked', readable: false, problem: 'forbidden', reason: 'Forbidden (403): no role' },
      ],
      now,
    );
    expect(problems).to.deep.equal(['missing: gone, gone-too', 'disabled: off', 'expired: old', 'not yet valid (nbf): early', 'empty: blank', 'forbidden (Forbidden (403): no role): locked']);
  });
});

describe('expected secrets from the stack', () => {
  const sub = '/subscriptions/s/resourceGroups/rg/providers';
  const stack = {
    properties: {
      resources: [
        { id: `${sub}/Microsoft.KeyVault/vaults/kv/secrets/applicationinsights-connection-string`, status: 'managed' },
        { id: `${sub}/Microsoft.KeyVault/vaults/kv/secrets/eventhub-a-send-connection-string`, status: 'managed' },
        { id: `${sub}/Microsoft.KeyVault/vaults/kv/secrets/old-one`, status: 'detached' },
        { id: `${sub}/Microsoft.KeyVault/vaults/kv`, status: 'managed' },
      ],
      outputs: { security: { type: 'Object', value: { keyVaultUri: 'https://kv.vault.azure.net/', keyVaultName: 'kv' } } },
    },
  } as unknown as DeploymentStack;

  it('template-written = the managed vaults/secrets; required adds the generated ones; operator apart', () => {
    expect(templateSecretNames(stack)).to.deep.equal(['applicationinsights-connection-string', 'eventhub-a-send-connection-string']);
    const expected = expectedSecrets(stack, services);
    expect(expected.required).to.include.members(['applicationinsights-connection-string', 'postgresql-admin-password', 'postgresql-billing-password', 'jwt-signing-key']);
    expect(expected.required).to.not.include('azuread-client-secret');
    expect(expected.operatorSet).to.deep.equal(['azuread-client-secret']);
  });

  it('reads the vault from output security', () => {
    expect(vaultOf(stack)).to.deep.equal({ url: 'https://kv.vault.azure.net/', name: 'kv' });
    expect(vaultOf(undefined)).to.equal(undefined);
  });
});

describe('Key Vault errors: unreachable from this caller', () => {
  const restError = (statusCode: number | undefined, code: string, message: string): Error => Object.assign(new Error(message), { statusCode, code });
  it('is Key Vault\'s network denial (403 ForbiddenByConnection / ForbiddenByFirewall) or no route', () => {
    expect(isUnreachable(restError(403, 'Forbidden', 'Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: appid=x'))).to.equal(true);
    expect(isUnreachable(restError(403, 'Forbidden', 'Client address is not authorized and caller is not a trusted service.'))).to.equal(true);
    expect(isUnreachable(restError(undefined, 'ENOTFOUND', 'getaddrinfo ENOTFOUND kv-x.vault.azure.net'))).to.equal(true);
    expect(isUnreachable(restError(undefined, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).to.equal(true);
  });
  it('is not a missing role, a missing secret or a deleted one', () => {
    expect(isUnreachable(restError(403, 'Forbidden', 'Caller is not authorized to perform action on resource. (ForbiddenByRbac)'))).to.equal(false);
    expect(isUnreachable(restError(404, 'SecretNotFound', 'A secret with (name/id) x was not found in this key vault.'))).to.equal(false);
    expect(isUnreachable(restError(409, 'Conflict', 'Secret x is currently in a deleted but recoverable state'))).to.equal(false);
  });
});

describe('a vault that cannot be reached (a closed loopback port)', () => {
  const url = 'https://127.0.0.1:1/keyvault/kv-nowhere/';
  const access = { credential: new EmulatorCredential(), emulatorCaPem: 'unused', retryOptions: { maxRetries: 0 } };
  it('the post-deploy step reports it as unreachable and writes nothing', async () => {
    const result = await ensurePostDeploySecrets({ vaultUrl: url, services, tags: { app: 'complianceflow', env: 'test', deployment: 'westeu-test-1' }, access });
    expect(result.created).to.deep.equal([]);
    expect(result.failed).to.have.length(1);
    expect(result.failed[0]!.reason.startsWith(unreachablePrefix)).to.equal(true);
  });
  it('readSecrets answers each name as unreachable instead of throwing', async () => {
    const reads = await readSecrets(url, ['a', 'b'], access);
    expect(reads.map((r) => (r.readable ? 'read' : r.problem))).to.deep.equal(['unreachable', 'unreachable']);
  });
});

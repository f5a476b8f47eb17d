// `--as <identity>` (arm/identities.ts): who calls the ARM emulator. Parsing and refusals as a person
// meets them (the CLI in a child process: exit 2, one clear line, nothing started), and the object id
// the chosen identity's token carries (the real SDK credential the clients use).
import { expect } from 'chai';
import { createArmClients } from '@complianceflow/cli/arm/clients.ts';
import { defaultEmulatorPrincipalId, emulatorCiPrincipalId, emulatorPrPrincipalId, readEmulatorToken } from '@complianceflow/core/arm/emulator-token.ts';
import { emulatorIdentities, parseEmulatorIdentity } from '@complianceflow/cli/arm/identities.ts';
import { checkTargetFlags } from '@complianceflow/cli/deploy/services.ts';
import { commandHelp } from '@complianceflow/docs-tools/command-table.ts';
import { UsageError } from '@complianceflow/core/errors.ts';
import { ExitCode } from '@complianceflow/core/exit-codes.ts';
import { cfInfra } from '../../support/cli.ts';

// Ports where nothing listens: any attempt to reach a service would fail differently than exit 2.
const nothingListens = { AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-000000000001', ARM_EMULATOR_PORT: '1', AZURITE_BLOB_PORT: '1', ARM_EMULATOR_ENDPOINT: '' };

describe('--as <identity>', function () {
  this.timeout(120_000);

  describe('parsing', () => {
    it('owner by default; ci and pr with --emulator', () => {
      expect(parseEmulatorIdentity(undefined, true)).to.equal('owner');
      expect(parseEmulatorIdentity(undefined, false)).to.equal('owner');
      expect(parseEmulatorIdentity('ci', true)).to.equal('ci');
      expect(parseEmulatorIdentity('pr', true)).to.equal('pr');
      expect(checkTargetFlags({ emulator: true, as: 'ci' })).to.deep.equal({ emulator: true, identity: 'ci' });
    });

    it('refused without --emulator (on Azure the identity is the login) and for an unknown name', () => {
      expect(() => parseEmulatorIdentity('ci', false)).to.throw(UsageError, /pass --emulator/);
      expect(() => checkTargetFlags({ emulator: false, subscription: '00000000-0000-0000-0000-000000000001', as: 'pr' })).to.throw(UsageError, /--as pr .*pass --emulator/);
      expect(() => parseEmulatorIdentity('CI', true)).to.throw(UsageError, /--as "CI" is not an identity of the ARM emulator: use one of owner, ci, pr/);
    });

    it('the identities are the emulator\'s stand-ins for the owner, the CI identity and the PR identity', () => {
      expect(Object.fromEntries(Object.entries(emulatorIdentities).map(([name, i]) => [name, i.principalId]))).to.deep.equal({
        owner: defaultEmulatorPrincipalId,
        ci: emulatorCiPrincipalId,
        pr: emulatorPrPrincipalId,
      });
    });
  });

  it('the clients\' token carries the chosen identity\'s object id (the one the emulator authorizes)', async () => {
    for (const [name, { principalId }] of Object.entries(emulatorIdentities)) {
      const clients = createArmClients({ kind: 'emulator', subscriptionId: '00000000-0000-0000-0000-000000000001', endpoint: 'https://127.0.0.1:1', caPem: '', principalId });
      const token = await clients.credential.getToken('https://management.azure.com/.default');
      expect(readEmulatorToken(token!.token), name).to.include({ oid: principalId });
    }
    const byDefault = createArmClients({ kind: 'emulator', subscriptionId: '00000000-0000-0000-0000-000000000001', endpoint: 'https://127.0.0.1:1', caPem: '' });
    expect(readEmulatorToken((await byDefault.credential.getToken('x'))!.token)).to.include({ oid: defaultEmulatorPrincipalId });
  });

  describe('the CLI: exit 2 before anything starts', () => {
    const commands: [string, string[]][] = [
      ['deploy', ['deploy', 'westeu-test-1', '--yes']],
      ['what-if', ['what-if', 'westeu-test-1']],
      ['destroy', ['destroy', 'westeu-test-1', '--confirm', 'westeu-test-1']],
      ['validate', ['validate', 'westeu-test-1']],
      ['secrets', ['secrets', 'westeu-test-1', '--check']],
      ['list', ['list']],
      ['show', ['show', 'westeu-test-1']],
      ['pause', ['pause', 'westeu-test-1']],
      ['resume', ['resume', 'westeu-test-1']],
    ];
    for (const [command, args] of commands) {
      it(`${command} --as ci without --emulator`, async () => {
        const run = await cfInfra([...args, '--as', 'ci'], nothingListens);
        expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.BadInput);
        expect(run.stderr).to.include('error: --as ci chooses who calls the local ARM emulator: pass --emulator with it');
        expect(run.stderr).to.include('hint: on Azure the identity is the login');
        expect(run.stderr).not.to.include('    at ');
      });
    }

    it('an unknown identity, with --emulator', async () => {
      const run = await cfInfra(['deploy', 'westeu-test-1', '--emulator', '--yes', '--as', 'admin'], nothingListens);
      expect(run.code, run.stdout + run.stderr).to.equal(ExitCode.BadInput);
      expect(run.stderr).to.include('--as "admin" is not an identity of the ARM emulator: use one of owner, ci, pr');
    });

    it('--as without a value', async () => {
      const run = await cfInfra(['list', '--emulator', '--as'], nothingListens);
      expect(run.code).to.equal(ExitCode.BadInput);
      expect(run.stderr).to.match(/list: Option '--as <value>' argument missing/);
    });

    it('--help of each command names --as', async () => {
      for (const [command] of commands) {
        expect(await commandHelp(command), command).to.include('--as <identity>').and.include('with --emulator: call ARM as ci');
      }
    });
  });
});

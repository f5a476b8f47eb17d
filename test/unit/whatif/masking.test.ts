// The two maskers, pinned directly: what-if output (whatif/mask.ts) and run reports (report/mask.ts).
// Each case fails if its rule is weakened: the longest-first order of secure values, names ending
// in "keys", and secure values of 4 characters.
import { expect } from 'chai';
import { maskDeep, minSecureValueLength } from '@complianceflow/cli/report/mask.ts';
import { createMasker, isSecretName, maskedValue } from '@complianceflow/cli/whatif/mask.ts';

// A secure value that is the start of a longer one: masking the short one first would leave the
// long one's tail ("EFGH5678") in clear.
const short = 'abcd1234';
const long = 'abcd1234EFGH5678';

describe('masking (what-if and run reports)', () => {
  describe('names that say they hold a secret', () => {
    for (const name of ['password', 'adminPassword', 'clientSecret', 'sasToken', 'connectionString', 'primaryKey', 'key', 'keys', 'primaryKeys', 'accessKeys', 'sharedAccessKeys[0]', 'storageAccountKeys[12]']) {
      it(`"${name}" is secret`, () => expect(isSecretName(name)).to.equal(true));
    }
    for (const name of ['name', 'keyVaultUri', 'monkeys-count', 'sku', 'location', 'displayName']) {
      it(`"${name}" is not`, () => expect(isSecretName(name)).to.equal(false));
    }
  });

  describe('what-if masker (createMasker)', () => {
    it('masks the longest secure value first, whatever order they are given in', () => {
      for (const order of [[short, long], [long, short]]) {
        const masker = createMasker(order);
        expect(masker.text(`value=${long};`)).to.equal(`value=${maskedValue};`);
        expect(masker.text(`value=${short};`)).to.equal(`value=${maskedValue};`);
        expect(masker.value('connection', { url: `postgres://u:${long}@h` })).to.deep.equal({ url: `postgres://u:${maskedValue}@h` });
      }
    });

    it('masks whole values under names ending in keys (lists and objects too)', () => {
      const masker = createMasker();
      expect(masker.value('primaryKeys', ['k1-value', 'k2-value'])).to.equal(maskedValue);
      expect(masker.value('properties', { accessKeys: { primary: 'p-value', secondary: 's-value' }, sku: 'Standard' })).to.deep.equal({ accessKeys: maskedValue, sku: 'Standard' });
      expect(masker.value('keys', 'one-value')).to.equal(maskedValue);
    });

    it('masks a 4-character secure value (and one of a single character) wherever it appears', () => {
      const masker = createMasker(['9z8y', 'q']);
      expect(masker.text('pin 9z8y here')).to.equal(`pin ${maskedValue} here`);
      expect(masker.value('note', 'q')).to.equal(maskedValue);
    });
  });

  describe('run report masker (maskDeep)', () => {
    it('masks the longest secure value first, whatever order they are given in', () => {
      for (const order of [[short, long], [long, short]]) {
        expect(maskDeep({ line: `password is ${long}.` }, order)).to.deep.equal({ line: `password is ${maskedValue}.` });
        expect(maskDeep([`${long} and ${short}`], order)).to.deep.equal([`${maskedValue} and ${maskedValue}`]);
      }
    });

    it('masks values under names ending in keys, list items included; keeps names of secrets that are not values', () => {
      const report = {
        outputs: { storageKeys: ['k1-value', 'k2-value'], primaryKeys: 'pk-value', endpoint: 'https://x' },
        secrets: { vault: 'kv-cf-westeu-test-1', created: ['postgresql-admin-password'], kept: [], operatorMissing: [], failed: [] },
      };
      expect(maskDeep(report)).to.deep.equal({
        outputs: { storageKeys: [maskedValue, maskedValue], primaryKeys: maskedValue, endpoint: 'https://x' },
        secrets: { vault: 'kv-cf-westeu-test-1', created: ['postgresql-admin-password'], kept: [], operatorMissing: [], failed: [] },
      });
    });

    it(`masks a secure value of ${minSecureValueLength} characters inside text; a shorter one is not searched for`, () => {
      expect(minSecureValueLength).to.equal(4);
      expect(maskDeep({ message: 'the pin 9z8y was used' }, ['9z8y'])).to.deep.equal({ message: `the pin ${maskedValue} was used` });
      expect(maskDeep({ message: 'abc is a word' }, ['abc'])).to.deep.equal({ message: 'abc is a word' });
    });

    it('leaves numbers, booleans and null as they are unless their name is secret', () => {
      expect(maskDeep({ count: 3, ok: true, none: null, apiKey: 42 })).to.deep.equal({ count: 3, ok: true, none: null, apiKey: maskedValue });
    });
  });
});

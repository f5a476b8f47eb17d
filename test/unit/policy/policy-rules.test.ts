// The Azure Policy rule language as the offline evaluator implements it: logical operators, every
// condition operator with its case rules, fields and aliases, [*], count, template functions.
import { expect } from 'chai';
import { evaluateRule, checkRule, RuleError, type ArmResource, type PolicyRule } from '@complianceflow/core/policy/index.ts';

const nsg: ArmResource = {
  type: 'Microsoft.Network/networkSecurityGroups',
  name: 'nsg-db',
  id: '/subscriptions/s/resourceGroups/rg-app/providers/Microsoft.Network/networkSecurityGroups/nsg-db',
  location: 'westeurope',
  tags: { App: 'complianceflow', env: 'test' },
  properties: {
    securityRules: [
      { name: 'allow-pg', properties: { direction: 'Inbound', access: 'Allow', priority: 100, destinationPortRange: '5432', sourceAddressPrefix: '10.10.0.0/24' } },
      { name: 'deny-all', properties: { direction: 'Inbound', access: 'Deny', priority: 4096, destinationPortRange: '*', sourceAddressPrefix: '*' } },
    ],
  },
};

const vault: ArmResource = {
  type: 'Microsoft.KeyVault/vaults',
  name: 'kv-cf-test',
  location: 'westeurope',
  tags: { app: 'complianceflow' },
  properties: { sku: { family: 'A', name: 'standard' }, publicNetworkAccess: 'Disabled', softDeleteRetentionInDays: 90 },
};

function matches(condition: unknown, resource: ArmResource = nsg, parameters: Record<string, unknown> = {}): boolean {
  const rule: PolicyRule = { if: condition, then: { effect: 'audit' } };
  return evaluateRule(rule, resource, parameters).matched;
}

function ruleError(fn: () => unknown): RuleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error('expected a RuleError');
}

describe('policy rule language', function () {
  describe('fields', function () {
    it('reads name (last segment), fullName, type, location and kind', function () {
      const secret: ArmResource = { type: 'Microsoft.KeyVault/vaults/secrets', name: 'kv-cf-test/pg-password', properties: {} };
      expect(matches({ field: 'name', equals: 'pg-password' }, secret)).to.equal(true);
      expect(matches({ field: 'fullName', equals: 'kv-cf-test/pg-password' }, secret)).to.equal(true);
      expect(matches({ field: 'type', equals: 'microsoft.keyvault/VAULTS/secrets' }, secret)).to.equal(true);
      expect(matches({ field: 'location', equals: 'westeurope' })).to.equal(true);
      expect(matches({ field: 'kind', exists: 'true' })).to.equal(false);
    });

    it('reports resource groups with the type Azure Policy uses', function () {
      const rg: ArmResource = { type: 'Microsoft.Resources/resourceGroups', name: 'rg-app', location: 'westeurope' };
      expect(matches({ field: 'type', equals: 'Microsoft.Resources/subscriptions/resourceGroups' }, rg)).to.equal(true);
    });

    it('reads tags in all three notations, with case-insensitive tag names', function () {
      expect(matches({ field: 'tags.app', equals: 'complianceflow' })).to.equal(true);
      expect(matches({ field: 'tags[app]', equals: 'COMPLIANCEFLOW' })).to.equal(true);
      expect(matches({ field: "tags['env']", equals: 'test' })).to.equal(true);
      expect(matches({ field: 'tags', containsKey: 'ENV' })).to.equal(true);
      expect(matches({ field: 'tags[owner]', exists: false })).to.equal(true);
    });

    it('maps aliases to their JSON path, not the alias text (Key Vault SKU lives under properties)', function () {
      expect(matches({ field: 'Microsoft.KeyVault/vaults/sku.name', equals: 'standard' }, vault)).to.equal(true);
      // A top-level sku on a vault is not what the alias reads.
      const misplaced: ArmResource = { ...vault, sku: { name: 'premium' }, properties: { sku: { name: 'standard' } } };
      expect(matches({ field: 'Microsoft.KeyVault/vaults/sku.name', equals: 'premium' }, misplaced)).to.equal(false);
      // PostgreSQL keeps its SKU at the top level.
      const server: ArmResource = { type: 'Microsoft.DBforPostgreSQL/flexibleServers', name: 'psql', location: 'westeurope', sku: { name: 'Standard_B1ms', tier: 'Burstable' }, properties: {} };
      expect(matches({ field: 'Microsoft.DBForPostgreSql/flexibleServers/sku.tier', equals: 'Burstable' }, server)).to.equal(true);
    });

    it('treats an alias of another resource type as not existing', function () {
      expect(matches({ field: 'Microsoft.KeyVault/vaults/sku.name', exists: 'false' }, nsg)).to.equal(true);
      expect(matches({ field: 'Microsoft.KeyVault/vaults/sku.name', notEquals: 'premium' }, nsg)).to.equal(true);
    });
  });

  describe('logical operators', function () {
    it('combines allOf, anyOf and not', function () {
      const condition = {
        allOf: [
          { field: 'type', equals: 'Microsoft.Network/networkSecurityGroups' },
          { anyOf: [{ field: 'location', equals: 'eastus' }, { not: { field: 'tags.env', equals: 'prod' } }] },
        ],
      };
      expect(matches(condition)).to.equal(true);
      expect(matches({ not: condition })).to.equal(false);
      expect(matches({ allOf: [{ field: 'location', equals: 'westeurope' }, { field: 'tags.env', equals: 'prod' }] })).to.equal(false);
      expect(matches({ anyOf: [] })).to.equal(false);
      expect(matches({ allOf: [] })).to.equal(true);
    });
  });

  describe('condition operators and their case rules', function () {
    const cases: Array<[string, unknown, unknown, boolean]> = [
      ['equals', 'WestEurope', 'westeurope', true],
      ['equals', 'westeurope', 'westeurope2', false],
      ['notEquals', 'WESTEUROPE', 'westeurope', false],
      ['like', 'kv-cf-test', 'KV-*-test', true],
      ['like', 'kv-cf-test', 'kv-*-prod', false],
      ['notLike', 'kv-cf-test', 'kv-*-prod', true],
      ['match', 'cf-westeu-test-1', 'cf-??????-????-#', true],
      ['match', 'CF-westeu-test-1', 'cf-??????-????-#', false],
      ['matchInsensitively', 'CF-westeu-test-1', 'cf-??????-????-#', true],
      ['notMatch', 'cf-westeu-test-x', 'cf-??????-????-#', true],
      ['notMatchInsensitively', 'CF-westeu-test-1', 'cf-??????-????-#', false],
      ['match', 'ab.c', 'ab.c', true],
      ['match', 'abXc', 'ab.c', true],
      ['contains', 'Standard_D4s_v3', 'd4S', true],
      ['notContains', 'Standard_D4s_v3', 'B1ms', true],
      ['in', 'EastUS', ['westeurope', 'eastus'], true],
      ['notIn', 'EastUS', ['westeurope', 'eastus'], false],
      ['notIn', 'brazilsouth', ['westeurope', 'eastus'], true],
      ['less', 30, 31, true],
      ['less', 31, 31, false],
      ['lessOrEquals', 31, 31, true],
      ['greater', 50, 10, true],
      ['greaterOrEquals', 10, 10, true],
      ['greater', '50', 10, true],
    ];
    for (const [operator, actual, operand, expected] of cases) {
      it(`${JSON.stringify(actual)} ${operator} ${JSON.stringify(operand)} is ${expected}`, function () {
        expect(matches({ value: actual, [operator]: operand })).to.equal(expected);
      });
    }

    it('contains / containsKey on arrays and objects', function () {
      expect(matches({ value: ['Inbound', 'Outbound'], contains: 'inbound' })).to.equal(true);
      expect(matches({ value: { Env: 'x' }, containsKey: 'env' })).to.equal(true);
      expect(matches({ value: { Env: 'x' }, notContainsKey: 'owner' })).to.equal(true);
    });

    it('exists takes true/false as booleans or strings', function () {
      expect(matches({ field: 'tags.env', exists: true })).to.equal(true);
      expect(matches({ field: 'tags.env', exists: 'True' })).to.equal(true);
      expect(matches({ field: 'tags.nope', exists: 'false' })).to.equal(true);
    });

    it('a missing field equals nothing, so the negated operators hold for it', function () {
      expect(matches({ field: 'tags.owner', equals: '' })).to.equal(false);
      expect(matches({ field: 'tags.owner', notEquals: 'platform' })).to.equal(true);
      expect(matches({ field: 'tags.owner', in: ['a'] })).to.equal(false);
      expect(matches({ field: 'tags.owner', notIn: ['a'] })).to.equal(true);
      expect(matches({ field: 'tags.owner', like: '*' })).to.equal(false);
    });
  });

  describe('[*] aliases', function () {
    it('a condition on a [*] alias holds only when every element satisfies it', function () {
      expect(matches({ field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].direction', equals: 'Inbound' })).to.equal(true);
      expect(matches({ field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].access', equals: 'Allow' })).to.equal(false);
      expect(matches({ not: { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].access', notEquals: 'Deny' } })).to.equal(true);
    });

    it('field() of a [*] alias is the array of element values', function () {
      expect(matches({ value: "[length(field('Microsoft.Network/networkSecurityGroups/securityRules[*].priority'))]", equals: 2 })).to.equal(true);
      expect(matches({ value: "[field('Microsoft.Network/networkSecurityGroups/securityRules[*].priority')]", contains: 4096 })).to.equal(true);
    });
  });

  describe('count', function () {
    it('field count with where counts the matching array elements, resolving aliases against the current element', function () {
      const inboundAllowFromAnywhere = {
        count: {
          field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
          where: {
            allOf: [
              { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].access', equals: 'allow' },
              { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*].sourceAddressPrefix', in: ['*', 'Internet'] },
            ],
          },
        },
        greater: 0,
      };
      expect(matches(inboundAllowFromAnywhere)).to.equal(false);
      const open = structuredClone(nsg);
      (open.properties!['securityRules'] as Array<{ properties: Record<string, unknown> }>)[0]!.properties['sourceAddressPrefix'] = 'Internet';
      expect(matches(inboundAllowFromAnywhere, open)).to.equal(true);
    });

    it('field count without where is the array length, and 0 for another type', function () {
      expect(matches({ count: { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]' }, equals: 2 })).to.equal(true);
      expect(matches({ count: { field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]' }, equals: 0 }, vault)).to.equal(true);
    });

    it('current() reads the element inside a field count', function () {
      const condition = {
        count: {
          field: 'Microsoft.Network/networkSecurityGroups/securityRules[*]',
          where: { value: "[current('Microsoft.Network/networkSecurityGroups/securityRules[*].priority')]", less: 200 },
        },
        equals: 1,
      };
      expect(matches(condition)).to.equal(true);
    });

    it('value count with name and current(): required tags, case-insensitive', function () {
      const missingTags = {
        count: {
          value: "[parameters('requiredTags')]",
          name: 'tagName',
          where: { field: "[concat('tags[', current('tagName'), ']')]", exists: 'false' },
        },
        greater: 0,
      };
      expect(matches(missingTags, nsg, { requiredTags: ['app', 'env'] })).to.equal(false);
      expect(matches(missingTags, nsg, { requiredTags: ['app', 'env', 'owner'] })).to.equal(true);
    });
  });

  describe('template functions', function () {
    it('parameters, concat, toLower, toUpper, if, and/or/not, equals, empty, length, contains, first, last, split, replace, substring, indexOf', function () {
      const p = { name: 'Standard_D4s_v3', list: ['a', 'b'] };
      const truths = [
        "[equals(toLower(parameters('name')), 'standard_d4s_v3')]",
        "[equals(toUpper('ab'), 'AB')]",
        "[equals(concat('a', 'b', parameters('list')[1]), 'abb')]",
        "[equals(if(empty(parameters('list')), 'x', 'y'), 'y')]",
        "[and(not(empty('x')), or(false(), true()))]",
        "[equals(length(parameters('list')), 2)]",
        "[contains(parameters('list'), 'B')]",
        "[equals(first(parameters('list')), 'a')]",
        "[equals(last(split(parameters('name'), '_')), 'v3')]",
        "[equals(replace(parameters('name'), 'Standard_', ''), 'D4s_v3')]",
        "[equals(substring(parameters('name'), 9, 3), 'D4s')]",
        "[equals(indexOf(parameters('name'), 'd4'), 9)]",
        "[equals(resourceGroup().name, 'rg-app')]",
        "[equals(field('tags').env, 'test')]",
      ];
      for (const expression of truths) expect(matches({ value: expression, equals: true }, nsg, p), expression).to.equal(true);
    });

    it("keeps '[[' as a literal bracket", function () {
      expect(matches({ value: '[[not an expression]', equals: '[[not an expression]' })).to.equal(true);
      expect(matches({ value: '[[not an expression]', like: '[not an*' })).to.equal(true);
    });

    it('takes the effect from a parameter', function () {
      const outcome = evaluateRule({ if: { field: 'type', like: '*' }, then: { effect: "[parameters('effect')]" } }, nsg, { effect: 'Deny' });
      expect(outcome).to.include({ matched: true, effect: 'deny' });
    });
  });

  describe('errors in a rule', function () {
    it('an unknown operator names the path and the operators allowed', function () {
      const error = ruleError(() => checkRule({ if: { allOf: [{ field: 'type', equals: 'x' }, { field: 'location', equal: 'x' }] }, then: { effect: 'deny' } }, {}));
      expect(error.path).to.equal('if.allOf[1]');
      expect(error.message).to.contain('unknown operator "equal"');
      expect(error.hint).to.contain('notContainsKey');
    });

    it('an unknown alias of a known type lists the aliases of that type', function () {
      const error = ruleError(() => checkRule({ if: { field: 'Microsoft.KeyVault/vaults/skuName', equals: 'x' }, then: { effect: 'deny' } }, {}));
      expect(error.path).to.equal('if.field');
      expect(error.message).to.contain('unknown alias "Microsoft.KeyVault/vaults/skuName"');
      expect(error.hint).to.contain('Microsoft.KeyVault/vaults/sku.name');
    });

    it('an alias of an unknown type, an unknown function, an unknown effect and two operators are refused', function () {
      expect(ruleError(() => checkRule({ if: { field: 'Microsoft.Foo/bars/baz', equals: 'x' }, then: { effect: 'deny' } }, {})).message).to.contain('not in the alias table');
      expect(ruleError(() => checkRule({ if: { value: "[lowercase('A')]", equals: 'a' }, then: { effect: 'deny' } }, {})).message).to.contain('unknown template function "lowercase()"');
      expect(ruleError(() => checkRule({ if: { field: 'type', equals: 'x' }, then: { effect: 'block' } }, {})).message).to.contain('unknown effect "block"');
      expect(ruleError(() => checkRule({ if: { field: 'type', equals: 'x', notEquals: 'y' }, then: { effect: 'deny' } }, {})).message).to.contain('exactly one');
    });

    it('checks field names built from parameters with the assigned values', function () {
      const rule = { if: { field: "[concat('Microsoft.KeyVault/vaults/', parameters('property'))]", equals: 'x' }, then: { effect: 'deny' } };
      expect(() => checkRule(rule, { property: 'sku.name' })).not.to.throw();
      expect(ruleError(() => checkRule(rule, { property: 'sku.nam' })).message).to.contain('unknown alias');
    });

    it('a count over a non-array alias is refused', function () {
      const error = ruleError(() => checkRule({ if: { count: { field: 'Microsoft.KeyVault/vaults/sku.name' }, equals: 0 }, then: { effect: 'deny' } }, {}));
      expect(error.message).to.contain('not an array alias');
    });
  });
});

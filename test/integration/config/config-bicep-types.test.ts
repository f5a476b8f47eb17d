// The registry's allowed values and shapes agree with the types main.bicep declares
// (bicep/shared/types.bicep, compiled by the real Bicep CLI): what the registry accepts, the
// template accepts, and every parameter the orchestrator sends is one the template declares.
import { expect } from 'chai';
import path from 'node:path';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import { postgresTiers } from '@complianceflow/cli/config/azure-limits.ts';
import { mainParameters } from '@complianceflow/cli/config/parameters.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { registrySchemas, schemaDocument } from '@complianceflow/cli/config/schema-files.ts';
import { loadRegistry, resolveDeployment } from '@complianceflow/cli/config/registry.ts';

interface TypeDefinition {
  type?: string;
  allowedValues?: unknown[];
  properties?: Record<string, TypeDefinition>;
  nullable?: boolean;
  $ref?: string;
}

describe('registry and bicep/shared/types.bicep agree', function () {
  let definitions: Record<string, TypeDefinition>;

  before(async () => {
    const bicep = await openBicep();
    try {
      const compiled = await bicep.compile(path.join(repoRoot, 'bicep', 'shared', 'types.bicep'));
      definitions = (compiled.template as { definitions: Record<string, TypeDefinition> }).definitions;
    } finally {
      await bicep.dispose();
    }
  });

  function allowed(type: string, ...fieldPath: string[]): unknown[] {
    let node = definitions[type];
    for (const key of fieldPath) node = node?.properties?.[key];
    expect(node?.allowedValues, `${type}.${fieldPath.join('.')} has no allowedValues`).to.be.an('array');
    return [...node!.allowedValues!].map(String).sort();
  }

  const sorted = (values: readonly unknown[]) => values.map(String).sort();

  interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    enum?: unknown[];
  }
  /** A profile section's field in deployments/schemas/profile.schema.json (the settings definitions). */
  function field(section: string, ...fieldPath: string[]): SchemaNode {
    let node = (schemaDocument(registrySchemas.profile) as { definitions: Record<string, SchemaNode> }).definitions[section];
    for (const key of fieldPath) node = node?.properties?.[key];
    expect(node, `${section}.${fieldPath.join('.')}`).to.be.an('object');
    return node!;
  }
  const schemaEnum = (section: string, ...fieldPath: string[]) => sorted(field(section, ...fieldPath).enum ?? []);

  it('SKUs, sizes, tiers and policies: the same sets', () => {
    expect(allowed('databaseSettingsType', 'storageSizeGb')).to.deep.equal(schemaEnum('database', 'storageSizeGb'));
    expect(allowed('databaseSettingsType', 'sku', 'tier')).to.deep.equal(schemaEnum('database', 'sku', 'tier'));
    expect(schemaEnum('database', 'sku', 'tier'), 'the tiers the cross-field rules know').to.deep.equal(sorted(Object.keys(postgresTiers)));
    expect(allowed('redisSettingsType', 'persistence')).to.deep.equal(schemaEnum('redis', 'persistence'));
    expect(allowed('redisSettingsType', 'evictionPolicy')).to.deep.equal(schemaEnum('redis', 'evictionPolicy'));
    expect(allowed('messagingSettingsType', 'sku')).to.deep.equal(schemaEnum('messaging', 'sku'));
    expect(allowed('keyVaultSettingsType', 'sku')).to.deep.equal(schemaEnum('keyVault', 'sku'));
    expect(allowed('registrySettingsType', 'sku')).to.deep.equal(schemaEnum('registry', 'sku'));
  });

  it('every PostgreSQL version the template accepts is one the registry accepts', () => {
    expect(schemaEnum('database', 'version')).to.include.members(allowed('databaseSettingsType', 'version'));
  });

  it('environments: one profile per environment the template knows', () => {
    expect(allowed('environmentType')).to.deep.equal(Object.keys(loadRegistry().profiles).sort());
  });

  it('each profile section has exactly the fields of its settings type', () => {
    const sections: Record<string, string> = {
      network: 'networkSettingsType',
      monitoring: 'monitoringSettingsType',
      database: 'databaseSettingsType',
      redis: 'redisSettingsType',
      messaging: 'messagingSettingsType',
      keyVault: 'keyVaultSettingsType',
      registry: 'registrySettingsType',
    };
    // The network section reaches the template with the deployment file's own managementSourceRanges added.
    const fromDeploymentFile: Record<string, string[]> = { network: ['managementSourceRanges'] };
    const deploymentFields = (schemaDocument(registrySchemas.deployment) as SchemaNode).properties!;
    for (const name of fromDeploymentFile['network']!) expect(name in deploymentFields, name).to.equal(true);
    for (const [section, type] of Object.entries(sections)) {
      expect(Object.keys(definitions[type]!.properties!).sort(), section).to.deep.equal([...Object.keys(field(section).properties!), ...(fromDeploymentFile[section] ?? [])].sort());
    }
  });

  it('the names the orchestrator sends are the names the template declares', () => {
    const declared = definitions['namesType']!.properties!;
    const sent = mainParameters(resolveDeployment(loadRegistry(), 'westeu-prod-1')).names;
    expect(Object.keys(sent).sort()).to.deep.equal(Object.keys(declared).sort());
    expect(Object.keys(sent.subnets).sort()).to.deep.equal(Object.keys(definitions['subnetNamesType']!.properties!).sort());
    expect(Object.keys(sent.privateEndpoints).sort()).to.deep.equal(Object.keys(definitions['privateEndpointNamesType']!.properties!).sort());
    expect(Object.keys(mainParameters(resolveDeployment(loadRegistry(), 'westeu-prod-1')).tags).sort()).to.deep.equal(Object.keys(definitions['tagsType']!.properties!).sort());
  });
});

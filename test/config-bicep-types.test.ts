// The registry's allowed values and shapes agree with the types main.bicep declares
// (bicep/shared/types.bicep, compiled by the real Bicep CLI): what the registry accepts, the
// template accepts, and every parameter the orchestrator sends is one the template declares.
import { expect } from 'chai';
import path from 'node:path';
import { openBicep } from '@complianceflow/core/bicep/index.ts';
import {
  containerRegistrySkus,
  eventHubsSkus,
  keyVaultSkus,
  postgresStorageSizesGb,
  postgresTiers,
  postgresVersions,
  redisEvictionPolicies,
  redisPersistence,
} from '@complianceflow/cli/config/azure-limits.ts';
import { mainParameters } from '@complianceflow/cli/config/parameters.ts';
import { repoRoot } from '@complianceflow/cli/config/paths.ts';
import { deploymentSpec } from '@complianceflow/cli/config/deployment-schema.ts';
import { profileFields } from '@complianceflow/cli/config/profile-schema.ts';
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

  const sorted = (values: readonly (string | number)[]) => values.map(String).sort();

  it('SKUs, sizes, tiers and policies: the same sets', () => {
    expect(allowed('databaseSettingsType', 'storageSizeGb')).to.deep.equal(sorted(postgresStorageSizesGb));
    expect(allowed('databaseSettingsType', 'sku', 'tier')).to.deep.equal(sorted(Object.keys(postgresTiers)));
    expect(allowed('redisSettingsType', 'persistence')).to.deep.equal(sorted(redisPersistence));
    expect(allowed('redisSettingsType', 'evictionPolicy')).to.deep.equal(sorted(redisEvictionPolicies));
    expect(allowed('messagingSettingsType', 'sku')).to.deep.equal(sorted(eventHubsSkus));
    expect(allowed('keyVaultSettingsType', 'sku')).to.deep.equal(sorted(keyVaultSkus));
    expect(allowed('registrySettingsType', 'sku')).to.deep.equal(sorted(containerRegistrySkus));
  });

  it('every PostgreSQL version the template accepts is one the registry accepts', () => {
    expect(sorted(postgresVersions)).to.include.members(allowed('databaseSettingsType', 'version'));
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
    for (const field of fromDeploymentFile['network']!) expect(deploymentSpec.kind === 'object' && field in deploymentSpec.fields, field).to.equal(true);
    for (const [section, type] of Object.entries(sections)) {
      const spec = profileFields[section as keyof typeof profileFields].spec;
      expect(Object.keys(definitions[type]!.properties!).sort(), section).to.deep.equal([...Object.keys(spec.fields), ...(fromDeploymentFile[section] ?? [])].sort());
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

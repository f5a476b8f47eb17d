// Invariants over the offline snapshots of all eight deployments (built once, from the current Bicep,
// through the plan API with one Bicep process): tags, private data services with TLS >= 1.2, diagnostics
// everywhere they exist, and no secret value anywhere.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRegistry, resolveAll } from '@complianceflow/cli/config/registry.ts';
import { defaultGoldenDir } from '@complianceflow/cli/plan/golden.ts';
import { buildSnapshots, childrenOf, diagnosticSettingsOf, isExpression, ofType, prop, type DeploymentSnapshot, type Resource } from '../../support/snapshots.ts';

// The policy tags of Story 0, plus the deployment and region tags of Story 2 (main.bicep passes all six everywhere).
const requiredTags = ['app', 'env', 'owner', 'costCenter', 'deployment', 'region'] as const;

/**
 * Types that cannot carry tags in ARM (child or extension resources without a `tags` property).
 * Everything else must be tagged — a new type is taggable until it is added here.
 */
const notTaggable = new Set(
  [
    'Microsoft.Insights/diagnosticSettings',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
    'Microsoft.DBforPostgreSQL/flexibleServers/databases',
    'Microsoft.Cache/redisEnterprise/databases',
    'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
    'Microsoft.EventHub/namespaces/eventhubs',
    'Microsoft.EventHub/namespaces/eventhubs/authorizationRules',
    'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    'Microsoft.Storage/storageAccounts/blobServices',
  ].map((t) => t.toLowerCase()),
);

/** Types with log categories or metrics worth exporting: each one must have a diagnostic setting to the workspace. */
const mustHaveDiagnostics = new Set(
  [
    'Microsoft.Network/virtualNetworks',
    'Microsoft.Network/networkSecurityGroups',
    'Microsoft.Storage/storageAccounts',
    'Microsoft.Storage/storageAccounts/blobServices',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.Cache/redisEnterprise',
    'Microsoft.Cache/redisEnterprise/databases',
    'Microsoft.EventHub/namespaces',
    'Microsoft.KeyVault/vaults',
    'Microsoft.ContainerRegistry/registries',
    'Microsoft.App/managedEnvironments',
    'Microsoft.OperationalInsights/workspaces',
    'Microsoft.Insights/components',
  ].map((t) => t.toLowerCase()),
);

/**
 * Types that have no diagnostic setting: no diagnostic categories (identities, role assignments, action
 * groups, alert rules, workbooks, DNS zones and links, private endpoints and their zone groups), child
 * resources whose parent's setting covers them, the resource group, and the flow log (it is itself the
 * VNet's traffic log). Every type of a snapshot must be in one of the two lists, so a new type fails here
 * until someone decides.
 */
const noDiagnostics = new Set(
  [
    'Microsoft.Resources/resourceGroups',
    'Microsoft.Insights/diagnosticSettings',
    'Microsoft.Authorization/roleAssignments',
    'Microsoft.ManagedIdentity/userAssignedIdentities',
    'Microsoft.Insights/actionGroups',
    'Microsoft.Insights/metricAlerts',
    'Microsoft.Insights/scheduledQueryRules',
    'Microsoft.Insights/workbooks',
    'Microsoft.Network/privateDnsZones',
    'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    'Microsoft.Network/privateEndpoints',
    'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
    'Microsoft.Network/networkWatchers/flowLogs',
    'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
    'Microsoft.DBforPostgreSQL/flexibleServers/databases',
    'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
    'Microsoft.EventHub/namespaces/eventhubs',
    'Microsoft.EventHub/namespaces/eventhubs/consumergroups',
    'Microsoft.EventHub/namespaces/eventhubs/authorizationRules',
    'Microsoft.KeyVault/vaults/secrets',
    // Its console and system logs reach Log Analytics through the environment's setting.
    'Microsoft.App/jobs',
    // Task runs on the pool are logged by the registry's own setting (ContainerRegistryRepositoryEvents, login events); the pool has no categories.
    'Microsoft.ContainerRegistry/registries/agentPools',
  ].map((t) => t.toLowerCase()),
);

const dataServiceTypes = [
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.Cache/redisEnterprise',
  'Microsoft.EventHub/namespaces',
  'Microsoft.KeyVault/vaults',
  'Microsoft.Storage/storageAccounts',
  'Microsoft.ContainerRegistry/registries',
];

/** Problems of one data service with public access; an empty list when it is private (or a documented exception). */
function publicAccessProblems(s: DeploymentSnapshot, r: Resource): string[] {
  const where = `${s.deployment} ${r.type} ${r.name}`;
  const disabled = (value: unknown, what: string) => (value === 'Disabled' ? [] : [`${where}: ${what} is ${JSON.stringify(value)}, not Disabled`]);
  switch (r.type.toLowerCase()) {
    case 'microsoft.dbforpostgresql/flexibleservers':
      return disabled(prop(r, 'properties.network.publicNetworkAccess'), 'network.publicNetworkAccess');
    case 'microsoft.cache/redisenterprise':
    case 'microsoft.eventhub/namespaces':
    case 'microsoft.keyvault/vaults':
      return disabled(prop(r, 'properties.publicNetworkAccess'), 'publicNetworkAccess');
    case 'microsoft.containerregistry/registries': {
      // Documented exception (containerapps README): only Premium can be private; Basic/Standard stay
      // public but with no admin user and no anonymous pull (Entra ID pulls and pushes only).
      if (r.sku?.['name'] === 'Premium') return disabled(prop(r, 'properties.publicNetworkAccess'), 'publicNetworkAccess (Premium)');
      const problems: string[] = [];
      if (prop(r, 'properties.adminUserEnabled') !== false) problems.push(`${where}: public ${r.sku?.['name']} registry with the admin user on`);
      if (prop(r, 'properties.anonymousPullEnabled') !== false) problems.push(`${where}: public ${r.sku?.['name']} registry with anonymous pull`);
      return problems;
    }
    case 'microsoft.storage/storageaccounts': {
      const problems: string[] = [];
      if (prop(r, 'properties.allowBlobPublicAccess') !== false) problems.push(`${where}: allowBlobPublicAccess is not false`);
      if (prop(r, 'properties.publicNetworkAccess') === 'Disabled') return problems;
      // Documented exception (networking README): the flow-log account keeps its public endpoint behind a
      // closed firewall, so that Network Watcher can write through the trusted-services bypass.
      const acls = prop(r, 'properties.networkAcls') ?? {};
      const closed =
        r.name === (s.parameters['names'] as { flowLogsStorageAccount: string }).flowLogsStorageAccount &&
        acls.defaultAction === 'Deny' &&
        (acls.ipRules ?? []).length === 0 &&
        (acls.virtualNetworkRules ?? []).length === 0 &&
        String(acls.bypass).includes('AzureServices');
      if (!closed) problems.push(`${where}: publicNetworkAccess ${JSON.stringify(prop(r, 'properties.publicNetworkAccess'))} without the closed firewall of the flow-log exception`);
      return problems;
    }
    default:
      return [`${where}: no public-access rule for this type`];
  }
}

/** Problems of one data service's TLS (at least 1.2, and encrypted-only where the service has the switch). */
function tlsProblems(s: DeploymentSnapshot, r: Resource): string[] {
  const where = `${s.deployment} ${r.type} ${r.name}`;
  const atLeast12 = (value: unknown, allowed: string[], what: string) => (allowed.includes(String(value)) ? [] : [`${where}: ${what} is ${JSON.stringify(value)}, allowed ${allowed.join(', ')}`]);
  switch (r.type.toLowerCase()) {
    case 'microsoft.dbforpostgresql/flexibleservers': {
      const config = Object.fromEntries(childrenOf(s, r.id, 'Microsoft.DBforPostgreSQL/flexibleServers/configurations').map((c) => [c.name.split('/').at(-1), c.properties?.['value']]));
      return [...atLeast12(config['ssl_min_protocol_version'], ['TLSv1.2', 'TLSv1.3'], 'ssl_min_protocol_version'), ...atLeast12(config['require_secure_transport'], ['ON', 'on'], 'require_secure_transport')];
    }
    case 'microsoft.cache/redisenterprise': {
      const databases = childrenOf(s, r.id, 'Microsoft.Cache/redisEnterprise/databases');
      return [
        ...atLeast12(prop(r, 'properties.minimumTlsVersion'), ['1.2', '1.3'], 'minimumTlsVersion'),
        ...(databases.length === 0 ? [`${where}: no database`] : []),
        ...databases.flatMap((d) => atLeast12(prop(d, 'properties.clientProtocol'), ['Encrypted'], `${d.name} clientProtocol`)),
      ];
    }
    case 'microsoft.eventhub/namespaces':
      return atLeast12(prop(r, 'properties.minimumTlsVersion'), ['1.2', '1.3'], 'minimumTlsVersion');
    case 'microsoft.storage/storageaccounts':
      return [...atLeast12(prop(r, 'properties.minimumTlsVersion'), ['TLS1_2', 'TLS1_3'], 'minimumTlsVersion'), ...atLeast12(prop(r, 'properties.supportsHttpsTrafficOnly'), ['true'], 'supportsHttpsTrafficOnly')];
    case 'microsoft.keyvault/vaults':
    case 'microsoft.containerregistry/registries':
      // No TLS setting in ARM: both services accept TLS 1.2+ only, platform-wide.
      return [];
    default:
      return [`${where}: no TLS rule for this type`];
  }
}

// --- secret scan -------------------------------------------------------------------------------------

/** Property names that hold secrets. */
const secretName = /(password|secret|accountkey|sharedaccesskey|primarykey|secondarykey|connectionstring|token|privatekey|credential)/i;
/** Values that are settings, not secrets, even under a secret-looking name. */
const settingValue = /^(enabled|disabled|true|false|none|null)$/i;

interface SecretFinding {
  path: string;
  reason: string;
}

/** Every string of a JSON value that carries (or looks like) a literal secret. ARM expressions are allowed. */
function findSecrets(value: unknown, at = '$', parentKey = ''): SecretFinding[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, `${at}[${i}]`, parentKey));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => findSecrets(v, `${at}.${k}`, k));
  }
  if (typeof value !== 'string' || isExpression(value)) return [];
  const findings: SecretFinding[] = [];
  if (/AccountKey=/i.test(value)) findings.push({ path: at, reason: 'AccountKey= in a literal' });
  if (/SharedAccessKey=/i.test(value)) findings.push({ path: at, reason: 'SharedAccessKey= in a literal' });
  if (/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/.test(value)) findings.push({ path: at, reason: 'PEM block in a literal' });
  if (/\b(password|pwd)\s*=\s*[^;{\s]+/i.test(value)) findings.push({ path: at, reason: 'password= in a literal' });
  if (/:\/\/[^/\s:@{}]+:[^/\s@{}]+@/.test(value)) findings.push({ path: at, reason: 'credentials in a URL' });
  const isSecretProperty = secretName.test(parentKey) || (parentKey === 'value' && /\/secrets\b|\.secrets|vaults\/secrets/i.test(at));
  // A template with placeholders ("postgresql://{user}:{password}@host/...") names where a secret goes, holds none.
  const isTemplate = /\{[A-Za-z_]+\}/.test(value);
  if (isSecretProperty && value !== '' && !settingValue.test(value) && !isTemplate) {
    if (/^[A-Za-z0-9+/_-]{32,}={0,2}$/.test(value)) findings.push({ path: at, reason: `32+ character base64 literal in ${parentKey}` });
    else findings.push({ path: at, reason: `literal value in the secret-named property ${parentKey}` });
  }
  return findings;
}

/** The secret scan of one resource; Key Vault secret values are scanned as secret-named. */
function secretsIn(r: Resource): SecretFinding[] {
  const findings = findSecrets(r, r.id);
  if (r.type.toLowerCase() === 'microsoft.keyvault/vaults/secrets') {
    const v = prop(r, 'properties.value');
    if (v !== undefined && !isExpression(v)) findings.push({ path: `${r.id}.properties.value`, reason: 'Key Vault secret with a literal value' });
  }
  return findings;
}

describe('invariants over the snapshots of all eight deployments', function () {
  this.timeout(300_000);
  let snapshots: DeploymentSnapshot[];
  const registryNames = resolveAll(loadRegistry()).map((d) => d.name);

  before(async () => {
    snapshots = [...(await buildSnapshots('all')).values()];
  });

  it('covers all eight deployments of the registry', () => {
    expect(registryNames).to.have.length(8);
    expect(snapshots.map((s) => s.deployment)).to.have.members(registryNames);
  });

  it('every taggable resource has app, env, owner and costCenter (and deployment, region), with the deployment\'s values', () => {
    const problems: string[] = [];
    for (const s of snapshots) {
      const wanted = s.resolved.tags;
      for (const r of s.resources) {
        if (notTaggable.has(r.type.toLowerCase())) continue;
        for (const tag of requiredTags) {
          const value = r.tags?.[tag];
          if (typeof value !== 'string' || value === '') problems.push(`${s.deployment} ${r.type} ${r.name}: no ${tag} tag`);
          else if (value !== wanted[tag]) problems.push(`${s.deployment} ${r.type} ${r.name}: ${tag}=${value}, expected ${wanted[tag]}`);
        }
      }
      expect(wanted.env, s.deployment).to.equal(s.environment);
      expect(wanted.app).to.equal('complianceflow');
    }
    expect(problems).to.deep.equal([]);
  });

  it('the not-taggable list names only types that occur (it is kept small and current)', () => {
    const present = new Set(snapshots.flatMap((s) => s.resources.map((r) => r.type.toLowerCase())));
    expect([...notTaggable].filter((t) => !present.has(t))).to.deep.equal([]);
  });

  it('every data service (PostgreSQL, Managed Redis, Event Hubs, Key Vault, storage, ACR Premium) has public network access disabled — Basic/Standard ACR and the flow-log account are the documented exceptions', () => {
    const problems: string[] = [];
    for (const s of snapshots) {
      for (const type of dataServiceTypes) {
        const found = ofType(s, type);
        if (type !== 'Microsoft.Storage/storageAccounts' && found.length !== 1) problems.push(`${s.deployment}: ${found.length} × ${type}`);
        for (const r of found) problems.push(...publicAccessProblems(s, r));
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('prod registries are Premium and private; others carry no private endpoint', () => {
    for (const s of snapshots) {
      const registry = ofType(s, 'Microsoft.ContainerRegistry/registries')[0]!;
      if (s.environment === 'prod') {
        expect(registry.sku?.['name'], s.deployment).to.equal('Premium');
        expect(prop(registry, 'properties.publicNetworkAccess'), s.deployment).to.equal('Disabled');
      } else {
        const endpoints = ofType(s, 'Microsoft.Network/privateEndpoints').filter((e) => JSON.stringify(e.properties).includes(registry.id));
        expect(endpoints, `${s.deployment}: private endpoints to a ${registry.sku?.['name']} registry`).to.have.length(0);
      }
    }
  });

  it('every data service requires TLS 1.2 or newer', () => {
    const problems: string[] = [];
    for (const s of snapshots) for (const type of dataServiceTypes) for (const r of ofType(s, type)) problems.push(...tlsProblems(s, r));
    expect(problems).to.deep.equal([]);
  });

  it('every private data service has a private endpoint with a DNS zone group', () => {
    const problems: string[] = [];
    for (const s of snapshots) {
      const endpoints = ofType(s, 'Microsoft.Network/privateEndpoints');
      for (const type of dataServiceTypes) {
        for (const r of ofType(s, type)) {
          const publicAccess = prop(r, 'properties.publicNetworkAccess') ?? prop(r, 'properties.network.publicNetworkAccess');
          if (publicAccess !== 'Disabled') continue;
          const pe = endpoints.find((e) => (e.properties?.['privateLinkServiceConnections'] as any[]).some((c) => c.properties.privateLinkServiceId === r.id));
          if (pe === undefined) problems.push(`${s.deployment} ${r.name}: public access disabled but no private endpoint`);
          else if (childrenOf(s, pe.id, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups').length !== 1) problems.push(`${s.deployment} ${pe.name}: no DNS zone group`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('every resource that supports diagnostics has exactly one diagnostic setting, to the deployment\'s workspace; every type is classified', () => {
    const problems: string[] = [];
    for (const s of snapshots) {
      const workspace = ofType(s, 'Microsoft.OperationalInsights/workspaces');
      expect(workspace, s.deployment).to.have.length(1);
      for (const r of s.resources) {
        const type = r.type.toLowerCase();
        if (noDiagnostics.has(type)) continue;
        if (!mustHaveDiagnostics.has(type)) {
          problems.push(`${s.deployment}: type ${r.type} is in neither diagnostics list`);
          continue;
        }
        const settings = diagnosticSettingsOf(s, r.id);
        if (settings.length !== 1) problems.push(`${s.deployment} ${r.type} ${r.name}: ${settings.length} diagnostic settings`);
        for (const d of settings) {
          if (prop(d, 'properties.workspaceId') !== workspace[0]!.id) problems.push(`${s.deployment} ${d.id}: workspaceId ${prop(d, 'properties.workspaceId')}`);
          const enabled = [...((prop(d, 'properties.logs') as { enabled: boolean }[]) ?? []), ...((prop(d, 'properties.metrics') as { enabled: boolean }[]) ?? [])].filter((x) => x.enabled);
          if (enabled.length === 0) problems.push(`${s.deployment} ${d.id}: nothing enabled`);
        }
      }
      // No setting on a resource the snapshot does not create (a typo'd scope would silently fail at deploy time).
      const ids = new Set(s.resources.map((r) => r.id.toLowerCase()));
      for (const d of ofType(s, 'Microsoft.Insights/diagnosticSettings')) {
        const scope = d.id.slice(0, d.id.toLowerCase().indexOf('/providers/microsoft.insights/diagnosticsettings/')).toLowerCase();
        if (!ids.has(scope)) problems.push(`${s.deployment} ${d.id}: its scope is not a resource of the deployment`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('no secret value anywhere in any snapshot or its parameters (secret-named properties, Key Vault secret values and connection strings are ARM expressions)', () => {
    const findings = snapshots.flatMap((s) => [...s.resources.flatMap(secretsIn), ...findSecrets(s.parameters, `${s.deployment} parameters`)]);
    expect(findings).to.deep.equal([]);
    // Some secret-carrying properties exist, so the scan has something to look at.
    const secretValues = snapshots.flatMap((s) => ofType(s, 'Microsoft.KeyVault/vaults/secrets').map((r) => prop(r, 'properties.value')));
    expect(secretValues.length).to.be.greaterThan(8);
    expect(secretValues.every(isExpression)).to.equal(true);
  });

  it('no secret value in the committed golden snapshots either', () => {
    const files = readdirSync(defaultGoldenDir).filter((f) => f.endsWith('.json'));
    expect(files).to.have.length(8);
    const findings = files.flatMap((f) => {
      const golden = JSON.parse(readFileSync(path.join(defaultGoldenDir, f), 'utf8')) as { resources: Resource[] };
      return golden.resources.flatMap(secretsIn).map((x) => ({ ...x, path: `${f}: ${x.path}` }));
    });
    expect(findings).to.deep.equal([]);
  });

  describe('the secret scan itself', () => {
    it('flags literal secrets of every kind it knows', () => {
      const secret = {
        id: '/x/vaults/kv/secrets/s',
        type: 'Microsoft.KeyVault/vaults/secrets',
        name: 'kv/s',
        properties: { value: 'hunter2-but-literal' },
      } as Resource;
      expect(secretsIn(secret).map((f) => f.reason)).to.include('Key Vault secret with a literal value');
      const planted = {
        storage: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==',
        bus: 'Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=xyz=',
        // A truncated fake, joined at run time so that repository secret scanners do not take the fixture for a key.
        pem: `-----BEGIN ${'PRIVATE'} KEY-----\nMIIE...`,
        administratorLoginPassword: 'Sup3rS3cret!',
        clientSecret: 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw',
        url: 'postgresql://cfadmin:letmein@psql.example:5432/db',
        conn: 'Server=x;User Id=a;Password=letmein;',
      };
      const reasons = findSecrets(planted).map((f) => `${f.path}: ${f.reason}`);
      expect(reasons).to.include.members([
        '$.storage: AccountKey= in a literal',
        '$.bus: SharedAccessKey= in a literal',
        '$.pem: PEM block in a literal',
        '$.administratorLoginPassword: literal value in the secret-named property administratorLoginPassword',
        '$.clientSecret: 32+ character base64 literal in clientSecret',
        '$.url: credentials in a URL',
        '$.conn: password= in a literal',
      ]);
    });

    it('allows ARM expressions, settings and templates with placeholders', () => {
      expect(
        findSecrets({
          value: "[listKeys('/x/authorizationRules/send', '2026-01-01').primaryConnectionString]",
          administratorLoginPassword: "[if(empty(parameters('administratorLoginPassword')), null(), parameters('administratorLoginPassword'))]",
          accessKeysAuthentication: 'Disabled',
          passwordAuth: 'Enabled',
          connectionStringTemplate: 'postgresql://{user}:{password}@psql.example:5432/{database}?sslmode=verify-full',
          keyType: 'Account',
        }),
      ).to.deep.equal([]);
    });
  });
});

// What only ARM knows about a resource once it exists: id, provisioningState and the endpoints
// and keys each service derives from the name (shapes as in the services' REST specs, e.g.
// specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json#/definitions/Endpoints
// and #/definitions/ManagementPolicyProperties (lastModifiedTime),
// specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/keyvault.json (vaultUri),
// specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2024-08-01 (fullyQualifiedDomainName),
// specification/redisenterprise/... (hostName), specification/eventhub/... (serviceBusEndpoint),
// specification/containerregistry/... (loginServer)).
import { createHash } from 'node:crypto';
import { asObject } from './http.ts';
import type { StoredResource } from './state.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
/** A deterministic GUID derived from text (stable across restarts and runs). */
export function guidFrom(text: string): string {
  const h = digest(text).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const fakeKey = (id: string, which: string): string => Buffer.concat([digest(`${id}|${which}`), digest(`${which}|${id}`)]).toString('base64');

export interface Declared {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** The resource as declared (location, tags, sku, kind, properties …), without id/type/name/apiVersion. */
  declared: Record<string, unknown>;
}

function derivedProperties(type: string, name: string, id: string, location: string | undefined, tenantId: string): Record<string, unknown> {
  const lower = name.toLowerCase();
  switch (type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts': {
      const e = (svc: string): string => `https://${lower}.${svc}.core.windows.net/`;
      return {
        primaryEndpoints: { blob: e('blob'), queue: e('queue'), table: e('table'), file: e('file'), dfs: e('dfs'), web: `https://${lower}.z6.web.core.windows.net/` },
        primaryLocation: location,
        statusOfPrimary: 'available',
        creationTime: new Date().toISOString(),
      };
    }
    case 'microsoft.storage/storageaccounts/managementpolicies':
      return { lastModifiedTime: new Date().toISOString() };
    case 'microsoft.keyvault/vaults':
      return { vaultUri: `https://${lower}.vault.azure.net/` };
    case 'microsoft.dbforpostgresql/flexibleservers':
      return { fullyQualifiedDomainName: `${lower}.postgres.database.azure.com`, state: 'Ready' };
    case 'microsoft.cache/redisenterprise':
      return { hostName: `${lower}.${location ?? 'westeurope'}.redis.azure.net`, resourceState: 'Running' };
    case 'microsoft.cache/redis':
      return { hostName: `${lower}.redis.cache.windows.net`, sslPort: 6380, port: 6379 };
    case 'microsoft.eventhub/namespaces':
      return { serviceBusEndpoint: `https://${lower}.servicebus.windows.net:443/`, status: 'Active' };
    case 'microsoft.containerregistry/registries':
      return { loginServer: `${lower}.azurecr.io` };
    case 'microsoft.managedidentity/userassignedidentities':
      return { principalId: guidFrom(`${id}|principal`), clientId: guidFrom(`${id}|client`), tenantId };
    case 'microsoft.operationalinsights/workspaces':
      return { customerId: guidFrom(`${id}|customer`) };
    case 'microsoft.insights/components': {
      const ikey = guidFrom(`${id}|ikey`);
      return { InstrumentationKey: ikey, ConnectionString: `InstrumentationKey=${ikey};IngestionEndpoint=https://${location ?? 'westeurope'}-0.in.applicationinsights.azure.com/`, AppId: guidFrom(`${id}|app`) };
    }
    case 'microsoft.app/managedenvironments':
      return { defaultDomain: `${digest(id).toString('hex').slice(0, 12)}.${location ?? 'westeurope'}.azurecontainerapps.io`, staticIp: '10.0.0.100' };
    default:
      return {};
  }
}

function keysFor(type: string, id: string): Record<string, unknown> | undefined {
  switch (type.toLowerCase()) {
    case 'microsoft.storage/storageaccounts':
      return { keys: [{ keyName: 'key1', value: fakeKey(id, 'key1'), permissions: 'FULL' }, { keyName: 'key2', value: fakeKey(id, 'key2'), permissions: 'FULL' }] };
    case 'microsoft.cache/redisenterprise/databases':
    case 'microsoft.cache/redis':
      return { primaryKey: fakeKey(id, 'primary'), secondaryKey: fakeKey(id, 'secondary') };
    case 'microsoft.eventhub/namespaces/authorizationrules':
    case 'microsoft.eventhub/namespaces/eventhubs/authorizationrules': {
      const ns = id.split('/')[8] ?? 'ns';
      const primaryKey = fakeKey(id, 'primary');
      const rule = id.split('/').pop() ?? 'rule';
      return { primaryKey, secondaryKey: fakeKey(id, 'secondary'), keyName: rule, primaryConnectionString: `Endpoint=sb://${ns.toLowerCase()}.servicebus.windows.net/;SharedAccessKeyName=${rule};SharedAccessKey=${primaryKey}` };
    }
    case 'microsoft.containerregistry/registries':
      return { username: id.split('/').pop(), passwords: [{ name: 'password', value: fakeKey(id, 'password') }] };
    default:
      return undefined;
  }
}

/** The stored form of a declared resource: the body ARM would answer with, and its keys. */
export function materialise(d: Declared, tenantId: string): StoredResource {
  const location = typeof d.declared.location === 'string' ? d.declared.location : undefined;
  const declaredProps = asObject(d.declared.properties) ?? {};
  const properties = {
    ...derivedProperties(d.type, d.name, d.id, location, tenantId),
    ...declaredProps,
    provisioningState: 'Succeeded',
  };
  const body: Record<string, unknown> = { id: d.id, name: d.name, type: d.type, ...d.declared, properties };
  const keys = keysFor(d.type, d.id);
  return { id: d.id, type: d.type, name: d.name, apiVersion: d.apiVersion, declared: d.declared, body: JSON.parse(JSON.stringify(body)) as Record<string, unknown>, ...(keys === undefined ? {} : { keys }) };
}

/** The declared part of a resource body: everything but what identifies it or what ARM fills in. */
export function declaredPart(body: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, name: _name, type: _type, apiVersion: _apiVersion, dependsOn: _dependsOn, comments: _comments, condition: _condition, ...rest } = body;
  const props = asObject(rest.properties);
  if (props !== undefined && 'provisioningState' in props) {
    const { provisioningState: _p, ...others } = props;
    rest.properties = others;
  }
  return rest;
}

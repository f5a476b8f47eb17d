// Stories 3–7 and the container apps tier on the offline snapshots of westeu-test-1 and westeu-prod-1,
// built from the current Bicep through the plan API (one Bicep process). Expected values come from the
// stories and the modules' documented decisions (Azure Managed Redis on 10000, PostgreSQL private
// endpoints, no PgBouncer on Burstable, purge protection omitted rather than false, ...).
import { expect } from 'chai';
import {
  buildSnapshots,
  childrenOf,
  diagnosticSettingsOf,
  ofType,
  prop,
  single,
  type DeploymentSnapshot,
  type Resource,
} from '../../support/snapshots.ts';

const deployments = ['westeu-test-1', 'westeu-prod-1'] as const;

/** Per environment: what the stories (and the modules' documented mappings) ask for. */
const expected = {
  'westeu-test-1': {
    prod: false,
    postgresSku: { name: 'Standard_B1ms', tier: 'Burstable' },
    backupDays: 7,
    redisSku: 'Balanced_B1',
    redisPersistence: 'rdb',
    eventHubsCapacity: 1,
    logAnalytics: { retentionDays: 90, dailyCapGb: 1 },
    registrySku: 'Basic',
  },
  'westeu-prod-1': {
    prod: true,
    postgresSku: { name: 'Standard_D4s_v3', tier: 'GeneralPurpose' },
    backupDays: 30,
    redisSku: 'Balanced_B5',
    redisPersistence: 'aof',
    eventHubsCapacity: 2,
    logAnalytics: { retentionDays: 90, dailyCapGb: 50 },
    registrySku: 'Premium',
  },
} as const;

const roles = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975',
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
};

const storyHubs: Record<string, number> = {
  'user-events': 2,
  'declaration-events': 4,
  'review-events': 2,
  'case-events': 2,
  'notification-events': 4,
  'analytics-events': 2,
};

describe('Stories 3–7 and container apps on the snapshots of westeu-test-1 and westeu-prod-1', function () {
  this.timeout(180_000);
  let snapshots: Map<string, DeploymentSnapshot>;
  before(async () => {
    snapshots = await buildSnapshots([...deployments]);
  });

  for (const deployment of deployments) {
    const want = expected[deployment];
    const env = want.prod ? 'prod' : 'test';

    describe(deployment, () => {
      let s: DeploymentSnapshot;
      let names: Record<string, any>;
      let workspace: Resource;
      let actionGroup: Resource;
      let vnetId: string;
      before(() => {
        s = snapshots.get(deployment)!;
        names = s.parameters['names'] as Record<string, any>;
        workspace = single(s, 'Microsoft.OperationalInsights/workspaces', names['logAnalyticsWorkspace']);
        actionGroup = single(s, 'Microsoft.Insights/actionGroups', names['actionGroup']);
        vnetId = single(s, 'Microsoft.Network/virtualNetworks', names['virtualNetwork']).id;
      });

      const subnetId = (tier: string) => `${vnetId}/subnets/${names['subnets'][tier]}`;
      const zoneId = (zone: string) => single(s, 'Microsoft.Network/privateDnsZones', zone).id;

      /** The private endpoint to a resource: in the given subnet, with one zone group to the given zone. */
      function expectPrivateEndpoint(target: Resource, groupId: string, tier: string, zone: string): void {
        const endpoints = ofType(s, 'Microsoft.Network/privateEndpoints').filter((pe) =>
          (pe.properties?.['privateLinkServiceConnections'] as any[]).some((c) => c.properties.privateLinkServiceId === target.id),
        );
        expect(endpoints, `private endpoints to ${target.name}`).to.have.length(1);
        const pe = endpoints[0]!;
        expect(pe.properties?.['subnet']).to.deep.equal({ id: subnetId(tier) });
        expect(pe.properties?.['privateLinkServiceConnections'][0].properties.groupIds).to.deep.equal([groupId]);
        const groups = childrenOf(s, pe.id, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups');
        expect(groups, `zone groups of ${pe.name}`).to.have.length(1);
        const zoneIds = (groups[0]!.properties?.['privateDnsZoneConfigs'] as any[]).map((c) => c.properties.privateDnsZoneId);
        expect(zoneIds).to.deep.equal([zoneId(zone)]);
      }

      /** The diagnostic setting of a resource: one, to the workspace, with logs and/or metrics enabled. */
      function expectDiagnostics(target: Resource, what: { logs?: string[]; metrics?: boolean }): void {
        const settings = diagnosticSettingsOf(s, target.id);
        expect(settings, `diagnostic settings of ${target.name}`).to.have.length(1);
        const p = settings[0]!.properties!;
        expect(p['workspaceId']).to.equal(workspace.id);
        const logs = (p['logs'] as { category: string | null; categoryGroup: string | null; enabled: boolean }[]).filter((l) => l.enabled);
        for (const log of what.logs ?? []) {
          expect(logs.some((l) => l.category === log || l.categoryGroup === log), `${target.name} logs ${log}`).to.equal(true);
        }
        if (what.metrics === true) {
          expect((p['metrics'] as { category: string; enabled: boolean }[]).some((m) => m.enabled && m.category === 'AllMetrics'), `${target.name} AllMetrics`).to.equal(true);
        }
      }

      /** The metric alerts on a resource, by metric name. */
      function metricAlertsOn(target: Resource): Map<string, Resource> {
        const out = new Map<string, Resource>();
        for (const alert of ofType(s, 'Microsoft.Insights/metricAlerts')) {
          if (!(alert.properties?.['scopes'] as string[]).includes(target.id)) continue;
          for (const criterion of alert.properties?.['criteria']['allOf'] as { metricName: string }[]) out.set(criterion.metricName, alert);
        }
        return out;
      }

      function expectMetricAlert(target: Resource, metric: string, threshold: number, window: string): void {
        const alert = metricAlertsOn(target).get(metric);
        expect(alert, `a ${metric} alert on ${target.name}; alerts: ${[...metricAlertsOn(target).keys()].join(', ')}`).to.not.equal(undefined);
        const criterion = (alert!.properties?.['criteria']['allOf'] as any[]).find((c) => c.metricName === metric);
        expect({ operator: criterion.operator, threshold: criterion.threshold, window: alert!.properties?.['windowSize'] }, `${alert!.name}`).to.deep.equal({
          operator: 'GreaterThan',
          threshold,
          window,
        });
        expect(alert!.properties?.['enabled']).to.equal(true);
        expect((alert!.properties?.['actions'] as { actionGroupId: string }[]).map((a) => a.actionGroupId)).to.include(actionGroup.id);
      }

      /** A role assignment of the workload identity, at the given scope, for a role definition GUID. */
      function expectWorkloadRole(scope: Resource, roleGuid: string): void {
        const identityId = single(s, 'Microsoft.ManagedIdentity/userAssignedIdentities', names['workloadIdentity']).id;
        const assignments = ofType(s, 'Microsoft.Authorization/roleAssignments').filter(
          (a) =>
            a.id.toLowerCase().startsWith(`${scope.id}/providers/Microsoft.Authorization/roleAssignments/`.toLowerCase()) &&
            String(a.properties?.['roleDefinitionId']).toLowerCase().endsWith(`/roledefinitions/${roleGuid}`) &&
            String(a.properties?.['principalId']).includes(identityId),
        );
        expect(assignments, `role ${roleGuid} for the workload identity on ${scope.name}`).to.have.length(1);
        expect(assignments[0]!.properties?.['principalType']).to.equal('ServicePrincipal');
      }

      describe('Story 3: PostgreSQL', () => {
        let server: Resource;
        let config: Record<string, string>;
        before(() => {
          server = single(s, 'Microsoft.DBforPostgreSQL/flexibleServers', `psql-cf-${deployment}`);
          config = Object.fromEntries(
            childrenOf(s, server.id, 'Microsoft.DBforPostgreSQL/flexibleServers/configurations').map((c) => [c.name.split('/').at(-1)!, c.properties?.['value']]),
          );
        });

        it(`scenario 1: psql-cf-${deployment}, PostgreSQL 16 or newer, in West Europe, public access disabled`, () => {
          expect(Number(prop(server, 'properties.version'))).to.be.at.least(16);
          expect(server.location).to.equal('westeurope');
          expect(prop(server, 'properties.network.publicNetworkAccess')).to.equal('Disabled');
          // Private endpoint model: no VNet injection.
          expect(prop(server, 'properties.network.delegatedSubnetResourceId')).to.equal(undefined);
        });

        it('scenario 1: private endpoint in the database subnet with the privatelink.postgres zone group', () => {
          expectPrivateEndpoint(server, 'postgresqlServer', 'db', 'privatelink.postgres.database.azure.com');
        });

        it('scenario 2: require_secure_transport ON, TLS 1.2 or newer', () => {
          expect(config['require_secure_transport']).to.equal('ON');
          expect(config['ssl_min_protocol_version']).to.be.oneOf(['TLSv1.2', 'TLSv1.3']);
        });

        it('scenario 3: the eight databases complianceflow_<service>_<deployment with underscores>', () => {
          const databases = childrenOf(s, server.id, 'Microsoft.DBforPostgreSQL/flexibleServers/databases').map((d) => d.name.split('/').at(-1));
          const suffix = deployment.replaceAll('-', '_');
          const services = ['user', 'declaration', 'form', 'ruleengine', 'review', 'case', 'notification', 'analytics'];
          expect(databases).to.have.members(services.map((svc) => `complianceflow_${svc}_${suffix}`));
          expect(databases).to.have.length(8);
          expect(databases).to.include('complianceflow_user_' + suffix);
        });

        it('scenario 4: pg_stat_statements, uuid-ossp and pg_trgm allow-listed; pg_stat_statements preloaded', () => {
          const extensions = String(config['azure.extensions']).toLowerCase().split(',');
          expect(extensions).to.include.members(['pg_stat_statements', 'uuid-ossp', 'pg_trgm']);
          expect(String(config['shared_preload_libraries']).toLowerCase().split(',')).to.include('pg_stat_statements');
        });

        it(`scenario 5: backup ${want.backupDays} days; geo-redundant backup and zone-redundant HA ${want.prod ? 'on' : 'off'}`, () => {
          expect(prop(server, 'properties.backup.backupRetentionDays')).to.equal(want.backupDays);
          expect(prop(server, 'properties.backup.geoRedundantBackup')).to.equal(want.prod ? 'Enabled' : 'Disabled');
          expect(prop(server, 'properties.highAvailability.mode')).to.equal(want.prod ? 'ZoneRedundant' : 'Disabled');
        });

        it(`scenario 6: SKU ${want.postgresSku.name}/${want.postgresSku.tier}, auto-grow ${want.prod ? 'on' : 'off'}, PgBouncer only where not Burstable, slow queries at 1 s, query insights`, () => {
          expect(server.sku).to.deep.equal(want.postgresSku);
          expect(prop(server, 'properties.storage.autoGrow')).to.equal(want.prod ? 'Enabled' : 'Disabled');
          if (want.postgresSku.tier === 'Burstable') expect(config).to.not.have.property('pgbouncer.enabled');
          else expect(config['pgbouncer.enabled']).to.equal('true');
          expect(config['log_min_duration_statement']).to.equal('1000');
          expect(config['pg_qs.query_capture_mode']).to.be.oneOf(['top', 'all']);
        });

        it('scenario 7: diagnostics to the workspace; alerts on failed connections, CPU > 80 % for 10 min, memory > 80 %, storage > 85 %', () => {
          expectDiagnostics(server, { logs: ['allLogs'], metrics: true });
          const alerts = metricAlertsOn(server);
          expect(alerts.has('connections_failed'), 'connections_failed alert').to.equal(true);
          expectMetricAlert(server, 'cpu_percent', 80, 'PT10M');
          expectMetricAlert(server, 'memory_percent', 80, 'PT10M');
          expect(prop(alerts.get('storage_percent'), 'properties.criteria.allOf.0.threshold'), 'storage alert threshold').to.equal(85);
        });
      });

      describe('Story 4: Azure Managed Redis', () => {
        let cache: Resource;
        let database: Resource;
        before(() => {
          cache = single(s, 'Microsoft.Cache/redisEnterprise', names['redisCache']);
          database = single(s, 'Microsoft.Cache/redisEnterprise/databases', 'default');
        });

        it(`scenario 1: ${want.redisSku}, TLS only (1.2, Encrypted on port 10000), public access disabled`, () => {
          expect(cache.sku?.['name']).to.equal(want.redisSku);
          expect(prop(cache, 'properties.minimumTlsVersion')).to.equal('1.2');
          expect(prop(cache, 'properties.publicNetworkAccess')).to.equal('Disabled');
          expect(prop(database, 'properties.clientProtocol')).to.equal('Encrypted');
          expect(prop(database, 'properties.port')).to.equal(10000);
          expect(database.id.startsWith(`${cache.id}/`)).to.equal(true);
        });

        it('scenario 1/3: private endpoint in the redis subnet with the privatelink.redis.azure.net zone group', () => {
          expectPrivateEndpoint(cache, 'redisEnterprise', 'redis', 'privatelink.redis.azure.net');
        });

        it(`scenario 2: eviction allkeys-lru, persistence ${want.redisPersistence}`, () => {
          expect(prop(database, 'properties.evictionPolicy')).to.equal('AllKeysLRU');
          const persistence = prop(database, 'properties.persistence');
          expect({ aof: persistence.aofEnabled, rdb: persistence.rdbEnabled }).to.deep.equal({ aof: want.redisPersistence === 'aof', rdb: want.redisPersistence === 'rdb' });
        });

        it(`scenario 4: high availability ${want.prod ? 'on' : 'off'}`, () => {
          expect(prop(cache, 'properties.highAvailability')).to.equal(want.prod ? 'Enabled' : 'Disabled');
        });

        it('scenario 3: no access-key secret while key auth is off (Entra ID only); the workload identity has a data access policy', () => {
          expect(prop(database, 'properties.accessKeysAuthentication')).to.equal('Disabled');
          expect(ofType(s, 'Microsoft.KeyVault/vaults/secrets').map((x) => x.name.split('/').at(-1))).to.not.include('redis-primary-key');
          const assignments = childrenOf(s, database.id, 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments');
          expect(assignments).to.have.length(1);
          expect(String(prop(assignments[0], 'properties.user.objectId'))).to.include(names['workloadIdentity']);
        });

        it('diagnostics (cluster metrics, database logs) and CPU/memory alerts', () => {
          expectDiagnostics(cache, { metrics: true });
          expectDiagnostics(database, { logs: ['allLogs'] });
          expectMetricAlert(cache, 'usedmemorypercentage', 80, 'PT10M');
          expectMetricAlert(cache, 'percentProcessorTime', 80, 'PT10M');
        });
      });

      describe('Story 5: Event Hubs', () => {
        let namespace: Resource;
        before(() => {
          namespace = single(s, 'Microsoft.EventHub/namespaces', names['eventHubsNamespace']);
        });

        it(`scenario 1: Standard, ${want.eventHubsCapacity} TU${want.prod ? ' with auto-inflate to 10, zone redundant' : ', no auto-inflate'}; TLS 1.2; Kafka`, () => {
          expect(namespace.sku).to.deep.include({ name: 'Standard', tier: 'Standard', capacity: want.eventHubsCapacity });
          expect(prop(namespace, 'properties.isAutoInflateEnabled')).to.equal(want.prod);
          if (want.prod) expect(prop(namespace, 'properties.maximumThroughputUnits')).to.equal(10);
          expect(prop(namespace, 'properties.zoneRedundant')).to.equal(want.prod);
          expect(prop(namespace, 'properties.minimumTlsVersion')).to.equal('1.2');
          expect(prop(namespace, 'properties.kafkaEnabled')).to.equal(true);
        });

        it('scenario 4: public access off, private endpoint in the storage subnet with the servicebus zone group', () => {
          expect(prop(namespace, 'properties.publicNetworkAccess')).to.equal('Disabled');
          expectPrivateEndpoint(namespace, 'namespace', 'storage', 'privatelink.servicebus.windows.net');
        });

        it('scenario 2: the six hubs with partitions 2/4/2/2/4/2', () => {
          const hubs = childrenOf(s, namespace.id, 'Microsoft.EventHub/namespaces/eventhubs');
          expect(Object.fromEntries(hubs.map((h) => [h.name.split('/').at(-1), prop(h, 'properties.partitionCount')]))).to.deep.equal(storyHubs);
        });

        it('scenario 3: Event Hubs consumer groups <service>-consumer only for the catalog\'s amqp consumers, on exactly the hubs they consume (Kafka consumers\' groups are created on first use)', () => {
          const catalog = s.parameters['catalog'] as { protocols: Record<string, string>; eventHubs: { name: string; consumers: string[] }[] };
          expect(Object.keys(catalog.protocols).sort()).to.deep.equal([...(s.parameters['catalog'] as { services: string[] }).services].sort());
          const actual = ofType(s, 'Microsoft.EventHub/namespaces/eventhubs/consumergroups').map((g) => g.name.split('/').slice(1).join('/'));
          const wanted = catalog.eventHubs.flatMap((h) => h.consumers.filter((c) => catalog.protocols[c] === 'amqp').map((c) => `${h.name}/${c}-consumer`));
          expect(actual).to.have.members(wanted);
          expect(actual).to.have.length(wanted.length);
        });

        it('scenario 4: least-privilege rules (send-only, listen-only per hub), never a namespace-wide or Manage rule, nothing uses RootManageSharedAccessKey', () => {
          const rules = ofType(s, 'Microsoft.EventHub/namespaces/eventhubs/authorizationRules');
          expect(rules).to.have.length(12);
          for (const rule of rules) {
            const rights = prop(rule, 'properties.rights') as string[];
            const kind = rule.name.split('/').at(-1);
            expect(rights, rule.name).to.deep.equal(kind === 'send' ? ['Send'] : ['Listen']);
          }
          expect(ofType(s, 'Microsoft.EventHub/namespaces/authorizationRules')).to.have.length(0);
          expect(JSON.stringify(s.resources)).to.not.include('RootManageSharedAccessKey');
        });

        it('scenario 4: connection strings in Key Vault (per hub, send and listen), read with listKeys of their own rule', () => {
          const vault = single(s, 'Microsoft.KeyVault/vaults', names['keyVault']);
          for (const hub of Object.keys(storyHubs)) {
            for (const kind of ['send', 'listen']) {
              const secret = single(s, 'Microsoft.KeyVault/vaults/secrets', `eventhub-${hub}-${kind}-connection-string`);
              expect(secret.id.startsWith(`${vault.id}/secrets/`)).to.equal(true);
              expect(prop(secret, 'properties.value')).to.match(new RegExp(`^\\[listKeys\\('[^']*/eventhubs/${hub}/authorizationRules/${kind}'`));
            }
          }
          expectWorkloadRole(namespace, roles.eventHubsDataSender);
          expectWorkloadRole(namespace, roles.eventHubsDataReceiver);
        });

        it('diagnostics and the throttling alert', () => {
          expectDiagnostics(namespace, { logs: ['allLogs'], metrics: true });
          expect(metricAlertsOn(namespace).has('ThrottledRequests'), 'ThrottledRequests alert').to.equal(true);
        });
      });

      describe('Story 6: Key Vault', () => {
        let vault: Resource;
        before(() => {
          vault = single(s, 'Microsoft.KeyVault/vaults', names['keyVault']);
        });

        it(`scenario 1: RBAC, soft delete 90 days, purge protection ${want.prod ? 'on' : 'not set (never false)'}, public access disabled`, () => {
          expect(prop(vault, 'properties.enableRbacAuthorization')).to.equal(true);
          expect(prop(vault, 'properties.enableSoftDelete')).to.equal(true);
          expect(prop(vault, 'properties.softDeleteRetentionInDays')).to.equal(90);
          const purge = prop(vault, 'properties.enablePurgeProtection');
          if (want.prod) expect(purge).to.equal(true);
          else expect(purge, 'absent or true; ARM refuses an explicit false').to.be.oneOf([undefined, true]);
          expect(prop(vault, 'properties.publicNetworkAccess')).to.equal('Disabled');
          expect(prop(vault, 'properties.networkAcls.defaultAction')).to.equal('Deny');
          expect(vault.name.length).to.be.at.most(24);
        });

        it('scenario 1: private endpoint in the storage subnet with the vaultcore zone group', () => {
          expectPrivateEndpoint(vault, 'vault', 'storage', 'privatelink.vaultcore.azure.net');
        });

        it('scenario 2: the workload identity has Key Vault Secrets User on the vault', () => {
          expectWorkloadRole(vault, roles.keyVaultSecretsUser);
        });

        it('scenario 4: audit logs (AuditEvent via allLogs) to the workspace; unauthorized-access and secret-expiry alerts', () => {
          expectDiagnostics(vault, { logs: ['allLogs'], metrics: true });
          const queries = ofType(s, 'Microsoft.Insights/scheduledQueryRules').filter((r) => r.name.startsWith(`alert-${vault.name}-`));
          const byName = Object.fromEntries(queries.map((q) => [q.name.slice(`alert-${vault.name}-`.length), q]));
          expect(Object.keys(byName)).to.include.members(['unauthorized-access', 'secret-near-expiry']);
          expect(prop(byName['unauthorized-access'], 'properties.criteria.allOf.0.query')).to.include('403');
          expect(prop(byName['secret-near-expiry'], 'properties.criteria.allOf.0.query')).to.include('SecretNearExpiry');
          for (const q of queries) {
            expect(prop(q, 'properties.scopes'), q.name).to.deep.equal([workspace.id]);
            expect(prop(q, 'properties.actions.actionGroups'), q.name).to.include(actionGroup.id);
          }
        });
      });

      describe('Story 7: monitoring', () => {
        let insights: Resource;
        before(() => {
          insights = single(s, 'Microsoft.Insights/components', names['applicationInsights']);
        });

        it(`scenario 1: Log Analytics retention ${want.logAnalytics.retentionDays} days, daily cap ${want.logAnalytics.dailyCapGb} GB, per-GB pricing, in West Europe`, () => {
          expect(prop(workspace, 'properties.retentionInDays')).to.equal(want.logAnalytics.retentionDays);
          expect(prop(workspace, 'properties.workspaceCapping.dailyQuotaGb')).to.equal(want.logAnalytics.dailyCapGb);
          expect(prop(workspace, 'properties.sku.name')).to.equal('PerGB2018');
          expect(workspace.location).to.equal('westeurope');
        });

        it(`scenario 2: workspace-based Application Insights, sampling ${want.prod ? 'adaptive (not fixed)' : '100 %'}; connection string in Key Vault`, () => {
          expect(prop(insights, 'properties.WorkspaceResourceId')).to.equal(workspace.id);
          expect(prop(insights, 'properties.IngestionMode')).to.equal('LogAnalytics');
          // Local (key) auth off on both: data only with an Entra token (monitoring README).
          expect(prop(insights, 'properties.DisableLocalAuth')).to.equal(true);
          expect(prop(workspace, 'properties.features.disableLocalAuth')).to.equal(true);
          expect(prop(insights, 'properties.SamplingPercentage')).to.equal(want.prod ? undefined : 100);
          const secret = single(s, 'Microsoft.KeyVault/vaults/secrets', 'applicationinsights-connection-string');
          expect(secret.id.startsWith(`${single(s, 'Microsoft.KeyVault/vaults', names['keyVault']).id}/secrets/`)).to.equal(true);
          expect(prop(secret, 'properties.value')).to.match(/^\[reference\('[^']*\/Microsoft\.Insights\/components\/[^']+'.*\)\.ConnectionString\]$/);
        });

        it('scenario 4: the action group mails every configured address', () => {
          const emails = (s.parameters['monitoring'] as { alertEmails: string[] }).alertEmails;
          expect(emails).to.not.be.empty;
          expect((prop(actionGroup, 'properties.emailReceivers') as { emailAddress: string }[]).map((r) => r.emailAddress)).to.have.members(emails);
          expect(prop(actionGroup, 'properties.enabled')).to.equal(true);
        });

        it('scenario 4: error rate > 5 % in 5 min, service unavailable, DB connection failures, p95 > 2 s, CPU > 80 % for 10 min — on Application Insights, to the action group', () => {
          const prefix = `alert-${insights.name}-`;
          const rules = Object.fromEntries(
            ofType(s, 'Microsoft.Insights/scheduledQueryRules')
              .filter((r) => r.name.startsWith(prefix))
              .map((r) => [r.name.slice(prefix.length), r]),
          );
          const summary = (key: string) => {
            const r = rules[key];
            expect(r, `${prefix}${key}; have ${Object.keys(rules).join(', ')}`).to.not.equal(undefined);
            expect(prop(r, 'properties.scopes')).to.deep.equal([insights.id]);
            expect(prop(r, 'properties.actions.actionGroups')).to.include(actionGroup.id);
            expect(prop(r, 'properties.enabled')).to.equal(true);
            const c = prop(r, 'properties.criteria.allOf.0');
            return { operator: c.operator, threshold: c.threshold, window: prop(r, 'properties.windowSize') };
          };
          expect(summary('error-rate')).to.deep.equal({ operator: 'GreaterThan', threshold: 5, window: 'PT5M' });
          expect(summary('p95-latency')).to.deep.equal({ operator: 'GreaterThan', threshold: 2000, window: 'PT5M' });
          expect(summary('cpu')).to.deep.equal({ operator: 'GreaterThan', threshold: 80, window: 'PT10M' });
          expect(summary('service-unavailable').operator).to.equal('GreaterThan');
          expect(summary('database-connection-failures').operator).to.equal('GreaterThan');
          expect(prop(rules['error-rate'], 'properties.criteria.allOf.0.query')).to.include('success == false');
          expect(prop(rules['p95-latency'], 'properties.criteria.allOf.0.query')).to.include('percentile(duration, 95)');
        });

        it('scenario 4: Event Hubs throttling, Key Vault unauthorized access and resource memory > 80 % for 10 min are alerted too', () => {
          const namespace = single(s, 'Microsoft.EventHub/namespaces', names['eventHubsNamespace']);
          expect(metricAlertsOn(namespace).has('ThrottledRequests')).to.equal(true);
          expect(ofType(s, 'Microsoft.Insights/scheduledQueryRules').map((r) => r.name)).to.include(`alert-${names['keyVault']}-unauthorized-access`);
          expectMetricAlert(single(s, 'Microsoft.DBforPostgreSQL/flexibleServers', names['postgresServer']), 'memory_percent', 80, 'PT10M');
          expectMetricAlert(single(s, 'Microsoft.Cache/redisEnterprise', names['redisCache']), 'usedmemorypercentage', 80, 'PT10M');
        });

        it('a workbook (dashboard template) on Application Insights', () => {
          const workbook = single(s, 'Microsoft.Insights/workbooks');
          expect(prop(workbook, 'properties.sourceId')).to.equal(insights.id);
          expect(prop(workbook, 'properties.category')).to.equal('workbook');
          const data = JSON.parse(prop(workbook, 'properties.serializedData') as string) as { items: unknown[] };
          expect(data.items).to.not.be.empty;
        });

        it('scenario 3: diagnostics on the workspace and Application Insights', () => {
          expectDiagnostics(workspace, { metrics: true });
          expectDiagnostics(insights, { metrics: true });
        });
      });

      describe('container apps tier', () => {
        let registry: Resource;
        let environment: Resource;
        before(() => {
          registry = single(s, 'Microsoft.ContainerRegistry/registries', names['containerRegistry']);
          environment = single(s, 'Microsoft.App/managedEnvironments', names['containerAppsEnvironment']);
        });

        it(`registry ${want.registrySku}: admin user and anonymous pull off; ${want.prod ? 'private (public access disabled, private endpoint)' : 'no private endpoint (Basic cannot have one)'}`, () => {
          expect(registry.sku?.['name']).to.equal(want.registrySku);
          expect(prop(registry, 'properties.adminUserEnabled')).to.equal(false);
          expect(prop(registry, 'properties.anonymousPullEnabled')).to.equal(false);
          if (want.prod) {
            expect(prop(registry, 'properties.publicNetworkAccess')).to.equal('Disabled');
            expect(prop(registry, 'properties.networkRuleBypassOptions'), 'no trusted-service bypass').to.equal('None');
            expect(prop(registry, 'properties.policies.exportPolicy.status')).to.equal('disabled');
            expect(prop(registry, 'properties.zoneRedundancy')).to.equal('Enabled');
            expectPrivateEndpoint(registry, 'registry', 'storage', 'privatelink.azurecr.io');
          } else {
            const endpoints = ofType(s, 'Microsoft.Network/privateEndpoints').filter((pe) => JSON.stringify(pe.properties).includes(registry.id));
            expect(endpoints).to.have.length(0);
          }
          expectWorkloadRole(registry, roles.acrPull);
          expectDiagnostics(registry, { logs: ['allLogs'], metrics: true });
        });

        it(`environment: internal, in the container apps subnet, zone redundant ${want.prod ? 'on' : 'off'}, logs to Azure Monitor`, () => {
          expect(prop(environment, 'properties.vnetConfiguration')).to.deep.equal({ infrastructureSubnetId: subnetId('containerapps'), internal: true });
          expect(prop(environment, 'properties.zoneRedundant')).to.equal(want.prod);
          expect(prop(environment, 'properties.appLogsConfiguration.destination')).to.equal('azure-monitor');
          expectDiagnostics(environment, { logs: ['allLogs'], metrics: true });
          const subnet = (single(s, 'Microsoft.Network/virtualNetworks', names['virtualNetwork']).properties?.['subnets'] as any[]).find((x) => x.name === names['subnets']['containerapps']);
          expect(subnet.properties.delegations.map((d: any) => d.properties.serviceName)).to.deep.equal(['Microsoft.App/environments']);
        });
      });

      it(`every tier's resources are in ${env}'s resource group`, () => {
        const rg = names['resourceGroup'];
        const outside = s.resources.filter((r) => r.type !== 'Microsoft.Resources/resourceGroups' && !r.id.includes(`/resourceGroups/${rg}/`) && r.type !== 'Microsoft.Network/networkWatchers/flowLogs');
        expect(outside.map((r) => r.id)).to.deep.equal([]);
      });
    });
  }
});

// The environment profile (deployments/profiles/<env>.yaml): its shape, and the rules that
// involve more than one field. A deployment's `overrides:` is a deep partial of the same shape.
import {
  containerRegistrySkus,
  registryAgentPoolTiers,
  eventHubsSkus,
  eventHubsTierLimits,
  flowLogRetentionDays,
  keyVaultSkus,
  keyVaultSoftDeleteRetentionDays,
  logAnalyticsRetentionDays,
  managedRedisSkus,
  postgresBackupRetentionDays,
  postgresStorageSizesGb,
  postgresTierSeries,
  postgresTiers,
  postgresVersions,
  redisEvictionPolicies,
  redisPersistence,
  stackActionsOnUnmanage,
  stackDenyModes,
  type EventHubsSku,
} from './azure-limits.ts';
import type { Problem, Spec } from './schema.ts';
import type { Profile } from './types.ts';

// A practical address check (what ARM's action groups and budgets accept in practice): local part, @, dotted domain.
const emailPattern = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const emailSpec: Spec = { kind: 'string', rule: 'an email address (name@domain.tld)', test: (value) => emailPattern.test(value) };

const emailList: Spec = { kind: 'array', items: emailSpec, minItems: 1, unique: true };

const tagValue: Spec = { kind: 'string', rule: 'a tag value of 1-256 characters', test: (value) => value.length >= 1 && value.length <= 256 };

export const profileFields = {
  tags: { spec: { kind: 'object', fields: { owner: { spec: tagValue }, costCenter: { spec: tagValue } } } },
  budget: {
    spec: {
      kind: 'object',
      fields: {
        monthlyUsd: { spec: { kind: 'number', rule: 'a positive amount in USD', test: (value: number) => value > 0 } },
        contacts: { spec: emailList },
      },
    },
  },
  stack: {
    spec: {
      kind: 'object',
      fields: {
        actionOnUnmanage: {
          spec: {
            kind: 'object',
            fields: {
              resources: { spec: { kind: 'enum', values: stackActionsOnUnmanage } },
              resourceGroups: { spec: { kind: 'enum', values: stackActionsOnUnmanage } },
            },
          },
        },
        denySettings: {
          spec: {
            kind: 'object',
            fields: {
              mode: { spec: { kind: 'enum', values: stackDenyModes } },
              applyToChildScopes: { spec: { kind: 'boolean' }, optional: true },
            },
          },
        },
      },
    },
  },
  network: {
    spec: {
      kind: 'object',
      fields: {
        flowLogRetentionDays: { spec: { kind: 'integer', ...flowLogRetentionDays, rule: `days from ${flowLogRetentionDays.min} (keep forever) to ${flowLogRetentionDays.max}` } },
      },
    },
  },
  monitoring: {
    spec: {
      kind: 'object',
      fields: {
        logAnalytics: {
          spec: {
            kind: 'object',
            fields: {
              retentionDays: { spec: { kind: 'integer', ...logAnalyticsRetentionDays, rule: `days from ${logAnalyticsRetentionDays.min} to ${logAnalyticsRetentionDays.max} (Log Analytics retention)` } },
              dailyCapGb: { spec: { kind: 'integer', rule: 'a daily ingestion cap in whole GB (1 or more), or -1 for no cap', test: (value: number) => value >= 1 || value === -1 } },
            },
          },
        },
        appInsightsSamplingPercentage: {
          spec: { kind: 'nullable', inner: { kind: 'integer', min: 1, max: 100, rule: 'a whole sampling percentage from 1 to 100 (null: no sampling)' } },
        },
        alertEmails: { spec: emailList },
      },
    },
  },
  database: {
    spec: {
      kind: 'object',
      fields: {
        version: { spec: { kind: 'enum', values: postgresVersions } },
        sku: {
          spec: {
            kind: 'object',
            fields: {
              name: { spec: { kind: 'string', rule: 'a Flexible Server compute size such as Standard_B1ms, Standard_D2s_v3 or Standard_E4ds_v5', test: (value: string) => /^Standard_[BDE]\d+[a-z]*(_v\d+)?$/.test(value) } },
              tier: { spec: { kind: 'enum', values: Object.keys(postgresTiers) } },
            },
          },
        },
        storageSizeGb: { spec: { kind: 'enum', values: postgresStorageSizesGb } },
        storageAutoGrow: { spec: { kind: 'boolean' } },
        backupRetentionDays: { spec: { kind: 'integer', ...postgresBackupRetentionDays } },
        geoRedundantBackup: { spec: { kind: 'boolean' } },
        highAvailability: { spec: { kind: 'boolean' } },
        pgbouncer: { spec: { kind: 'boolean' } },
        maxConnections: { spec: { kind: 'integer', min: 25, max: 5000 } },
      },
    },
  },
  redis: {
    spec: {
      kind: 'object',
      fields: {
        sku: { spec: { kind: 'enum', values: managedRedisSkus } },
        highAvailability: { spec: { kind: 'boolean' } },
        persistence: { spec: { kind: 'enum', values: redisPersistence } },
        evictionPolicy: { spec: { kind: 'enum', values: redisEvictionPolicies } },
      },
    },
  },
  messaging: {
    spec: {
      kind: 'object',
      fields: {
        sku: { spec: { kind: 'enum', values: eventHubsSkus } },
        throughputUnits: { spec: { kind: 'integer', min: 1, max: 40 } },
        autoInflate: { spec: { kind: 'boolean' } },
        maxThroughputUnits: { spec: { kind: 'integer', min: 0, max: 40 } },
        zoneRedundant: { spec: { kind: 'boolean' } },
        messageRetentionHours: { spec: { kind: 'integer', min: 1, max: 2160 } },
      },
    },
  },
  keyVault: {
    spec: {
      kind: 'object',
      fields: {
        sku: { spec: { kind: 'enum', values: keyVaultSkus } },
        softDeleteRetentionDays: { spec: { kind: 'integer', ...keyVaultSoftDeleteRetentionDays } },
        purgeProtection: { spec: { kind: 'boolean' } },
      },
    },
  },
  registry: {
    spec: {
      kind: 'object',
      fields: {
        sku: { spec: { kind: 'enum', values: containerRegistrySkus } },
        buildAgentPool: {
          spec: {
            kind: 'nullable',
            inner: {
              kind: 'object',
              describe: 'a mapping with tier (S1, S2 or S3) and count (instances, 1-4), or null for no agent pool',
              fields: {
                tier: { spec: { kind: 'enum', values: registryAgentPoolTiers } },
                // The default vCPU quota is 16 per registry for standard pools (S3 = 8 vCPU, so 2 S3 or 4 S2 or 8 S1).
                count: { spec: { kind: 'integer', min: 1, max: 4, rule: 'instances from 1 to 4 (within the default 16-vCPU quota of a registry)' } },
              },
            },
          },
        },
      },
    },
  },
} satisfies Record<string, { spec: Spec }>;

/** The settings a deployment may override (everything in a profile except its environment). */
export const settingsSpec: Spec = { kind: 'object', fields: profileFields };

/** The whole profile file: `environment` plus the settings. */
export const profileSpec: Spec = {
  kind: 'object',
  fields: { environment: { spec: { kind: 'string', rule: 'the environment name, equal to the file name', test: (value) => /^[a-z][a-z0-9]*$/.test(value) } }, ...profileFields },
};

export type Settings = Omit<Profile, 'environment'>;

/**
 * Rules across fields, checked on settings that already passed the field checks. Each problem's
 * path names the field to change.
 */
export function crossFieldProblems(settings: Settings, eventHubs: readonly { name: string; consumers: readonly string[] }[]): Problem[] {
  const problems: Problem[] = [];
  const { database, messaging, registry } = settings;
  if (registry.buildAgentPool !== null && registry.sku !== 'Premium') {
    problems.push({ path: 'registry.buildAgentPool', message: `an agent pool is not allowed with sku ${registry.sku}; allowed: null, or sku Premium (ACR Tasks agent pools are a Premium feature)` });
  }

  const seriesPattern = postgresTiers[database.sku.tier];
  if (!seriesPattern.test(database.sku.name)) {
    problems.push({ path: 'database.sku.name', message: `${JSON.stringify(database.sku.name)} does not belong to tier ${database.sku.tier}; allowed: ${postgresTierSeries[database.sku.tier]} sizes (Burstable: Standard_B*, GeneralPurpose: Standard_D*, MemoryOptimized: Standard_E*)` });
  }
  if (database.sku.tier === 'Burstable' && database.pgbouncer) {
    problems.push({ path: 'database.pgbouncer', message: 'true is not allowed on the Burstable tier (PgBouncer is not available there); allowed: false, or a GeneralPurpose/MemoryOptimized sku' });
  }
  if (database.sku.tier === 'Burstable' && database.highAvailability) {
    problems.push({ path: 'database.highAvailability', message: 'true is not allowed on the Burstable tier (zone-redundant HA needs GeneralPurpose or MemoryOptimized); allowed: false' });
  }

  const limits = eventHubsTierLimits[messaging.sku as EventHubsSku];
  const units = limits.units;
  const unitsOk = 'min' in units ? messaging.throughputUnits >= units.min && messaging.throughputUnits <= units.max : units.includes(messaging.throughputUnits);
  if (!unitsOk) {
    const allowed = 'min' in units ? `${units.min} to ${units.max}` : `one of ${units.join(', ')}`;
    problems.push({ path: 'messaging.throughputUnits', message: `${messaging.throughputUnits} is out of range for ${messaging.sku}; allowed: ${allowed} ${limits.unitName}` });
  }
  if (messaging.autoInflate) {
    if (!limits.autoInflate) problems.push({ path: 'messaging.autoInflate', message: `true is not allowed on ${messaging.sku}; auto-inflate exists only on Standard` });
    else if (messaging.maxThroughputUnits < messaging.throughputUnits || messaging.maxThroughputUnits > 40) {
      problems.push({ path: 'messaging.maxThroughputUnits', message: `${messaging.maxThroughputUnits} is not allowed with autoInflate: true; allowed: from throughputUnits (${messaging.throughputUnits}) to 40` });
    }
  } else if (messaging.maxThroughputUnits !== 0) {
    problems.push({ path: 'messaging.maxThroughputUnits', message: `${messaging.maxThroughputUnits} is not allowed with autoInflate: false; allowed: 0` });
  }
  const retention = limits.retentionHours;
  if (messaging.messageRetentionHours < retention.min || messaging.messageRetentionHours > retention.max) {
    problems.push({ path: 'messaging.messageRetentionHours', message: `${messaging.messageRetentionHours} is out of range for ${messaging.sku}; allowed: ${retention.min} to ${retention.max} hours` });
  }
  for (const hub of eventHubs) {
    if (hub.consumers.length + 1 > limits.consumerGroups) {
      problems.push({ path: 'messaging.sku', message: `${JSON.stringify(messaging.sku)} allows ${limits.consumerGroups} consumer group(s) per event hub including $Default, but event hub ${hub.name} in deployments/catalog.yaml has ${hub.consumers.length} consumers` });
    }
  }
  return problems;
}

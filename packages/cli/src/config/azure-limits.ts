// The values Azure accepts for the settings the profiles carry, each with where it comes from.
// One place, so the validator, the docs and the tests agree.

/** Log Analytics workspace retention (PerGB2018): 30 to 730 days. */
export const logAnalyticsRetentionDays = { min: 30, max: 730 } as const;

/** PostgreSQL Flexible Server major versions this platform deploys (the issue asks for 16 or newer). */
export const postgresVersions = ['16', '17', '18'] as const;

/** PostgreSQL Flexible Server premium SSD sizes (storageSizeGB accepts only these). */
export const postgresStorageSizesGb = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

/** PostgreSQL Flexible Server backup retention: 7 to 35 days. */
export const postgresBackupRetentionDays = { min: 7, max: 35 } as const;

/** Compute tiers and the VM series each one sells (Standard_B* burstable, Standard_D* general purpose, Standard_E* memory optimized). */
export const postgresTiers = {
  Burstable: /^Standard_B\d+[a-z]*(_v\d+)?$/,
  GeneralPurpose: /^Standard_D\d+[a-z]*(_v\d+)?$/,
  MemoryOptimized: /^Standard_E\d+[a-z]*(_v\d+)?$/,
} as const;
export const postgresTierSeries = { Burstable: 'Standard_B*', GeneralPurpose: 'Standard_D*', MemoryOptimized: 'Standard_E*' } as const;

/** Azure Managed Redis (Microsoft.Cache/redisEnterprise) SKUs, from the RedisEnterprise SkuName enum. */
export const managedRedisSkus = [
  ...[0, 1, 3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700, 1000].map((size) => `Balanced_B${size}`),
  ...[10, 20, 50, 100, 150, 250, 350, 500, 700, 1000, 1500, 2000].map((size) => `MemoryOptimized_M${size}`),
  ...[3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700].map((size) => `ComputeOptimized_X${size}`),
] as const;

/** Azure Managed Redis database eviction policies. */
export const redisEvictionPolicies = ['AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'VolatileLRU', 'VolatileLFU', 'VolatileTTL', 'VolatileRandom', 'NoEviction'] as const;
export const redisPersistence = ['none', 'rdb', 'aof'] as const;

export const eventHubsSkus = ['Basic', 'Standard', 'Premium'] as const;
export type EventHubsSku = (typeof eventHubsSkus)[number];

/**
 * Event Hubs quotas per tier: throughput units (Premium: processing units), retention, partitions
 * per event hub, consumer groups per event hub (Basic has only $Default).
 */
export const eventHubsTierLimits: Record<EventHubsSku, { units: readonly number[] | { min: number; max: number }; unitName: string; retentionHours: { min: number; max: number }; partitions: number; consumerGroups: number; autoInflate: boolean }> = {
  Basic: { units: { min: 1, max: 40 }, unitName: 'throughput units', retentionHours: { min: 1, max: 24 }, partitions: 32, consumerGroups: 1, autoInflate: false },
  Standard: { units: { min: 1, max: 40 }, unitName: 'throughput units', retentionHours: { min: 1, max: 168 }, partitions: 32, consumerGroups: 20, autoInflate: true },
  Premium: { units: [1, 2, 4, 8, 16], unitName: 'processing units', retentionHours: { min: 1, max: 2160 }, partitions: 100, consumerGroups: 100, autoInflate: false },
};

/** Event hub (entity) names: 1-256 alphanumerics, periods, hyphens and underscores; start and end with letter or number. */
export const eventHubNamePattern = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/;
export const eventHubNameRule = '1-256 characters: alphanumerics, periods, hyphens and underscores; start and end with letter or number';

export const keyVaultSkus = ['standard', 'premium'] as const;
/** Key Vault soft-delete retention: 7 to 90 days. */
export const keyVaultSoftDeleteRetentionDays = { min: 7, max: 90 } as const;

export const containerRegistrySkus = ['Basic', 'Standard', 'Premium'] as const;
/** ACR Tasks agent pool tiers (https://learn.microsoft.com/azure/container-registry/tasks-agent-pools: S1 2 vCPU, S2 4, S3 8). */
export const registryAgentPoolTiers = ['S1', 'S2', 'S3'] as const;

export const stackActionsOnUnmanage = ['delete', 'detach'] as const;
export const stackDenyModes = ['none', 'denyDelete', 'denyWriteAndDelete'] as const;

/** VNet flow log retention policy: 0 (keep forever) to 365 days. */
export const flowLogRetentionDays = { min: 0, max: 365 } as const;

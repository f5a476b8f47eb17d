// Azure's limits that the rules across fields need (cross-field.ts), each with where it comes from.
// The values of each field on its own (SKUs, sizes, retention ranges) are in the JSON Schemas,
// deployments/schemas/profile.schema.json.

/** Compute tiers and the VM series each one sells (Standard_B* burstable, Standard_D* general purpose, Standard_E* memory optimized). */
export const postgresTiers = {
  Burstable: /^Standard_B\d+[a-z]*(_v\d+)?$/,
  GeneralPurpose: /^Standard_D\d+[a-z]*(_v\d+)?$/,
  MemoryOptimized: /^Standard_E\d+[a-z]*(_v\d+)?$/,
} as const;
export const postgresTierSeries = { Burstable: 'Standard_B*', GeneralPurpose: 'Standard_D*', MemoryOptimized: 'Standard_E*' } as const;

export type EventHubsSku = 'Basic' | 'Standard' | 'Premium';

/**
 * Event Hubs quotas per tier: throughput units (Premium: processing units), retention, partitions
 * per event hub, consumer groups per event hub (Basic has only $Default).
 */
export const eventHubsTierLimits: Record<EventHubsSku, { units: readonly number[] | { min: number; max: number }; unitName: string; retentionHours: { min: number; max: number }; partitions: number; consumerGroups: number; autoInflate: boolean }> = {
  Basic: { units: { min: 1, max: 40 }, unitName: 'throughput units', retentionHours: { min: 1, max: 24 }, partitions: 32, consumerGroups: 1, autoInflate: false },
  Standard: { units: { min: 1, max: 40 }, unitName: 'throughput units', retentionHours: { min: 1, max: 168 }, partitions: 32, consumerGroups: 20, autoInflate: true },
  Premium: { units: [1, 2, 4, 8, 16], unitName: 'processing units', retentionHours: { min: 1, max: 2160 }, partitions: 100, consumerGroups: 100, autoInflate: false },
};
